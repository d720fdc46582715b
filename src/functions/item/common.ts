import { and, eq } from 'drizzle-orm'
import { ownsAccountOf, requireAccount, type Account } from '../../billing/scope'
import { itemById, tariffById, type BillingEnv, type Item, type Tariff } from '../../billing/services'
import { formatAmount } from '../../format/money'
import { denied, missed } from '../../core/errors'
import type { Db } from '../../db/connection'
import { elementId } from '../../db/query'
import { currencies, pricelists } from '../../db/schema/index'
import { currencyById } from '../currency/index'
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
export function visibleItem(ctx: FunctionContext, elid: string, field = 'elid'): Item | undefined {
  const id = elementId(elid)
  const item = id === undefined ? undefined : itemById(ctx.db, id)
  if (item && !ownsAccountOf(ctx.db, ctx.user, item.accountId)) throw denied(field, elid)
  return item
}

export function requireItem(ctx: FunctionContext, elid: string, field = 'elid'): Item {
  const item = visibleItem(ctx, elid, field)
  if (!item) throw missed(field, elid)
  return item
}

export function requireTariff(db: Db, value: string | number): Tariff {
  const id = elementId(String(value))
  const tariff = id === undefined ? undefined : tariffById(db, id)
  if (!tariff) throw missed('pricelist', String(value))
  return tariff
}

/**
 * The client an order is for: the one named, or a client user's own when none is named.
 * Someone else's client is an access error.
 */
export function orderingAccount(ctx: FunctionContext, value: string | number | boolean | undefined): Account {
  if (value === undefined || value === '') {
    if (ctx.user.accountId === null) throw missed('account')
    return requireAccount(ctx.db, ctx.user, 'account', ctx.user.accountId)
  }
  return requireAccount(ctx.db, ctx.user, 'account', String(value))
}

/** Tariffs that can be ordered now, as select choices: id → "name (currency)". */
export function orderableTariffs(db: Db): [string, string][] {
  return db
    .select({ id: pricelists.id, name: pricelists.name, code: currencies.code })
    .from(pricelists)
    .innerJoin(currencies, eq(currencies.id, pricelists.currencyId))
    .where(and(eq(pricelists.orderable, true), eq(pricelists.active, true)))
    .orderBy(pricelists.name)
    .all()
    .map((t) => [String(t.id), `${t.name} (${t.code})`])
}

/** Formats amounts of many rows, looking each currency up once. */
export function amountFormatter(db: Db): (minor: number, currencyId: number) => string {
  const places = new Map<number, number>()
  return (minor, currencyId) => {
    let p = places.get(currencyId)
    if (p === undefined) places.set(currencyId, (p = currencyById(db, String(currencyId))?.places ?? 2))
    return formatAmount(minor, p)
  }
}
