import { eq } from 'drizzle-orm'
import { amountOf } from '../../billing/amounts'
import { formatAmount } from '../../format/money'
import { accountById, visibleAccount, type Account } from '../../billing/scope'
import { denied, invalid, missed } from '../../core/errors'
import type { Values } from '../../core/params'
import { Level } from '../../core/principal'
import type { Db } from '../../db/connection'
import { firstRow, rowById } from '../../db/query'
import { accounts, currencies, expenses, items, payments, resellers, users } from '../../db/schema/index'
import { emit } from '../../events/outbox'
import { changedFields, clientData, clientFields, isClientUser, userFields, type Snapshot } from '../../events/snapshots'
import { currencyById, currencyChoices, requireCurrency } from '../currency/index'
import { defineFunction, type FunctionContext } from '../../core/registry'
import { savedForm } from '../provisioning/proposed'
import { resellerChoices } from '../user/edit'
import { accountStatuses } from './list'

type Currency = typeof currencies.$inferSelect

/**
 * Views, creates or updates a client. A reseller's staff creates clients of its own reseller
 * and cannot move them; admins may move a client to another reseller (or to the operator), and
 * its users follow. The currency is fixed once money has moved in it.
 */
export const accountEdit = defineFunction({
  name: 'account.edit',
  kind: 'form',
  level: Level.user,
  before: savedForm('clients.create', 'clients.update'),
  // A client user sees its own client; the operator and the client's reseller change it.
  saveLevel: Level.reseller,
  fields: {
    name: { type: 'string', required: true, max: 128 },
    email: { type: 'email' },
    reseller: { type: 'int', min: 1 },
    currency: { type: 'currency', required: true },
    credit_limit: { type: 'money', default: '0' },
    language: { type: 'lang', default: '' },
    allowed_addresses: { type: 'addresses' },
    note: { type: 'text', max: 2000 },
    status: { type: 'enum', values: accountStatuses, readonly: true },
    balance: { type: 'money', readonly: true },
    created: { type: 'string', readonly: true },
  },
  async choices(ctx) {
    return {
      currency: await currencyChoices(ctx.db),
      ...(ctx.user.level >= Level.admin ? { reseller: await resellerChoices(ctx.db) } : {}),
    }
  },
  async load(ctx, id) {
    const a = await visibleAccount(ctx.db, ctx.user, id)
    return a && (await clientFields(ctx.db, a))
  },
  async save(ctx, values, id) {
    const existing = id === undefined ? undefined : (await visibleAccount(ctx.db, ctx.user, id))!
    const previous = existing && (await currencyById(ctx.db, String(existing.currencyId)))!
    const resellerId = await resellerOf(ctx, values, existing)
    const currency = await currencyOf(ctx.db, values, existing, previous)
    const changes: Partial<typeof accounts.$inferInsert> & { currencyId: number } = { resellerId, currencyId: currency.id }
    if (values.name !== undefined) changes.name = String(values.name)
    if (values.email !== undefined) changes.email = String(values.email)
    if (values.language !== undefined) changes.lang = String(values.language)
    if (values.allowed_addresses !== undefined) changes.allowedAddresses = String(values.allowed_addresses)
    if (values.note !== undefined) changes.note = String(values.note)
    const limit = creditLimitOf(values, existing, previous, currency)
    if (limit !== undefined) changes.creditLimit = limit
    if (!existing) {
      const [{ id: created }] = await ctx.db
        .insert(accounts)
        .values({ name: String(values.name), ...changes, createdAt: ctx.now })
        .returning({ id: accounts.id })
      await emit(ctx.db, ctx.now, { event: 'clients.create', objectId: created, data: async () => (await clientData(ctx.db, created))! })
      return created
    }
    const before = await clientFields(ctx.db, existing)
    await ctx.db.update(accounts).set(changes).where(eq(accounts.id, existing.id))
    await tellChanges(ctx, existing.id, before)
    if (resellerId !== existing.resellerId) {
      // The client's users belong to the client's reseller: they move with it.
      const moved = await ctx.db.update(users).set({ resellerId, updatedAt: ctx.now }).where(eq(users.accountId, existing.id)).returning()
      for (const user of moved.filter(isClientUser)) {
        await emit(ctx.db, ctx.now, { event: 'clients.accounts.update', objectId: user.id, data: { id: user.id, reseller: userFields(user).reseller } })
      }
    }
    return existing.id
  },
})

/** Tells handlers which of a client's fields a change made differ from `before` (if any). */
export async function tellChanges(ctx: FunctionContext, id: number, before: Snapshot): Promise<void> {
  const changed = changedFields(before, await clientFields(ctx.db, (await accountById(ctx.db, id))!))
  if (Object.keys(changed).length) await emit(ctx.db, ctx.now, { event: 'clients.update', objectId: id, data: { id, ...changed } })
}

/**
 * The reseller a client is to belong to. A reseller's staff may only name its own (the form
 * sends the current value back); an admin may name any existing one, or none (empty).
 */
async function resellerOf(ctx: FunctionContext, values: Values, existing: Account | undefined): Promise<number | null> {
  const given = values.reseller
  if (ctx.user.level < Level.admin) {
    const own = ctx.user.resellerId
    if (own === null) throw denied('func', ctx.call.func)
    if (given !== undefined && given !== '' && Number(given) !== own) throw denied('reseller', String(given))
    return own
  }
  if (given === undefined) return existing ? existing.resellerId : null
  if (given === '') return null
  if (!(await rowById(ctx.db, resellers, resellers.id, String(given)))) throw missed('reseller', String(given))
  return Number(given)
}

/** The client's currency: required when creating, changeable only while no money has moved. */
async function currencyOf(db: Db, values: Values, existing: Account | undefined, current: Currency | undefined): Promise<Currency> {
  const code = values.currency === undefined ? undefined : String(values.currency)
  if (current && (code === undefined || code === current.code)) return current
  if (existing && (await hasMoneyRecords(db, existing.id))) throw invalid('currency', String(code), 'fixed')
  return requireCurrency(db, String(code))
}

/** Whether any payment, expense or service of the client is kept in its currency. */
async function hasMoneyRecords(db: Db, accountId: number): Promise<boolean> {
  for (const table of [payments, expenses, items]) {
    if (await firstRow(db.select({ id: table.id }).from(table).where(eq(table.accountId, accountId)).limit(1))) return true
  }
  return false
}

/**
 * The credit limit in minor units of the client's currency: as given, or, when only the
 * currency changes, the same amount in the new currency's places.
 */
function creditLimitOf(values: Values, existing: Account | undefined, previous: Currency | undefined, currency: Currency): number | undefined {
  if (values.credit_limit !== undefined) {
    return values.credit_limit === '' ? 0 : amountOf('credit_limit', String(values.credit_limit), currency.places)
  }
  if (!existing || !previous || previous.id === currency.id) return undefined
  return amountOf('credit_limit', withoutTrailingZeros(formatAmount(existing.creditLimit, previous.places)), currency.places)
}

/** "100.50" → "100.5", "100.00" → "100": the same amount, with no more decimals than it needs. */
function withoutTrailingZeros(amount: string): string {
  return amount.includes('.') ? amount.replace(/0+$/, '').replace(/\.$/, '') : amount
}
