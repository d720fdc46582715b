import type Database from 'better-sqlite3'
import { openDatabase, type Db } from '../connection'
import type { Store } from '../store'
import { statementFor } from '../statement-cache'
import { WriteScope } from '../write-scope'
import { adoptHandle, TableChanges } from '../table-changes'
import { gateOf } from '../write-gate'

/**
 * The SQLite adapter: one connection, on which write transactions take their turns. SQLite has
 * one writer at a time anyway; the turns are kept here, in order, so that a transaction whose
 * body awaits is never joined by another call's statements, and across threads at the write gate.
 */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const
  private readonly inside = new WriteScope<Db>()
  private turn: Promise<unknown> = Promise.resolve()

  readonly db: Db
  readonly changes: TableChanges
  private readonly dataVersion: Database.Statement
  private version: unknown
  private versionCheckedAt = -Infinity

  private constructor(private readonly path: string) {
    this.changes = new TableChanges(() => this.commitsElsewhere())
    // While it migrates, the handle does not exist yet: what it writes then counts at once.
    const logger = this.changes.loggerFor(
      () => this.db,
      () => this.db?.$client.inTransaction ?? false,
    )
    this.db = openDatabase(path, logger)
    this.dataVersion = this.db.$client.prepare('PRAGMA data_version').pluck()
    adoptHandle(this.db, this.changes)
  }

  /** data_version changes when another connection to the file commits. Asking costs tens of microseconds: under load, once in 5 ms is plenty. */
  commitsElsewhere(): unknown {
    const now = performance.now()
    if (now - this.versionCheckedAt >= 5) [this.version, this.versionCheckedAt] = [this.dataVersion.get(), now]
    return this.version
  }

  static open(path: string): SqliteStore {
    return new SqliteStore(path)
  }

  describe(): string {
    return this.path
  }

  write<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    const outer = this.inside.current()
    if (outer) return work(outer)
    const run = this.turn.then(() => this.transaction(work))
    // The next write waits for this one to end, however it ends.
    this.turn = run.catch(() => undefined)
    return run
  }

  private async transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    const { db } = this
    const release = gateOf(db)?.hold()
    try {
      db.$client.exec('BEGIN IMMEDIATE')
      try {
        const result = await this.inside.run(db, () => work(db))
        db.$client.exec('COMMIT')
        return result
      } catch (err) {
        if (db.$client.inTransaction) db.$client.exec('ROLLBACK')
        throw err
      }
    } finally {
      this.changes.ended(db)
      release?.()
    }
  }

  statement<T>(handle: Db, key: string, build: () => T): T {
    return statementFor(handle, key, build)
  }

  async close(): Promise<void> {
    await this.turn
    this.db.$client.close()
  }
}
