import type { Store } from './store'

/**
 * A number that changes whenever stored data may have changed: after every write made here
 * (`bump`) and whenever the store says another connection or process may have committed (on
 * SQLite within 5 ms, from its data_version; on PostgreSQL when the change feed hears
 * of it, and on every reading while it cannot hear). Caches keep what they computed under one
 * generation only.
 */
export class DataGeneration {
  private value = 0
  private seen: unknown

  constructor(private readonly commitsElsewhere: () => unknown = () => undefined) {
    this.seen = commitsElsewhere()
  }

  static of(store: Store): DataGeneration {
    return new DataGeneration(() => store.commitsElsewhere())
  }

  current(): number {
    const stamp = this.commitsElsewhere()
    if (stamp !== this.seen) {
      this.seen = stamp
      this.value++
    }
    return this.value
  }

  bump(): void {
    this.value++
  }
}
