import type { Db } from './connection'

/** How long a writer waits for its turn before it goes on and leaves the wait to SQLite (ms). */
const defaultMaxWaitMs = 5000

const free = 0
const taken = 1
const waitedFor = 2

/**
 * Turns between threads of one process that write to one database through connections of their
 * own. SQLite makes a writer that finds the database locked sleep a millisecond or more before it
 * tries again; threads that take turns here wait only as long as the other's write lasts. Each
 * thread wraps the same shared memory; a thread may enter again while it is inside.
 */
export class WriteGate {
  private readonly state: Int32Array
  private depth = 0
  /** Whether this thread is inside; not when it gave up waiting and runs its work without the gate. */
  private holding = false

  constructor(
    readonly shared = new SharedArrayBuffer(4),
    private readonly maxWaitMs = defaultMaxWaitMs,
  ) {
    this.state = new Int32Array(shared)
  }

  run<T>(work: () => T): T {
    const release = this.hold()
    try {
      return work()
    } finally {
      release()
    }
  }

  /** Takes this thread's turn until the returned function is called: for work that awaits. */
  hold(): () => void {
    if (this.depth++ === 0) this.holding = this.enter()
    return () => {
      if (--this.depth === 0 && this.holding) this.leave()
    }
  }

  // The state is free, held, or held with a thread waiting: a thread that leaves wakes another
  // only in the last case, so a write nobody waits for costs no system call.
  private enter(): boolean {
    let state = Atomics.compareExchange(this.state, 0, free, taken)
    if (state === free) return true
    const until = performance.now() + this.maxWaitMs
    if (state !== waitedFor) state = Atomics.exchange(this.state, 0, waitedFor)
    while (state !== free) {
      const left = until - performance.now()
      // A thread that died inside would hold the gate for good: SQLite's own locking still holds.
      if (left <= 0) return false
      Atomics.wait(this.state, 0, waitedFor, left)
      state = Atomics.exchange(this.state, 0, waitedFor)
    }
    return true
  }

  private leave(): void {
    if (Atomics.exchange(this.state, 0, free) === waitedFor) Atomics.notify(this.state, 0, 1)
  }
}

const gates = new WeakMap<Db, WriteGate>()

/** Makes writes through `db` that are run with `gatedWrite` take turns at `gate`. */
export function useWriteGate(db: Db, gate: WriteGate): void {
  gates.set(db, gate)
}

/** The gate writes through `db` take turns at, if any. */
export function gateOf(db: Db): WriteGate | undefined {
  return gates.get(db)
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
