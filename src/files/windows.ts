import { setImmediate as nextTurn } from 'node:timers/promises'
import Database from 'better-sqlite3'
import { and, fillPlaceholders, getTableName, gt, lte, max, min, sql, type SQL } from 'drizzle-orm'
import { SQLiteSyncDialect, type SQLiteColumn, type SQLiteTable } from 'drizzle-orm/sqlite-core'
import { BoundedMap } from '../bounded-map'
import type { Db } from '../db/connection'
import { firstRow } from '../db/query'
import type { Store } from '../db/store'
import type { CsvWriter } from '../output/csv'

/**
 * Reading every row of a large table that matches a list's filter, without holding the
 * database: the rows are read window by window of ids (`id > after and id <= upto`), each
 * window a short statement of its own, with a turn of the event loop between windows.
 *
 * Why windows of ids rather than one open cursor: a cursor keeps a read transaction for as long
 * as the file takes to send (minutes to a slow client), which on SQLite stops the WAL from being
 * checkpointed and on PostgreSQL holds back vacuum and a pooled connection, and SQLite's one
 * connection can run nothing else until it is done (concurrent exports share one). Why windows
 * rather than "the next N matching rows": the work of a window is bounded by its width whatever
 * the filter is (a filter that matches one row in a million never makes one statement scan the
 * whole table), and the table is read along its primary key, so no index chosen for a filter
 * makes a window sort or re-read rows.
 *
 * Rows come in id order, each once. The export covers the ids that existed when it began; rows
 * changed meanwhile are read as they are when their window is read.
 */

export interface WindowedRows {
  /** Rows of the next window (possibly none), or undefined when every window has been read. */
  next(): Promise<unknown[][] | undefined>
}

/** What an export reads: the values of `fields` (the id first) of the rows of `table` that `where` selects. */
export interface WindowSpec {
  /** Names the statements, so that each is prepared once per connection. */
  shape: string
  table: SQLiteTable
  id: SQLiteColumn
  fields: readonly (SQLiteColumn | SQL)[]
  /** The filter's condition, if any, with placeholders that `values` fill. */
  where: SQL | undefined
  values: Record<string, unknown>
}

/** How one database reads the span of ids and a window of rows. */
interface WindowReader {
  /** The lowest and highest id of the table, or undefined when it is empty. */
  span(): Promise<[first: number, last: number] | undefined>
  /** The selected rows with ids in (after, upto], in id order. */
  window(after: number, upto: number): Promise<unknown[][]>
}

/** Narrowest and widest window, in ids: sparse matches widen it, so a narrow filter takes few steps. */
const firstWidth = 2048
const widestWidth = 16384

/**
 * The rows of a table the filter selects, window by window: each row the values of `fields`,
 * the first of which is the table's id. The span of ids is read now, so that a failure to read
 * is an ordinary error before the file begins.
 */
export async function windowedRows(store: Store, spec: WindowSpec): Promise<WindowedRows> {
  if (spec.fields[0] !== spec.id) throw new Error(`${spec.shape}: the first field must be the id`)
  const reader = store.dialect === 'sqlite' ? sqliteReader(store.db, spec) : pgReader(store, spec)
  const span = await reader.span()
  const upper = span?.[1] ?? 0
  let after = span ? span[0] - 1 : 0
  let width = firstWidth
  return {
    async next() {
      if (after >= upper) return undefined
      const upto = Math.min(after + width, upper)
      const rows = await reader.window(after, upto)
      after = upto
      if (rows.length < width / 4) width = Math.min(width * 2, widestWidth)
      return rows
    },
  }
}

// SQLite: raw statements on a connection of the files' own.

const sqliteDialect = new SQLiteSyncDialect()

/** A statement prepared once per shape, with the positions of its named placeholders. */
interface Prepared {
  statement: Database.Statement
  params: unknown[]
}

interface Reader {
  connection: Database.Database
  /** By shape: the filters an export combines multiply them, so only so many are kept. */
  statements: BoundedMap<string, Prepared>
}

const readers = new WeakMap<Db, Reader>()

/**
 * The connection files are read through. For a database file, a read-only connection of their
 * own with a small page cache: a file's pages pass through it instead of evicting the pages the
 * lists keep using from the main connection's cache, and memory stays small whatever the file's
 * size. A database in memory has only its own connection.
 */
function readerOf(db: Db): Reader {
  let reader = readers.get(db)
  if (reader?.connection.open) return reader
  const main = db.$client
  let connection = main
  if (!main.memory) {
    connection = new Database(main.name, { readonly: true, fileMustExist: true })
    connection.pragma('busy_timeout = 5000')
    connection.pragma('cache_size = -2048')
  }
  reader = { connection, statements: new BoundedMap({ maxEntries: 50 }) }
  readers.set(db, reader)
  return reader
}

function prepared(reader: Reader, shape: string, build: () => SQL): Prepared {
  let found = reader.statements.get(shape)
  if (!found) {
    const query = sqliteDialect.sqlToQuery(build())
    found = { statement: reader.connection.prepare(query.sql), params: query.params }
    reader.statements.set(shape, found)
  }
  return found
}

const byId = (a: unknown[], b: unknown[]) => (a[0] as number) - (b[0] as number)

/**
 * A window comes from SQLite as one JSON array of rows (`json_group_array`), parsed at once:
 * a third cheaper than the driver building a row at a time. The table is scanned by its
 * primary key (`not indexed`).
 */
function sqliteReader(db: Db, spec: WindowSpec): WindowReader {
  const reader = readerOf(db)
  const window = prepared(reader, spec.shape, () => {
    const inWindow = sql`${spec.id} > ${sql.placeholder('after')} and ${spec.id} <= ${sql.placeholder('upto')}`
    const rows = sql`json_group_array(json_array(${sql.join([...spec.fields], sql`, `)}))`
    return sql`select ${rows} from ${spec.table} not indexed where ${inWindow}${spec.where ? sql` and (${spec.where})` : sql``}`
  })
  // Two subqueries: each alone is one step down the primary key; together in one select they scan the table.
  const span = prepared(reader, `${getTableName(spec.table)}:span`, () => {
    return sql`select (select min(${spec.id}) from ${spec.table}), (select max(${spec.id}) from ${spec.table})`
  })
  return {
    async span() {
      const [first, last] = (span.statement.raw(true).get() as unknown[] | undefined) ?? []
      return typeof first === 'number' && typeof last === 'number' ? [first, last] : undefined
    },
    async window(after, upto) {
      const text = window.statement.pluck().get(...fillPlaceholders(window.params, { ...spec.values, after, upto })) as string
      const rows = JSON.parse(text) as unknown[][]
      // The table is read along its primary key, so rows come in id order; the aggregate does not promise it.
      for (let i = 1; i < rows.length; i++) {
        if (byId(rows[i - 1], rows[i]) > 0) {
          rows.sort(byId)
          break
        }
      }
      return rows
    },
  }
}

// PostgreSQL: the same windows as prepared queries through the pool, each a statement of its own
// (none holds a transaction or a connection between windows).

interface PgStatements {
  span: { execute(): PromiseLike<{ first: number | null; last: number | null }[]> }
  window: { execute(values: Record<string, unknown>): PromiseLike<{ rows: unknown[][] }[]> }
}

/**
 * A window comes as one JSON array of rows (`json_agg`), as on SQLite: parsed at once, it costs
 * the gateway half the time of rows mapped one at a time by the driver and drizzle.
 */
function pgReader(store: Store, spec: WindowSpec): WindowReader {
  const { db } = store
  const statements = store.statement(db, `window:${spec.shape}`, (): PgStatements => {
    const inWindow = and(gt(spec.id, sql.placeholder('after')), lte(spec.id, sql.placeholder('upto')), spec.where)
    const rows = sql<unknown[][]>`coalesce(json_agg(json_build_array(${sql.join([...spec.fields], sql`, `)}) order by ${spec.id}), '[]')`
    return {
      // PostgreSQL reads each of min and max with one step down the primary key.
      span: db.select({ first: min(spec.id), last: max(spec.id) }).from(spec.table).prepare() as PgStatements['span'],
      window: db.select({ rows }).from(spec.table).where(inWindow).prepare() as PgStatements['window'],
    }
  })
  return {
    async span() {
      const row = await firstRow(statements.span.execute())
      return row?.first != null && row.last != null ? [row.first, row.last] : undefined
    },
    async window(after, upto) {
      return (await firstRow(statements.window.execute({ ...spec.values, after, upto })))?.rows ?? []
    },
  }
}

/**
 * Writes the header and then each row with `write`, window by window, into `out`, handing over
 * its chunks as they fill; `before` reads what a window's rows need (names in other tables)
 * before they are written. The event loop gets a turn after each window, so other requests
 * are served while a large file is being written.
 */
export async function* windowChunks(
  rows: WindowedRows,
  columns: readonly string[],
  write: (row: unknown[], out: CsvWriter) => void,
  out: CsvWriter,
  before?: (window: unknown[][]) => Promise<void>,
): AsyncGenerator<Uint8Array> {
  out.header(columns)
  for (let window = await rows.next(); window !== undefined; window = await rows.next()) {
    if (before && window.length) await before(window)
    for (const row of window) write(row, out)
    // A chunk goes once full: the rows of narrow windows are gathered rather than sent a few at a time.
    yield* out.takeFull()
    await nextTurn()
  }
  yield* out.takeAll()
}
