import { and, eq, inArray } from 'drizzle-orm'
import { ownsAccountOf, requireAccount, type Account } from '../../billing/scope'
import { itemById, tariffById, type BillingEnv, type Item, type Tariff } from '../../billing/services'
import { formatAmount } from '../../format/money'
import { denied, missed } from '../../core/errors'
import type { Db } from '../../db/connection'
import { elementId } from '../../db/query'
import { currencies, pricelists } from '../../db/schema/index'
import type { FunctionContext } from '../../core/registry'

/** Periods a service can be paid for, in months, as parameter values. */
export const periodValues = ['1', '3', '6', '12'] as const

/** Service statuses (ItemStatus), as parameter values. */
export const statusValues = ['1', '2', '3', '4', '5'] as const

export function billingEnv(ctx: FunctionContext): BillingEnv {
  return { db: ctx.db, now: ctx.now, lang: ctx.services.config.lang }
}

/**
 * The service an `elid` names, if it exists; an access error when it belongs to a client the
 * caller may not see.
 */
export async function visibleItem(ctx: FunctionContext, elid: string, field = 'elid'): Promise<Item | undefined> {
  const id = elementId(elid)
  const item = id === undefined ? undefined : await itemById(ctx.db, id)
  if (item && !(await ownsAccountOf(ctx.db, ctx.user, item.accountId))) throw denied(field, elid)
  return item
}

export async function requireItem(ctx: FunctionContext, elid: string, field = 'elid'): Promise<Item> {
  const item = await visibleItem(ctx, elid, field)
  if (!item) throw missed(field, elid)
  return item
}

export async function requireTariff(db: Db, value: string | number): Promise<Tariff> {
  const id = elementId(String(value))
  const tariff = id === undefined ? undefined : await tariffById(db, id)
  if (!tariff) throw missed('pricelist', String(value))
  return tariff
}

/**
 * The client an order is for: the one named, or a client user's own when none is named.
 * Someone else's client is an access error.
 */
export async function orderingAccount(ctx: FunctionContext, value: string | number | boolean | undefined): Promise<Account> {
  if (value === undefined || value === '') {
    if (ctx.user.accountId === null) throw missed('account')
    return requireAccount(ctx.db, ctx.user, 'account', ctx.user.accountId)
  }
  return requireAccount(ctx.db, ctx.user, 'account', String(value))
}

/** Tariffs that can be ordered now, as select choices: id → "name (currency)". */
export async function orderableTariffs(db: Db): Promise<[string, string][]> {
  const tariffs = await db
    .select({ id: pricelists.id, name: pricelists.name, code: currencies.code })
    .from(pricelists)
    .innerJoin(currencies, eq(currencies.id, pricelists.currencyId))
    .where(and(eq(pricelists.orderable, true), eq(pricelists.active, true)))
    .orderBy(pricelists.name)
  return tariffs.map((t) => [String(t.id), `${t.name} (${t.code})`])
}

export interface CurrencyUnit {
  code: string
  places: number
}

/** Code and places of the currencies `ids` name (repeats welcome), read in one query. */
export async function currencyUnitsOf(db: Db, ids: number[]): Promise<Map<number, CurrencyUnit>> {
  const distinct = [...new Set(ids)]
  if (!distinct.length) return new Map()
  const rows = await db
    .select({ id: currencies.id, code: currencies.code, places: currencies.places })
    .from(currencies)
    .where(inArray(currencies.id, distinct))
  return new Map(rows.map(({ id, ...unit }) => [id, unit]))
}

/** Formats amounts in the currencies `currencyIds` name, each currency read once. */
export async function amountFormatter(db: Db, currencyIds: number[]): Promise<(minor: number, currencyId: number) => string> {
  const units = await currencyUnitsOf(db, currencyIds)
  return (minor, currencyId) => formatAmount(minor, units.get(currencyId)?.places ?? 2)
}
