import { and, count, eq, isNull, lt, max, min, sql } from 'drizzle-orm'
import type { Db } from '../db/connection'
import { accounts, currencies, ItemStatus, items, xdrs } from '../db/schema/index'
import { charge } from './ledger'
import { formatAmount, maxMinorUnits, MoneyFormatError, mulDivRound, parseAmount } from './money'
import { recordError, unitPricePlaces, type UsageRecord } from './xdr-batch'

/**
 * Usage records in the database: importing a checked batch, reading a page of them, and rating
 * the unrated ones into one expense per service.
 */

interface Service {
  accountId: number
  places: number
  deleted: boolean
}

/**
 * The cost of a record in the currency's smallest unit: quantity × unit price (in millionths of
 * the major unit), rounded half-up once per record.
 */
export function usageCost(quantity: number, unitPrice: number, places: number): number {
  return places <= unitPricePlaces
    ? mulDivRound(quantity, unitPrice, 10 ** (unitPricePlaces - places))
    : mulDivRound(quantity, unitPrice * 10 ** (places - unitPricePlaces), 1)
}

/** A unit price as a decimal string: its significant decimals, but at least the currency's places. */
export function formatUnitPrice(unitPrice: number, places: number): string {
  const text = formatAmount(unitPrice, unitPricePlaces)
  const keep = text.length - unitPricePlaces + Math.min(places, unitPricePlaces)
  let end = text.length
  while (end > keep && text[end - 1] === '0') end--
  return text.slice(0, end === text.length - unitPricePlaces ? end - 1 : end)
}

/**
 * Stores a checked batch, inside the caller's transaction: every record's service must exist
 * and not be deleted; a given cost must fit the currency's places, otherwise it is computed.
 * The first bad record stops the batch (the transaction then stores none). Returns the count.
 */
export function importUsage(db: Db, records: UsageRecord[]): number {
  const findService = db
    .select({ accountId: items.accountId, status: items.status, places: currencies.places })
    .from(items)
    .innerJoin(accounts, eq(accounts.id, items.accountId))
    .innerJoin(currencies, eq(currencies.id, accounts.currencyId))
    .where(eq(items.id, sql.placeholder('id')))
    .prepare()
  const services = new Map<number, Service | undefined>()
  const insert = db
    .insert(xdrs)
    .values({
      itemId: sql.placeholder('itemId'),
      accountId: sql.placeholder('accountId'),
      startedAt: sql.placeholder('startedAt'),
      quantity: sql.placeholder('quantity'),
      unitPrice: sql.placeholder('unitPrice'),
      cost: sql.placeholder('cost'),
    })
    .prepare()
  for (const r of records) {
    let service = services.get(r.item)
    if (!services.has(r.item)) {
      const row = findService.get({ id: r.item })
      service = row && { accountId: row.accountId, places: row.places, deleted: row.status === ItemStatus.deleted }
      services.set(r.item, service)
    }
    if (!service) throw recordError(r.n, 'item', String(r.item), 'xdrnoitem')
    if (service.deleted) throw recordError(r.n, 'item', String(r.item), 'xdrdeleted')
    insert.run({
      itemId: r.item,
      accountId: service.accountId,
      startedAt: r.startedAt,
      quantity: r.quantity,
      unitPrice: r.unitPrice,
      cost: costOf(r, service.places),
    })
  }
  return records.length
}

function costOf(r: UsageRecord, places: number): number {
  if (r.cost !== undefined) {
    try {
      return parseAmount(r.cost, places)
    } catch (err) {
      if (!(err instanceof MoneyFormatError)) throw err
      throw recordError(r.n, 'cost', r.cost, err.reason === 'places' ? 'xdrcostplaces' : 'xdrcost', { places })
    }
  }
  let cost: number | undefined
  try {
    cost = usageCost(r.quantity, r.unitPrice, places)
  } catch (err) {
    if (!(err instanceof RangeError)) throw err
  }
  if (cost === undefined || cost > maxMinorUnits) throw recordError(r.n, 'quantity', String(r.quantity), 'xdrcostrange')
  return cost
}

/** One page's rows, read by id after the ids were chosen from an index alone. */
export interface UsageRow {
  id: number
  item: number
  account: number
  accountName: string
  startedAt: number
  quantity: number
  unitPrice: number
  cost: number
  expense: number | null
  currency: string
  places: number
}

const rowsStatements = new WeakMap<Db, { all(values: { ids: string }): UsageRow[] }>()

/** The records with these ids, with their client's name and currency, in the order of `ids`. */
export function usageRowsByIds(db: Db, ids: number[]): UsageRow[] {
  if (!ids.length) return []
  let statement = rowsStatements.get(db)
  if (!statement) {
    statement = db
      .select({
        id: xdrs.id,
        item: xdrs.itemId,
        account: xdrs.accountId,
        accountName: accounts.name,
        startedAt: xdrs.startedAt,
        quantity: xdrs.quantity,
        unitPrice: xdrs.unitPrice,
        cost: xdrs.cost,
        expense: xdrs.expenseId,
        currency: currencies.code,
        places: currencies.places,
      })
      .from(xdrs)
      .innerJoin(accounts, eq(accounts.id, xdrs.accountId))
      .innerJoin(currencies, eq(currencies.id, accounts.currencyId))
      .where(sql`${xdrs.id} in (select value from json_each(${sql.placeholder('ids')}))`)
      .prepare()
    rowsStatements.set(db, statement)
  }
  const byId = new Map(statement.all({ ids: JSON.stringify(ids) }).map((row) => [row.id, row]))
  return ids.map((id) => byId.get(id)).filter((row): row is UsageRow => row !== undefined)
}

export interface RatingRun {
  /** Only this client's records; all clients' when absent. */
  accountId?: number
  /** Records that started before this moment (ms) are rated. */
  before: number
  /** When the expenses are charged. */
  at: number
  /** The expense's description for a service's records over a span of start times. */
  describe(service: { id: number; name: string }, from: number, to: number): string
}

export interface RatingResult {
  expenses: number
  records: number
  /** Amount charged per currency: code → minor units, with the currency's places. */
  totals: Map<string, { amount: number; places: number }>
}

/**
 * Rates unrated records: one expense per service for the sum of their costs (charged to the
 * balance through the ledger), and each record marked with it. Inside the caller's transaction.
 * A deleted service's records are rated like any other.
 */
export function rateUsage(db: Db, run: RatingRun): RatingResult {
  const pending = and(isNull(xdrs.expenseId), lt(xdrs.startedAt, run.before), run.accountId === undefined ? undefined : eq(xdrs.accountId, run.accountId))
  const groups = db
    .select({
      itemId: xdrs.itemId,
      accountId: xdrs.accountId,
      amount: sql<number>`sum(${xdrs.cost})`,
      records: count(),
      from: min(xdrs.startedAt),
      to: max(xdrs.startedAt),
    })
    .from(xdrs)
    .where(pending)
    .groupBy(xdrs.itemId, xdrs.accountId)
    .orderBy(xdrs.accountId, xdrs.itemId)
    .all()
  const result: RatingResult = { expenses: 0, records: 0, totals: new Map() }
  for (const g of groups) {
    const service = db
      .select({ name: items.name, currencyId: accounts.currencyId, code: currencies.code, places: currencies.places })
      .from(items)
      .innerJoin(accounts, eq(accounts.id, items.accountId))
      .innerJoin(currencies, eq(currencies.id, accounts.currencyId))
      .where(eq(items.id, g.itemId))
      .get()
    if (!service) continue // the service's records went with it (cascade)
    const expenseId = charge(db, {
      accountId: g.accountId,
      currencyId: service.currencyId,
      itemId: g.itemId,
      amount: g.amount,
      description: run.describe({ id: g.itemId, name: service.name }, g.from ?? run.before, g.to ?? run.before),
      at: run.at,
    })
    db.update(xdrs)
      .set({ expenseId })
      .where(and(eq(xdrs.itemId, g.itemId), isNull(xdrs.expenseId), lt(xdrs.startedAt, run.before)))
      .run()
    result.expenses++
    result.records += g.records
    const total = result.totals.get(service.code) ?? { amount: 0, places: service.places }
    total.amount += g.amount
    result.totals.set(service.code, total)
  }
  return result
}
