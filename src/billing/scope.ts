import { eq, sql, type AnyColumn, type SQL } from 'drizzle-orm'
import { inScope, scopeOf, type Scope } from '../core/access'
import { denied, missed } from '../core/errors'
import type { Principal } from '../core/principal'
import type { Db } from '../db/connection'
import { elementId, rowWithId } from '../db/query'
import { accounts } from '../db/schema/index'

export type Account = typeof accounts.$inferSelect

/**
 * The part of a list's condition that keeps it to the caller's clients, for a table whose rows
 * belong to a client through `accountColumn`. Its value is the placeholder `scope`; `shape`
 * names the variant for statement preparation.
 */
export function scopeCondition(
  scope: Scope,
  accountColumn: AnyColumn,
): { shape: string; condition: SQL | undefined; value: number | undefined } {
  switch (scope.kind) {
    case 'all':
      return { shape: 'all', condition: undefined, value: undefined }
    case 'reseller':
      return {
        shape: 'reseller',
        condition:
          accountColumn === accounts.id
            ? eq(accounts.resellerId, sql.placeholder('scope'))
            : sql`${accountColumn} in (select ${accounts.id} from ${accounts} where ${accounts.resellerId} = ${sql.placeholder('scope')})`,
        value: scope.resellerId,
      }
    case 'account':
      return { shape: 'account', condition: eq(accountColumn, sql.placeholder('scope')), value: scope.accountId }
  }
}

export async function accountById(db: Db, id: number): Promise<Account | undefined> {
  return rowWithId(db, accounts, accounts.id, id)
}

/**
 * The client an `elid` names, if it exists; an access error when it exists but the caller may
 * not see it (a form or group on it then reveals nothing).
 */
export async function visibleAccount(db: Db, user: Principal, elid: string, field = 'elid'): Promise<Account | undefined> {
  const id = elementId(elid)
  const account = id === undefined ? undefined : await accountById(db, id)
  if (account && !inScope(scopeOf(user), account)) throw denied(field, elid)
  return account
}

/** The client a parameter names: `missed` when there is none, `access` when it is not the caller's. */
export async function requireAccount(db: Db, user: Principal, field: string, value: string | number): Promise<Account> {
  const account = await visibleAccount(db, user, String(value), field)
  if (!account) throw missed(field, String(value))
  return account
}

/** Whether a row that belongs to a client (by its account id) is visible to the caller. */
export async function ownsAccountOf(db: Db, user: Principal, accountId: number): Promise<boolean> {
  const scope = scopeOf(user)
  if (scope.kind === 'all') return true
  if (scope.kind === 'account') return scope.accountId === accountId
  const account = await accountById(db, accountId)
  return account !== undefined && inScope(scope, account)
}
