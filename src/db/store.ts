import type { Db } from './connection'
import type { TableChanges } from './table-changes'

export type Dialect = 'sqlite' | 'pg'

/**
 * The one way to the database, whichever it is. Queries are drizzle builders over the tables of
 * `schema/`, awaited (never `.get()`/`.all()`/`.run()`, which only SQLite has); what a dialect
 * must say in its own SQL lives in small modules that have both versions.
 */
export interface Store {
  readonly dialect: Dialect
  /** For reads: the current write's transaction inside one, else the store's own connection(s). */
  readonly db: Db
  /**
   * Runs `work` in one write transaction and returns its result. The body may be run again
   * (PostgreSQL's serialization failures), so it must have no effect outside the database until
   * the promise resolves. A write inside a write joins the outer transaction.
   */
  write<T>(work: (tx: Db) => Promise<T>): Promise<T>
  /**
   * A statement (or anything costly to build) kept per handle and key: built on the first call
   * with that handle, reused after, and never used with a handle on another connection (a
   * PostgreSQL transaction's statements stay inside it; SQLite's one connection shares them).
   */
  statement<T>(handle: Db, key: string, build: () => T): T
  /** Which tables may have changed, here or elsewhere: what is kept in memory per table is checked against it. */
  readonly changes: TableChanges
  /**
   * A stamp that changes when another connection or process may have committed (SQLite's
   * data_version, PostgreSQL's change feed), and is new on every call while that cannot be known.
   */
  commitsElsewhere(): unknown
  /** Where the data is, for messages: a file path, or a server and database without a password. */
  describe(): string
  close(): Promise<void>
}

/** What a database error means for a call: the closed set the core turns into replies. */
export type StoreFailure =
  /** A unique value was taken; `column` names it when the database says which. */
  | { kind: 'exists'; column?: string }
  /** A serialization failure or deadlock: the transaction may simply be run again. */
  | { kind: 'retry' }
  /** The database is unreachable, restarting or locked by another writer: try again later. */
  | { kind: 'busy' }

const busyNetwork = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ENOENT'])
/** PostgreSQL states: admin shutdown, crash shutdown, cannot connect now, too many connections, lock timeout. */
const busyStates = new Set(['57P01', '57P02', '57P03', '53300', '55P03', '08000', '08003', '08006', '08001', '08004'])

/** Classifies an error thrown by either database driver; undefined for anything else. */
export function storeFailureOf(err: unknown): StoreFailure | undefined {
  if (err === null || typeof err !== 'object') return undefined
  // drizzle wraps a driver's error in one of its own, naming the query.
  const cause = (err as { cause?: unknown }).cause
  if (cause !== undefined && !('code' in err)) return storeFailureOf(cause)
  const { code, message, detail } = err as { code?: unknown; message?: unknown; detail?: unknown }
  if (typeof code !== 'string') {
    // node-postgres reports a connection lost mid-query without a code.
    return typeof message === 'string' && /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(message) ? { kind: 'busy' } : undefined
  }
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return { kind: 'exists', column: typeof message === 'string' ? /\.(\w+)$/.exec(message)?.[1] : undefined }
  }
  if (code === '23505') return { kind: 'exists', column: typeof detail === 'string' ? /^Key \((?:[\w"]+, )*"?(\w+)"?\)=/.exec(detail)?.[1] : undefined }
  if (code === '40001' || code === '40P01') return { kind: 'retry' }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || busyNetwork.has(code) || busyStates.has(code)) return { kind: 'busy' }
  return undefined
}

/** Whether a database target names PostgreSQL (a URL) rather than a SQLite file. */
export function isPostgresTarget(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target)
}

/** Opens the database a target names: a PostgreSQL URL, or a SQLite file path (or ':memory:'). */
export async function openStore(target: string): Promise<Store> {
  if (isPostgresTarget(target)) {
    const { PgStore } = await import('./pg/store')
    return PgStore.open(target)
  }
  const { SqliteStore } = await import('./sqlite/store')
  return SqliteStore.open(target)
}
