import { Level, type Principal } from './principal'

type Owned = Pick<Principal, 'id' | 'level' | 'resellerId'>

/** Whether a user of a reseller is below another user of the same reseller. */
function sameReseller(actor: Owned, target: Owned): boolean {
  return actor.resellerId !== null && target.resellerId === actor.resellerId
}

/**
 * su goes only downwards: an admin (or local root) to anyone of a lower level, a reseller's
 * user to the client users of the same reseller, nobody else to anyone.
 */
export function canSu(actor: Principal, target: Owned): boolean {
  if (actor.id === target.id) return false
  if (actor.level >= Level.admin) return target.level < actor.level
  if (actor.level >= Level.reseller) return target.level < Level.reseller && sameReseller(actor, target)
  return false
}

/**
 * Whether a principal may see and change a user: admins every user up to their own level, a
 * reseller's user itself and the client users of its reseller, anyone else only itself.
 */
export function canManageUser(actor: Principal, target: Owned): boolean {
  if (target.id === actor.id) return true
  if (actor.level >= Level.admin) return target.level <= actor.level
  if (actor.level >= Level.reseller) return target.level < Level.reseller && sameReseller(actor, target)
  return false
}

/** The clients a principal may see: every client, one reseller's, or one client. */
export type Scope = { kind: 'all' } | { kind: 'reseller'; resellerId: number } | { kind: 'account'; accountId: number }

/** A user bound to nothing it could see; matches no row. */
const nowhere = -1

export function scopeOf(user: Principal): Scope {
  if (user.level >= Level.admin) return { kind: 'all' }
  if (user.level >= Level.reseller) return { kind: 'reseller', resellerId: user.resellerId ?? nowhere }
  return { kind: 'account', accountId: user.accountId ?? nowhere }
}

/** Whether a client (with its reseller) is within a scope. */
export function inScope(scope: Scope, account: { id: number; resellerId: number | null }): boolean {
  switch (scope.kind) {
    case 'all':
      return true
    case 'reseller':
      return account.resellerId === scope.resellerId
    case 'account':
      return account.id === scope.accountId
  }
}
