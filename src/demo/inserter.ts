import { getTableName, sql, type SQL } from 'drizzle-orm'
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core'
import type { Task } from '../cli/progress'
import type { Db } from '../db/connection'
import type { Store } from '../db/store'

/**
 * Writing demo data in bulk, each database its own way: through drizzle's insert builder a
 * batch takes about four times as long (200,000 usage records on SQLite: 3.4 s built, 0.8 s
 * through one prepared statement; on PostgreSQL: 12.5 s built, 3.3 s as column arrays).
 */

/** Rows per transaction: big enough that commits cost nothing, small enough for a short WAL. */
const rowsPerTransaction = 10_000

interface Bulk {
  /** The id the next row of a table gets: past every id it has ever handed out. */
  nextId(db: Db, table: SQLiteTable): Promise<number>
  /** Appends rows (values positional, in the order of `columns`). */
  insert(tx: Db, table: SQLiteTable, columns: readonly SQLiteColumn[], rows: unknown[][]): Promise<void>
  /** After rows were written with ids of their own: the table's next id comes after them. */
  idsTaken(tx: Db, table: SQLiteTable): Promise<void>
  /** Sets one column of rows by their ids. */
  setById(tx: Db, column: SQLiteColumn, id: SQLiteColumn, pairs: [id: number, value: unknown][]): Promise<void>
}

/** SQLite: one prepared statement run row after row on the connection, inside the write. */
const sqliteBulk: Bulk = {
  async nextId(db, table) {
    const name = getTableName(table)
    const max = db.$client.prepare(`select coalesce(max(id), 0) from "${name}"`).pluck().get() as number
    const seq = db.$client.prepare('select coalesce(max(seq), 0) from sqlite_sequence where name = ?').pluck().get(name) as number
    return Math.max(max, seq) + 1
  },
  async insert(tx, table, columns, rows) {
    const names = columns.map((c) => `"${c.name}"`).join(', ')
    const statement = tx.$client.prepare(`insert into "${getTableName(table)}" (${names}) values (${columns.map(() => '?').join(', ')})`)
    // The driver binds numbers, not booleans.
    const flags = columns.flatMap((c, i) => (c.columnType === 'SQLiteBoolean' ? [i] : []))
    for (const row of rows) {
      for (const i of flags) row[i] = row[i] ? 1 : 0
      statement.run(row)
    }
  },
  // AUTOINCREMENT counts past the largest id ever written.
  async idsTaken() {},
  async setById(tx, column, id, pairs) {
    const statement = tx.$client.prepare(`update "${getTableName(column.table)}" set "${column.name}" = ? where "${id.name}" = ?`)
    for (const [key, value] of pairs) statement.run(value, key)
  },
}

const pgTypes: Record<string, string> = { SQLiteInteger: 'bigint', SQLiteBoolean: 'boolean', SQLiteText: 'text' }

/** A column's values as one array parameter of its PostgreSQL type, for `unnest`. */
function pgArray(column: SQLiteColumn, values: unknown[]): SQL {
  return sql`${sql.param(values)}::${sql.raw(pgTypes[column.columnType])}[]`
}

async function pgExecute<T = unknown>(db: Db, query: SQL): Promise<T[]> {
  return (await (db as unknown as { execute(query: SQL): Promise<{ rows: T[] }> }).execute(query)).rows
}

/** The sequence behind a table's identity column. */
const sequenceOf = (table: SQLiteTable) => sql`pg_get_serial_sequence(${`"${getTableName(table)}"`}, 'id')`

/** PostgreSQL: each column of a batch as one array parameter, turned back into rows by `unnest`. */
const pgBulk: Bulk = {
  async nextId(db, table) {
    const [row] = await pgExecute<{ next: number }>(
      db,
      sql`select greatest((select coalesce(max(id), 0) from ${table}), coalesce(pg_sequence_last_value(${sequenceOf(table)}::regclass), 0)) + 1 as next`,
    )
    return Number(row.next)
  },
  async insert(tx, table, columns, rows) {
    const names = sql.join(columns.map((c) => sql.identifier(c.name)), sql`, `)
    const arrays = sql.join(columns.map((c, i) => pgArray(c, rows.map((row) => row[i]))), sql`, `)
    const unnested = sql.raw(columns.map((_, i) => `c${i}`).join(', '))
    // `with ordinality` keeps the batch's order, so ids a table hands out follow it.
    await pgExecute(tx, sql`insert into ${table} (${names}) select ${unnested} from unnest(${arrays}) with ordinality as r(${unnested}, n) order by n`)
  },
  async idsTaken(tx, table) {
    await pgExecute(tx, sql`select setval(${sequenceOf(table)}, max(id)) from ${table} having max(id) is not null`)
  },
  async setById(tx, column, id, pairs) {
    const keys = pgArray(id, pairs.map(([key]) => key))
    const values = pgArray(column, pairs.map(([, value]) => value))
    await pgExecute(tx, sql`update ${column.table} set ${sql.identifier(column.name)} = v.value from unnest(${keys}, ${values}) as v(key, value) where ${id} = v.key`)
  },
}

const bulkOf = (store: Store): Bulk => (store.dialect === 'sqlite' ? sqliteBulk : pgBulk)

/** The id the next row of a table gets: past every id it has ever handed out. */
export function nextId(store: Store, table: SQLiteTable): Promise<number> {
  return bulkOf(store).nextId(store.db, table)
}

/**
 * Appends rows to one table, values positional in the order of `columns`, every
 * rowsPerTransaction rows in one write of the store. The rows are taken from `rows` as it gives
 * them, so a table of any size passes through one batch's memory.
 */
export async function insertRows(store: Store, table: SQLiteTable, columns: readonly SQLiteColumn[], rows: Iterable<unknown[]>, task: Task): Promise<void> {
  const bulk = bulkOf(store)
  const write = (batch: unknown[][]) => store.write((tx) => bulk.insert(tx, table, columns, batch))
  let batch: unknown[][] = []
  for (const row of rows) {
    batch.push(row)
    task.tick()
    if (batch.length === rowsPerTransaction) {
      await write(batch)
      batch = []
    }
  }
  if (batch.length) await write(batch)
  if (columns.some((c) => c.primary)) await store.write((tx) => bulk.idsTaken(tx, table))
  task.done()
}

/** Sets one column of many rows by their ids, a batch per write. */
export async function setById(store: Store, column: SQLiteColumn, id: SQLiteColumn, pairs: [id: number, value: unknown][], task: Task): Promise<void> {
  const bulk = bulkOf(store)
  for (let from = 0; from < pairs.length; from += rowsPerTransaction) {
    const batch = pairs.slice(from, from + rowsPerTransaction)
    await store.write((tx) => bulk.setById(tx, column, id, batch))
    task.tick(batch.length)
  }
  task.done()
}
