import { and, count, eq, isNull, lt, max, min, sql } from 'drizzle-orm'
import type { Db } from '../db/connection'
import { accounts, currencies, expenses, ItemStatus, items, xdrs } from '../db/schema/index'
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
  status: number
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
 * and be neither deleted nor still waiting to be activated; a given cost must fit the currency's places, otherwise it is computed.
 * The first bad record (in batch order) stops the batch, before anything is written. Returns
 * the count. `onProgress`, if given, hears how many records are stored so far, now and then.
 */
export function importUsage(db: Db, records: UsageRecord[], onProgress?: (done: number, total: number) => void): number {
  const findService = db
    .select({ accountId: items.accountId, status: items.status, places: currencies.places })
    .from(items)
    .innerJoin(accounts, eq(accounts.id, items.accountId))
    .innerJoin(currencies, eq(currencies.id, accounts.currencyId))
    .where(eq(items.id, sql.placeholder('id')))
    .prepare()
  const services = new Map<number, Service | undefined>()
  const accountIds = new Array<number>(records.length)
  const costs = new Array<number>(records.length)
  for (let i = 0; i < records.length; i++) {
    const r = records[i]
    let service = services.get(r.item)
    if (!services.has(r.item)) {
      const row = findService.get({ id: r.item })
      service = row && { accountId: row.accountId, places: row.places, status: row.status }
      services.set(r.item, service)
    }
    if (!service) throw recordError(r.n, 'item', String(r.item), 'xdrnoitem')
    if (service.status === ItemStatus.deleted) throw recordError(r.n, 'item', String(r.item), 'xdrdeleted')
    // Nothing can have been used of a service that was never activated.
    if (service.status === ItemStatus.ordered) throw recordError(r.n, 'item', String(r.item), 'xdrordered')
    accountIds[i] = service.accountId
    costs[i] = costOf(r, service.places)
  }
  // In start order, so the start-time index grows at its end rather than everywhere; and one
  // plain prepared statement, as a batch may hold hundreds of thousands of rows.
  const order = records.map((_, i) => i).sort((a, b) => records[a].startedAt - records[b].startedAt || a - b)
  const insert = db.$client.prepare(
    'insert into xdrs (item_id, account_id, started_at, quantity, unit_price, cost) values (?, ?, ?, ?, ?, ?)',
  )
  let stored = 0
  for (const i of order) {
    const r = records[i]
    insert.run(r.item, accountIds[i], r.startedAt, r.quantity, r.unitPrice, costs[i])
    if (onProgress && ++stored % progressEvery === 0) onProgress(stored, records.length)
  }
  onProgress?.(records.length, records.length)
  return records.length
}

const progressEvery = 4096

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

/**
 * "Not rated yet", written so that SQLite keeps to the index of the other conditions (start
 * time, client, service): without statistics it takes `is null` for a rare value, and would
 * read every unrated record through the expense index and sort them all.
 */
const unrated = sql`+${xdrs.expenseId} is null`

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
  // For all clients, the expense index finds the unrated records; for one, its own index.
  const pending =
    run.accountId === undefined
      ? and(isNull(xdrs.expenseId), lt(xdrs.startedAt, run.before))
      : and(eq(xdrs.accountId, run.accountId), lt(xdrs.startedAt, run.before), unrated)
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
  let firstExpense: number | undefined
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
    firstExpense ??= expenseId
    result.expenses++
    result.records += g.records
    const total = result.totals.get(service.code) ?? { amount: 0, places: service.places }
    total.amount += g.amount
    result.totals.set(service.code, total)
  }
  if (firstExpense === undefined) return result
  // Every record to its service's new expense (the one expense of this run with its item) in
  // one pass over the table: a pass per service would visit the same pages again and again
  // (four times slower on a million records).
  const newExpense = sql`(select max(${expenses.id}) from ${expenses} where ${expenses.itemId} = ${xdrs.itemId} and ${expenses.id} >= ${firstExpense})`
  db.update(xdrs).set({ expenseId: newExpense }).where(pending).run()
  return result
}
