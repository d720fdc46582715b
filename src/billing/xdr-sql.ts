import type Database from 'better-sqlite3'
import { getTableName, sql, type AnyColumn, type SQL } from 'drizzle-orm'
import type { Db } from '../db/connection'
import { xdrs } from '../db/schema/index'
import type { Dialect, Store } from '../db/store'

/**
 * What usage records say differently on each database: how a checked batch is staged and then
 * stored, and how a statement is given a list of ids.
 */

/** Checked records as the columns of their rows, in the order they are to be stored. */
export interface UsageColumns {
  itemId: number[]
  accountId: number[]
  startedAt: number[]
  quantity: number[]
  unitPrice: number[]
  cost: number[]
}

const columnOrder = ['itemId', 'accountId', 'startedAt', 'quantity', 'unitPrice', 'cost'] as const satisfies readonly (keyof UsageColumns)[]
const stagedColumns = `(${columnOrder.map((key) => xdrs[key].name).join(', ')})`

/**
 * A batch ready to be stored in one short step. On SQLite it waits in a temporary table of the
 * one connection; on PostgreSQL (where the transaction that stores it may run on another
 * connection of the pool) its columns wait here, to be written with a few multi-row inserts.
 */
export type StagedRows = { table: string } | { columns: UsageColumns }

export type Progress = (done: number, total: number) => void

/** Stages a batch outside the transaction that will store it. */
export async function stageRows(store: Store, columns: UsageColumns, onProgress?: Progress): Promise<StagedRows> {
  if (store.dialect === 'sqlite') return stageInTemporaryTable(store, columns, onProgress)
  onProgress?.(columns.itemId.length, columns.itemId.length)
  return { columns }
}

/** Writes a staged batch to the records, in its order, inside the caller's transaction. */
export async function storeStaged(db: Db, staged: StagedRows): Promise<void> {
  if ('table' in staged) copyTemporaryTable(db.$client, staged.table)
  else await insertColumns(db, staged.columns)
}

/**
 * Lets go of a staged batch, stored or not, inside the caller's transaction: if that is rolled
 * back, a temporary table stays, and the next batch staged drops it.
 */
export function releaseStaged(db: Db, staged: StagedRows): void {
  if ('table' in staged) dropStaging(db.$client, staged.table)
}

/** `column` is one of the ids a statement is given as its `ids` value, made by `idsValue`. */
export function inIds(dialect: Dialect, column: AnyColumn): SQL {
  return dialect === 'pg'
    ? sql`${column} = any(${sql.placeholder('ids')})`
    : sql`${column} in (select value from json_each(${sql.placeholder('ids')}))`
}

/** The `ids` value of a statement made with `inIds`. */
export function idsValue(dialect: Dialect, ids: number[]): unknown {
  return dialect === 'pg' ? ids : JSON.stringify(ids)
}

// SQLite: a temporary table, filled in turns at the write lock (temporary tables are the
// connection's own, but the one connection is shared, so its statements must take their turn).

/** Staging tables in use on this process's connection; any other found is a failed import's. */
const staging = new Set<string>()
let stagingSerial = 0
/** Records per statement when staging: one call into SQLite for many rows. */
const rowsPerStatement = 100
/** Records staged per turn at the write lock, so other writers are not kept waiting for a whole large batch. */
const rowsPerTurn = 50_000
const progressEvery = 4096

async function stageInTemporaryTable(store: Store, columns: UsageColumns, onProgress?: Progress): Promise<StagedRows> {
  const count = columns.itemId.length
  const table = `xdr_staging_${++stagingSerial}`
  staging.add(table)
  try {
    await store.write(async (tx) => {
      dropAbandonedStaging(tx.$client)
      tx.$client.exec(`create temp table ${table} ${stagedColumns}`)
    })
    for (let from = 0; from < count; from += rowsPerTurn) {
      const to = Math.min(from + rowsPerTurn, count)
      await store.write(async (tx) => fillStaging(tx.$client, table, columns, from, to, onProgress))
    }
  } catch (err) {
    // Left to the next batch, which drops it.
    staging.delete(table)
    throw err
  }
  onProgress?.(count, count)
  return { table }
}

function fillStaging(sqlite: Database.Database, table: string, columns: UsageColumns, from: number, to: number, onProgress?: Progress): void {
  const values = (rows: number) => Array(rows).fill(`(${columnOrder.map(() => '?').join(', ')})`).join(', ')
  const many = sqlite.prepare(`insert into temp.${table} values ${values(rowsPerStatement)}`)
  const args = new Array<number>(rowsPerStatement * columnOrder.length)
  let done = from
  for (; done + rowsPerStatement <= to; done += rowsPerStatement) {
    fillArgs(args, columns, done, rowsPerStatement)
    many.run(args)
    if (onProgress && done % progressEvery < rowsPerStatement) onProgress(done, columns.itemId.length)
  }
  if (done < to) sqlite.prepare(`insert into temp.${table} values ${values(to - done)}`).run(fillArgs([], columns, done, to - done))
}

/** The values of `rows` records from `from`, row after row (in `columnOrder`), in `args`. */
function fillArgs(args: number[], columns: UsageColumns, from: number, rows: number): number[] {
  const { itemId, accountId, startedAt, quantity, unitPrice, cost } = columns
  let at = 0
  for (let i = from; i < from + rows; i++) {
    args[at++] = itemId[i]
    args[at++] = accountId[i]
    args[at++] = startedAt[i]
    args[at++] = quantity[i]
    args[at++] = unitPrice[i]
    args[at++] = cost[i]
  }
  return args
}

function copyTemporaryTable(sqlite: Database.Database, table: string): void {
  sqlite.prepare(`insert into ${getTableName(xdrs)} ${stagedColumns} select * from temp.${table} order by rowid`).run()
}

function dropStaging(sqlite: Database.Database, table: string): void {
  staging.delete(table)
  sqlite.exec(`drop table if exists temp.${table}`)
}

/** Staging tables left by batches whose transaction was rolled back after their copy. */
function dropAbandonedStaging(sqlite: Database.Database): void {
  const tables = sqlite.prepare("select name from temp.sqlite_master where type = 'table' and name glob 'xdr_staging_*'").pluck().all() as string[]
  for (const table of tables) if (!staging.has(table)) dropStaging(sqlite, table)
}

// PostgreSQL: each statement sends every column as one array parameter and `unnest` turns them
// back into rows, so a statement's size does not depend on a limit of parameters.

/** Records per statement: large enough to be few, small enough to keep each statement's arrays modest. */
const rowsPerInsert = 20_000

/** The columns of `unnest`'s rows (every column of a record is a whole number). */
const unnested = sql.raw(columnOrder.map((_, i) => `c${i}`).join(', '))

async function insertColumns(db: Db, columns: UsageColumns): Promise<void> {
  const pg = db as unknown as { execute(query: SQL): Promise<unknown> }
  for (let from = 0; from < columns.itemId.length; from += rowsPerInsert) {
    const arrays = sql.join(
      columnOrder.map((key) => sql`${sql.param(columns[key].slice(from, from + rowsPerInsert))}::bigint[]`),
      sql`, `,
    )
    // `with ordinality` keeps the batch's order, so ids follow start times as on SQLite.
    await pg.execute(
      sql`insert into ${xdrs} ${sql.raw(stagedColumns)} select ${unnested} from unnest(${arrays}) with ordinality as r(${unnested}, n) order by n`,
    )
  }
}
