import type Database from 'better-sqlite3'
import type { Store } from './store'

/**
 * A number that changes whenever stored data may have changed: after every write made here
 * (`bump`) and, on SQLite, within a millisecond of any commit by another connection to the same
 * file (its data_version), such as the command line's; on PostgreSQL when another process's
 * commit is heard of, and on every reading while none can be heard. Caches keep what they
 * computed under one generation only.
 */
export class DataGeneration {
  private value = 0
  private checkedAt = -Infinity
  private version: unknown

  constructor(
    private readonly dataVersion?: () => unknown,
    /** Whether commits elsewhere are heard of now; while not, nothing computed can be kept. */
    private readonly hearing?: () => boolean,
  ) {
    this.version = dataVersion?.()
  }

  /** The generation of a store's data: SQLite tells of other connections' commits, PostgreSQL's store of other processes'. */
  static of(store: Store): DataGeneration {
    const news = store.otherWrites
    if (news) {
      const generation = new DataGeneration(undefined, () => news.listening)
      news.subscribe(() => generation.bump())
      return generation
    }
    const statement = (store.db.$client as Database.Database).prepare('PRAGMA data_version').pluck()
    return new DataGeneration(() => statement.get())
  }

  current(): number {
    if (this.hearing && !this.hearing()) return ++this.value
    if (!this.dataVersion) return this.value
    // Asking SQLite costs a few microseconds; under load once a millisecond is plenty.
    const now = performance.now()
    if (now - this.checkedAt < 1) return this.value
    this.checkedAt = now
    const version = this.dataVersion()
    if (version !== this.version) {
      this.version = version
      this.value++
    }
    return this.value
  }

  bump(): void {
    this.value++
  }
}
