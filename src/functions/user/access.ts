import { and, eq, ne, sql } from 'drizzle-orm'
import { userById } from '../../auth/authenticate'
import type { UserRecord } from '../../db/rows'
import { canManageUser } from '../../core/access'
import { denied } from '../../core/errors'
import { Level } from '../../core/principal'
import { countRows, elementId } from '../../db/query'
import { users } from '../../db/schema/index'
import { emit } from '../../events/outbox'
import { changedFields, isClientUser, userFields } from '../../events/snapshots'
import type { FunctionContext } from '../../core/registry'

type User = typeof users.$inferSelect

/**
 * Tells handlers of a change to a user that is, or was, a client's own user (JeraSoft's
 * "account"): one that becomes one is created, one that stops being one is deleted.
 */
export async function tellUserChange(ctx: FunctionContext, id: number, before: User | undefined, after: User | undefined): Promise<void> {
  const was = before !== undefined && isClientUser(before)
  const is = after !== undefined && isClientUser(after)
  if (is && !was) await emit(ctx.db, ctx.now, { event: 'clients.accounts.create', objectId: id, data: { id, ...userFields(after) } })
  else if (was && !is) await emit(ctx.db, ctx.now, { event: 'clients.accounts.delete', objectId: id, data: {} })
  else if (was && is) {
    const changed = changedFields(userFields(before), userFields(after))
    if (Object.keys(changed).length) await emit(ctx.db, ctx.now, { event: 'clients.accounts.update', objectId: id, data: { id, ...changed } })
  }
}

/** The user with this id if it exists; access error if the caller may not manage it. */
export async function managedUser(ctx: FunctionContext, id: string): Promise<UserRecord | undefined> {
  const userId = elementId(id)
  if (userId === undefined) return undefined
  const user = await userById(ctx.db, userId)
  if (!user) return undefined
  if (!canManageUser(ctx.user, user)) throw denied('elid', id)
  return user
}

/** Refuses a change that would leave the panel with no active admin. */
export async function keepAnAdmin(ctx: FunctionContext, target: UserRecord): Promise<void> {
  if (target.level < Level.admin || target.status !== 'active') return
  const others = await countRows(
    ctx.db,
    users,
    and(ne(users.id, target.id), sql`${users.level} >= ${Level.admin}`, eq(users.status, 'active')),
  )
  if (others === 0) throw denied('lastadmin', target.name)
}
