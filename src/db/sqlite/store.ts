import { AsyncLocalStorage } from 'node:async_hooks'
import { openDatabase, type Db } from '../connection'
import type { Store } from '../store'
import { statementFor } from '../statement-cache'
import { adoptHandle, TableMemo } from '../table-memo'
import { gateOf } from '../write-gate'

/**
 * The SQLite adapter: one connection, on which write transactions take their turns. SQLite has
 * one writer at a time anyway; the turns are kept here, in order, so that a transaction whose
 * body awaits is never joined by another call's statements, and across threads at the write gate.
 */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const
  private readonly inside = new AsyncLocalStorage<Db>()
  private turn: Promise<unknown> = Promise.resolve()

  private readonly memo: TableMemo

  constructor(
    readonly db: Db,
    private readonly path = ':memory:',
  ) {
    // data_version changes when another connection to the file commits. Asking costs a few
    // microseconds: under load, once a millisecond is plenty.
    const dataVersion = db.$client.prepare('PRAGMA data_version').pluck()
    let version: unknown
    let checkedAt = -Infinity
    this.memo = new TableMemo(() => {
      const now = performance.now()
      if (now - checkedAt >= 1) [version, checkedAt] = [dataVersion.get(), now]
      return version
    })
    adoptHandle(db, this.memo)
  }

  static open(path: string): SqliteStore {
    return new SqliteStore(openDatabase(path), path)
  }

  describe(): string {
    return this.path
  }

  write<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    const outer = this.inside.getStore()
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
      this.memo.ended(db)
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
