import { getTableName, type Table } from 'drizzle-orm'
import type { Logger } from 'drizzle-orm/logger'

/** `insert into "t"`, `update "t"`, `delete from "t"` anywhere in a statement (also in a CTE). */
const writeStatement = /\b(?:insert\s+into|update|delete\s+from)\s+"?(\w+)"?/gi

/** The names of tables, as statements name them. */
export function tableNames(...tables: Table[]): readonly string[] {
  return tables.map((table) => getTableName(table).toLowerCase())
}

/** Statements are few and reused, so what each writes is worked out once. */
const writtenBy = new Map<string, readonly string[]>()
const maxKnownStatements = 4096

/** The tables a statement writes; none for a read. */
export function tablesWritten(statement: string): readonly string[] {
  let tables = writtenBy.get(statement)
  if (!tables) {
    tables = [...new Set(Array.from(statement.matchAll(writeStatement), (m) => m[1].toLowerCase()))]
    if (writtenBy.size >= maxKnownStatements) writtenBy.clear()
    writtenBy.set(statement, tables)
  }
  return tables
}

/**
 * Which tables may have changed since something was read from them, for what is kept in memory
 * per process (sessions, users, the provisioning handlers, currencies). Every statement drizzle
 * runs through a store's handles is seen here: a write inside a transaction makes its tables
 * unknown until the transaction ends, one outside counts at once. Commits by other connections
 * or processes count through the store: per table where it hears which (PostgreSQL's change
 * feed), else for every table (`elsewhere`, SQLite's data_version).
 */
export class TableChanges {
  private readonly versions = new Map<string, number>()
  /** Tables written by each transaction in progress, by its handle. */
  private readonly writing = new Map<object, Set<string>>()
  /** How many transactions in progress have written each table. */
  private readonly inProgress = new Map<string, number>()
  /** Counts commits elsewhere that did not say which tables they wrote. */
  private unknown = 0
  private readonly kept = new Map<string, { stamp: string; value: unknown }>()

  /** `elsewhere` changes whenever another connection may have committed something not heard of per table. */
  constructor(private readonly elsewhere: () => unknown) {}

  /**
   * The logger a drizzle handle is made with, so that its writes are seen. `inTransaction` says
   * whether a statement run through it now is part of a transaction the store will say has ended.
   */
  loggerFor(handle: () => object, inTransaction: () => boolean): Logger {
    return {
      logQuery: (statement) => {
        const tables = tablesWritten(statement)
        if (!tables.length) return
        if (inTransaction()) this.writes(handle(), tables)
        else this.committed(tables)
      },
    }
  }

  /** The transaction through `handle` writes `tables`: they are unknown until it ends. */
  writes(handle: object, tables: readonly string[]): void {
    let written = this.writing.get(handle)
    if (!written) this.writing.set(handle, (written = new Set()))
    for (const table of tables) {
      if (written.has(table)) continue
      written.add(table)
      this.inProgress.set(table, (this.inProgress.get(table) ?? 0) + 1)
      this.bump(table)
    }
  }

  /** The tables the transaction through `handle` has written so far. */
  writtenBy(handle: object): string[] {
    return [...(this.writing.get(handle) ?? [])]
  }

  /** The transaction through `handle` has ended, committed or not. */
  ended(handle: object): void {
    const written = this.writing.get(handle)
    if (!written) return
    this.writing.delete(handle)
    for (const table of written) {
      const left = this.inProgress.get(table)! - 1
      if (left) this.inProgress.set(table, left)
      else this.inProgress.delete(table)
      this.bump(table)
    }
  }

  /** Writes to `tables` were committed (elsewhere, or here outside a transaction); none named: any table. */
  committed(tables?: readonly string[]): void {
    if (!tables?.length) this.unknown++
    else for (const table of tables) this.bump(table)
  }

  /**
   * A stamp of what is stored in `tables`: while it is unchanged, so are they. Undefined while a
   * transaction in progress has written one of them (what is read then may never be committed).
   */
  stamp(tables: readonly string[]): string | undefined {
    let sum = this.unknown
    for (const table of tables) {
      if (this.inProgress.has(table)) return undefined
      sum += this.versions.get(table) ?? 0
    }
    // Versions only grow, so their sum changes whenever one does.
    return `${String(this.elsewhere())}:${sum}`
  }

  /** What `load` reads from `tables`, kept under `key` until one of them may have changed. */
  async memo<T>(key: string, tables: readonly string[], load: () => Promise<T>): Promise<T> {
    // Taken before loading: a change that starts meanwhile makes what is loaded stale at once.
    const stamp = this.stamp(tables)
    if (stamp === undefined) return load()
    const kept = this.kept.get(key)
    if (kept?.stamp === stamp) return kept.value as T
    const value = await load()
    this.kept.set(key, { stamp, value })
    return value
  }

  private bump(table: string): void {
    this.versions.set(table, (this.versions.get(table) ?? 0) + 1)
  }
}

const changesOfHandle = new WeakMap<object, TableChanges>()

/** Gives `handle` (a store's connection or transaction handle) the store's table changes. */
export function adoptHandle(handle: object, changes: TableChanges): void {
  changesOfHandle.set(handle, changes)
}

/** What `load` reads from `tables`, kept by the store `handle` belongs to when there is one. */
export function memoised<T>(handle: object, key: string, tables: readonly string[], load: () => Promise<T>): Promise<T> {
  const changes = changesOfHandle.get(handle)
  return changes ? changes.memo(key, tables, load) : load()
}
