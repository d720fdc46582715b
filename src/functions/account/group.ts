import { and, eq, inArray, ne } from 'drizzle-orm'
import { visibleAccount } from '../../billing/scope'
import { invalid } from '../../core/errors'
import { Level } from '../../core/principal'
import { firstRow } from '../../db/query'
import { accounts, items, ItemStatus, users } from '../../db/schema/index'
import { emit } from '../../events/outbox'
import { clientFields, isClientUser, serviceData } from '../../events/snapshots'
import { defineFunction, type FunctionContext } from '../../core/registry'
import { tellChanges } from './edit'
import { aboutElement } from '../provisioning/proposed'
import type { AccountStatus } from './list'

/** Services that still run, or may yet run, for a client: an archived client has none. */
const liveServiceStatuses = [ItemStatus.ordered, ItemStatus.active, ItemStatus.suspended, ItemStatus.processing]

async function setStatus(ctx: FunctionContext, id: string, status: AccountStatus): Promise<void> {
  const account = await visibleAccount(ctx.db, ctx.user, id)
  if (!account || account.status === status) return
  if (status === 'archived') {
    const live = await firstRow(
      ctx.db
        .select({ id: items.id })
        .from(items)
        .where(and(eq(items.accountId, account.id), inArray(items.status, liveServiceStatuses)))
        .limit(1),
    )
    if (live) throw invalid('elid', id, 'liveservices')
  }
  const before = await clientFields(ctx.db, account)
  await ctx.db.update(accounts).set({ status }).where(eq(accounts.id, account.id))
  if (status === 'archived') await emit(ctx.db, ctx.now, { event: 'clients.archive', objectId: account.id, data: {} })
  else await tellChanges(ctx, account.id, before)
}

/**
 * Before a client is deleted with everything that is theirs: its services that were not closed
 * close, and its users go, so handlers that set them up elsewhere take them down.
 */
async function tellDeletion(ctx: FunctionContext, accountId: number): Promise<void> {
  const open = await ctx.db.select().from(items).where(and(eq(items.accountId, accountId), ne(items.status, ItemStatus.deleted)))
  for (const item of open) {
    const closed = { ...item, status: ItemStatus.deleted }
    await emit(ctx.db, ctx.now, { event: 'clients.subscriptions.close', objectId: item.id, data: () => serviceData(ctx.db, closed) })
  }
  const clientUsers = (await ctx.db.select().from(users).where(eq(users.accountId, accountId))).filter(isClientUser)
  for (const user of clientUsers) {
    await emit(ctx.db, ctx.now, { event: 'clients.accounts.delete', objectId: user.id, data: {} })
  }
  await emit(ctx.db, ctx.now, { event: 'clients.delete', objectId: accountId, data: {} })
}

export const accountSuspend = defineFunction({
  name: 'account.suspend',
  kind: 'group',
  level: Level.reseller,
  each: async (ctx, id) => setStatus(ctx, id, 'suspended'),
})

export const accountResume = defineFunction({
  name: 'account.resume',
  kind: 'group',
  level: Level.reseller,
  each: async (ctx, id) => setStatus(ctx, id, 'active'),
})

/** Archives clients that have no live services left (ordered, active, suspended or processing). */
export const accountArchive = defineFunction({
  name: 'account.archive',
  kind: 'group',
  level: Level.reseller,
  before: aboutElement('clients.archive', 'account.edit', true),
  each: async (ctx, id) => setStatus(ctx, id, 'archived'),
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
  async each(ctx, id) {
    const account = await visibleAccount(ctx.db, ctx.user, id)
    if (!account) return
    await tellDeletion(ctx, account.id)
    await ctx.db.delete(accounts).where(eq(accounts.id, account.id))
  },
})
