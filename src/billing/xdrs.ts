import { and, count, eq, isNull, lt, max, min, sql } from 'drizzle-orm'
import type { Db } from '../db/connection'
import { preparedFor } from '../db/prepared'
import { firstRow } from '../db/query'
import { accounts, currencies, expenses, ItemStatus, items, xdrs } from '../db/schema/index'
import type { Dialect, Store } from '../db/store'
import { charge } from './ledger'
import { formatAmount, maxMinorUnits, MoneyFormatError, mulDivRound, parseAmount } from '../format/money'
import { recordError, unitPricePlaces, type UsageRecord } from './xdr-batch'
import { idsValue, inIds, releaseStaged, stageRows, storeStaged, type Progress, type StagedRows, type UsageColumns } from './xdr-sql'

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

/** A service as a batch was checked against: what its records' client and costs were taken from. */
interface CheckedService extends Service {
  /** The first record (batch position) that names it, for an error about it. */
  first: number
}

/**
 * A batch checked and staged (see xdr-sql), ready to be stored in one short step: on SQLite
 * filling its temporary table took the write lock only in short turns.
 */
export interface StagedUsage {
  rows: StagedRows
  count: number
  services: Map<number, CheckedService>
}

/**
 * Checks a batch against its services and stages it, outside the transaction that will store
 * it: every record's service must exist and be neither deleted nor still waiting to be
 * activated; a given cost must fit the currency's places, otherwise it is computed. The first
 * bad record (in batch order) stops the batch, before anything is staged. `onProgress`, if
 * given, hears how many records are staged so far.
 */
export async function stageUsage(store: Store, records: UsageRecord[], onProgress?: Progress): Promise<StagedUsage> {
  const findService = serviceReader(store.db)
  const services = new Map<number, CheckedService | undefined>()
  const accountIds = new Array<number>(records.length)
  const costs = new Array<number>(records.length)
  for (let i = 0; i < records.length; i++) {
    const r = records[i]
    let service = services.get(r.item)
    if (!services.has(r.item)) {
      const found = await findService(r.item)
      service = found && { ...found, first: r.n }
      services.set(r.item, service)
    }
    refuseService(service, r.n, r.item)
    accountIds[i] = service!.accountId
    costs[i] = costOf(r, service!.places)
  }
  const rows = await stageRows(store, columnsOf(records, accountIds, costs), onProgress)
  return { rows, count: records.length, services: services as Map<number, CheckedService> }
}

/** The records' rows as columns, in start order, so the start-time index grows at its end rather than everywhere. */
function columnsOf(records: UsageRecord[], accountIds: number[], costs: number[]): UsageColumns {
  const order = records.map((_, i) => i).sort((a, b) => records[a].startedAt - records[b].startedAt || a - b)
  const n = records.length
  const columns: UsageColumns = {
    itemId: new Array<number>(n),
    accountId: new Array<number>(n),
    startedAt: new Array<number>(n),
    quantity: new Array<number>(n),
    unitPrice: new Array<number>(n),
    cost: new Array<number>(n),
  }
  for (let k = 0; k < n; k++) {
    const i = order[k]
    const r = records[i]
    columns.itemId[k] = r.item
    columns.accountId[k] = accountIds[i]
    columns.startedAt[k] = r.startedAt
    columns.quantity[k] = r.quantity
    columns.unitPrice[k] = r.unitPrice
    columns.cost[k] = costs[i]
  }
  return columns
}

/**
 * Stores a staged batch, inside the caller's transaction. The services are read again first:
 * one deleted (or changed) since the batch was checked stops it. Returns the count.
 */
export async function storeUsage(db: Db, staged: StagedUsage): Promise<number> {
  try {
    const findService = serviceReader(db)
    for (const [id, checked] of staged.services) {
      const now = await findService(id)
      refuseService(now, checked.first, id)
      if (now!.accountId !== checked.accountId || now!.places !== checked.places) {
        throw recordError(checked.first, 'item', String(id), 'xdrchanged')
      }
    }
    await storeStaged(db, staged.rows)
    return staged.count
  } finally {
    releaseStaged(db, staged.rows)
  }
}

/**
 * Checks and stores a batch in one go, in one transaction (the caller's, when it holds one;
 * for large batches, stage first with stageUsage outside it).
 */
export async function importUsage(store: Store, records: UsageRecord[], onProgress?: Progress): Promise<number> {
  const staged = await stageUsage(store, records, onProgress)
  return store.write((tx) => storeUsage(tx, staged))
}

function serviceReader(db: Db): (id: number) => Promise<Service | undefined> {
  const statement = db
    .select({ accountId: items.accountId, status: items.status, places: currencies.places })
    .from(items)
    .innerJoin(accounts, eq(accounts.id, items.accountId))
    .innerJoin(currencies, eq(currencies.id, accounts.currencyId))
    .where(eq(items.id, sql.placeholder('id')))
    .prepare()
  return async (id) => {
    const [row] = await statement.execute({ id })
    return row && { accountId: row.accountId, places: row.places, status: row.status }
  }
}

function refuseService(service: Service | undefined, n: number, item: number): void {
  if (!service) throw recordError(n, 'item', String(item), 'xdrnoitem')
  if (service.status === ItemStatus.deleted) throw recordError(n, 'item', String(item), 'xdrdeleted')
  // Nothing can have been used of a service that was never activated.
  if (service.status === ItemStatus.ordered) throw recordError(n, 'item', String(item), 'xdrordered')
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

/** The statement that reads a page's rows, on a database of `dialect`. */
function rowsStatementOf(dialect: Dialect) {
  return preparedFor((db) =>
    db
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
      .where(inIds(dialect, xdrs.id))
      .prepare(),
  )
}

const rowsStatements = { sqlite: rowsStatementOf('sqlite'), pg: rowsStatementOf('pg') }

/** The records with these ids, with their client's name and currency, in the order of `ids`. */
export async function usageRowsByIds(db: Db, dialect: Dialect, ids: number[]): Promise<UsageRow[]> {
  if (!ids.length) return []
  const rows: UsageRow[] = await rowsStatements[dialect](db).execute({ ids: idsValue(dialect, ids) })
  const byId = new Map(rows.map((row) => [row.id, row]))
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
export async function rateUsage(db: Db, run: RatingRun): Promise<RatingResult> {
  // For all clients, the expense index finds the unrated records; for one, its own index.
  const pending =
    run.accountId === undefined
      ? and(isNull(xdrs.expenseId), lt(xdrs.startedAt, run.before))
      : and(eq(xdrs.accountId, run.accountId), lt(xdrs.startedAt, run.before), unrated)
  const groups = await db
    .select({
      itemId: xdrs.itemId,
      accountId: xdrs.accountId,
      amount: sql<number>`sum(${xdrs.cost})`.mapWith(Number),
      records: count(),
      from: min(xdrs.startedAt),
      to: max(xdrs.startedAt),
    })
    .from(xdrs)
    .where(pending)
    .groupBy(xdrs.itemId, xdrs.accountId)
    .orderBy(xdrs.accountId, xdrs.itemId)
  const result: RatingResult = { expenses: 0, records: 0, totals: new Map() }
  let firstExpense: number | undefined
  for (const g of groups) {
    const service = await firstRow(
      db
        .select({ name: items.name, currencyId: accounts.currencyId, code: currencies.code, places: currencies.places })
        .from(items)
        .innerJoin(accounts, eq(accounts.id, items.accountId))
        .innerJoin(currencies, eq(currencies.id, accounts.currencyId))
        .where(eq(items.id, g.itemId)),
    )
    if (!service) continue // the service's records went with it (cascade)
    const expenseId = await charge(db, {
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
  await db.update(xdrs).set({ expenseId: newExpense }).where(pending)
  return result
}
