import { Level, type Principal } from './principal'

/**
 * su goes only downwards: an admin (or local root) to anyone of a lower level, a reseller to the
 * users it owns, nobody else to anyone.
 */
export function canSu(actor: Principal, target: Pick<Principal, 'id' | 'level' | 'parentId'>): boolean {
  if (actor.id === target.id) return false
  if (actor.level >= Level.admin) return target.level < actor.level
  if (actor.level >= Level.reseller) return target.level < actor.level && target.parentId === actor.id
  return false
}

/** Whether a principal may see and change a user: admins all below or equal them, resellers their own. */
export function canManageUser(actor: Principal, target: Pick<Principal, 'id' | 'level' | 'parentId'>): boolean {
  if (actor.level >= Level.admin) return target.level <= actor.level
  if (actor.level >= Level.reseller) return target.id === actor.id || target.parentId === actor.id
  return target.id === actor.id
}
