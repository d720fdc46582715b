import type Database from 'better-sqlite3'

/**
 * A number that changes whenever stored data may have changed: after every write made here
 * (`bump`) and within a millisecond of any commit by another connection to the same file
 * (SQLite's data_version), such as the command line's. Caches keep what they computed under one
 * generation only.
 */
export class DataGeneration {
  private value = 0
  private checkedAt = -Infinity
  private version: unknown
  private readonly dataVersion: Database.Statement

  constructor(sqlite: Database.Database) {
    this.dataVersion = sqlite.prepare('PRAGMA data_version').pluck()
    this.version = this.dataVersion.get()
  }

  current(): number {
    // Asking SQLite costs a few microseconds; under load once a millisecond is plenty.
    const now = performance.now()
    if (now - this.checkedAt < 1) return this.value
    this.checkedAt = now
    const version = this.dataVersion.get()
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
