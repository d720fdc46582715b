import { and, eq, inArray } from 'drizzle-orm'
import { visibleAccount } from '../../billing/scope'
import { invalid } from '../../core/errors'
import { Level } from '../../core/principal'
import { accounts, items, ItemStatus } from '../../db/schema/index'
import { defineFunction, type FunctionContext } from '../registry'
import { aboutElement } from '../provisioning/proposed'
import type { AccountStatus } from './list'

/** Services that still run, or may yet run, for a client: an archived client has none. */
const liveServiceStatuses = [ItemStatus.ordered, ItemStatus.active, ItemStatus.suspended, ItemStatus.processing]

function setStatus(ctx: FunctionContext, id: string, status: AccountStatus): void {
  const account = visibleAccount(ctx.db, ctx.user, id)
  if (!account || account.status === status) return
  if (status === 'archived') {
    const live = ctx.db
      .select({ id: items.id })
      .from(items)
      .where(and(eq(items.accountId, account.id), inArray(items.status, liveServiceStatuses)))
      .limit(1)
      .get()
    if (live) throw invalid('elid', id, 'liveservices')
  }
  ctx.db.update(accounts).set({ status }).where(eq(accounts.id, account.id)).run()
}

export const accountSuspend = defineFunction({
  name: 'account.suspend',
  kind: 'group',
  level: Level.reseller,
  each: (ctx, id) => setStatus(ctx, id, 'suspended'),
})

export const accountResume = defineFunction({
  name: 'account.resume',
  kind: 'group',
  level: Level.reseller,
  each: (ctx, id) => setStatus(ctx, id, 'active'),
})

/** Archives clients that have no live services left (ordered, active, suspended or processing). */
export const accountArchive = defineFunction({
  name: 'account.archive',
  kind: 'group',
  level: Level.reseller,
  before: aboutElement('clients.archive', 'account.edit', true),
  each: (ctx, id) => setStatus(ctx, id, 'archived'),
})

/**
 * Deletes clients with everything that is theirs: payments, services, expenses, invoices, usage
 * records, custom fields and users go with them (by the foreign keys), so no balance is left
 * out of step with its records.
 */
export const accountDelete = defineFunction({
  name: 'account.delete',
  kind: 'group',
  level: Level.reseller,
  before: aboutElement('clients.delete', 'account.edit', true),
  each(ctx, id) {
    const account = visibleAccount(ctx.db, ctx.user, id)
    if (account) ctx.db.delete(accounts).where(eq(accounts.id, account.id)).run()
  },
})
