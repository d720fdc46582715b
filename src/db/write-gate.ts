import type { Db } from './connection'

/** How long a writer waits for its turn before it goes on and leaves the wait to SQLite (ms). */
const maxWaitMs = 5000

/**
 * Turns between threads of one process that write to one database through connections of their
 * own. SQLite makes a writer that finds the database locked sleep a millisecond or more before it
 * tries again; threads that take turns here wait only as long as the other's write lasts. Each
 * thread wraps the same shared memory; a thread may enter again while it is inside.
 */
export class WriteGate {
  private readonly state: Int32Array
  private depth = 0

  constructor(readonly shared = new SharedArrayBuffer(4)) {
    this.state = new Int32Array(shared)
  }

  run<T>(work: () => T): T {
    if (this.depth++ === 0) this.enter()
    try {
      return work()
    } finally {
      if (--this.depth === 0) this.leave()
    }
  }

  private enter(): void {
    const until = performance.now() + maxWaitMs
    while (Atomics.compareExchange(this.state, 0, 0, 1) !== 0) {
      const left = until - performance.now()
      // A thread that died inside would hold the gate for good: SQLite's own locking still holds.
      if (left <= 0) return
      Atomics.wait(this.state, 0, 1, left)
    }
  }

  private leave(): void {
    Atomics.store(this.state, 0, 0)
    Atomics.notify(this.state, 0, 1)
  }
}

const gates = new WeakMap<Db, WriteGate>()

/** Makes writes through `db` that are run with `gatedWrite` take turns at `gate`. */
export function useWriteGate(db: Db, gate: WriteGate): void {
  gates.set(db, gate)
}

/** Runs a write through `db`, in turn with the other threads sharing its gate, if any. */
export function gatedWrite<T>(db: Db, work: () => T): T {
  const gate = gates.get(db)
  return gate ? gate.run(work) : work()
}

/** Runs `work` in a transaction that takes the write lock at its start, in turn at the gate. */
export function writeTransaction<T>(db: Db, work: () => T): T {
  return gatedWrite(db, () => db.$client.transaction(work).immediate())
}
