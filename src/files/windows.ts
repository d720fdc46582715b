import { setImmediate as nextTurn } from 'node:timers/promises'
import Database from 'better-sqlite3'
import { fillPlaceholders, getTableName, sql, type SQL } from 'drizzle-orm'
import { SQLiteSyncDialect, type SQLiteColumn, type SQLiteTable } from 'drizzle-orm/sqlite-core'
import { BoundedMap } from '../bounded-map'
import type { Db } from '../db/connection'
import type { CsvWriter } from '../output/csv'

/**
 * Reading every row of a large table that matches a list's filter, without holding the
 * database: the rows are read window by window of ids (`id > after and id <= upto`), each
 * window a short statement of its own, with a turn of the event loop between windows.
 *
 * Why windows of ids rather than one `statement.iterate()`: an open iterator keeps a read
 * transaction for as long as the file takes to send (minutes to a slow client), which stops
 * the WAL from being checkpointed, and its connection can run nothing else until it is done
 * (concurrent exports share one). Why windows rather than "the next N matching rows": the work of a
 * window is bounded by its width whatever the filter is (a filter that matches one row in a
 * million never makes one statement scan the whole table), and the table is scanned by its
 * primary key (`not indexed`), so no index chosen for a filter makes a window sort or re-read
 * rows.
 *
 * Rows come in id order, each once. The export covers the ids that existed when it began; rows
 * changed meanwhile are read as they are when their window is read.
 */

export interface WindowedRows {
  /** Rows of the next window (possibly none), or undefined when every window has been read. */
  next(): unknown[][] | undefined
}

/** Narrowest and widest window, in ids: sparse matches widen it, so a narrow filter takes few steps. */
const firstWidth = 2048
const widestWidth = 16384

const dialect = new SQLiteSyncDialect()

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
    const query = dialect.sqlToQuery(build())
    found = { statement: reader.connection.prepare(query.sql), params: query.params }
    reader.statements.set(shape, found)
  }
  return found
}

const byId = (a: unknown[], b: unknown[]) => (a[0] as number) - (b[0] as number)

/**
 * The rows of a table the filter selects, window by window: each row the values of `fields`,
 * the first of which is the table's id. `where` is the filter's condition, if any, and `values`
 * fill its placeholders; `shape` names the statement so that it is prepared once per connection.
 *
 * A window comes from SQLite as one JSON array of rows (`json_group_array`), parsed at once:
 * a third cheaper than the driver building a row at a time.
 */
export function windowedRows(
  db: Db,
  spec: {
    shape: string
    table: SQLiteTable
    id: SQLiteColumn
    fields: readonly (SQLiteColumn | SQL)[]
    where: SQL | undefined
    values: Record<string, unknown>
  },
): WindowedRows {
  if (spec.fields[0] !== spec.id) throw new Error(`${spec.shape}: the first field must be the id`)
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
  const [first, last] = (span.statement.raw(true).get() as unknown[] | undefined) ?? []
  const upper = typeof last === 'number' ? last : 0
  let after = typeof first === 'number' ? first - 1 : 0
  let width = firstWidth
  return {
    next() {
      if (after >= upper) return undefined
      const upto = Math.min(after + width, upper)
      const text = window.statement.pluck().get(...fillPlaceholders(window.params, { ...spec.values, after, upto })) as string
      const rows = JSON.parse(text) as unknown[][]
      // The table is read along its primary key, so rows come in id order; the aggregate does not promise it.
      for (let i = 1; i < rows.length; i++) {
        if (byId(rows[i - 1], rows[i]) > 0) {
          rows.sort(byId)
          break
        }
      }
      after = upto
      if (rows.length < width / 4) width = Math.min(width * 2, widestWidth)
      return rows
    },
  }
}

/**
 * Writes the header and then each row with `write`, window by window, into `out`, handing over
 * its chunks as they fill; the event loop gets a turn after each window, so other requests are
 * served while a large file is being written.
 */
export async function* windowChunks(
  rows: WindowedRows,
  columns: readonly string[],
  write: (row: unknown[], out: CsvWriter) => void,
  out: CsvWriter,
): AsyncGenerator<Uint8Array> {
  out.header(columns)
  for (let window = rows.next(); window !== undefined; window = rows.next()) {
    for (const row of window) write(row, out)
    // A chunk goes once full: the rows of narrow windows are gathered rather than sent a few at a time.
    yield* out.takeFull()
    await nextTurn()
  }
  yield* out.takeAll()
}
