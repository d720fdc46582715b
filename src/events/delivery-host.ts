import type { Worker } from 'node:worker_threads'
import type { Store } from '../db/store'
import { useWriteGate, WriteGate } from '../db/write-gate'
import { startThread } from '../threads'
import { onEmitted } from './outbox'
import { startDeliveryWorker, type HookSettings } from './worker'

/** What the delivery thread is started with (a plain object: it is copied to the thread). */
export interface ThreadSettings {
  dbPath: string
  hooks: HookSettings
  /** The write gate's shared memory: the server's writes and the thread's take turns. */
  gate: SharedArrayBuffer
  /** Set by the thread when it looks for due deliveries; the server wakes it only while set. */
  looking: SharedArrayBuffer
}

export type ThreadMessage = 'wake' | 'stop'

export interface DeliveryHostDeps {
  store: Store
  /** The database file (SQLite), which the delivery thread opens for itself. */
  dbPath: string
  hooks: HookSettings
  clock: () => number
  log: (message: string, err: unknown) => void
}

export interface DeliveryHost {
  /** Claims nothing more; resolves when the deliveries in flight have finished and are recorded. */
  stop(): Promise<void>
}

/** How long a thread that died is left before another is started (ms). */
const restartDelayMs = 1000

/**
 * Runs the delivery worker for the server. On a SQLite file: on a thread of its own over its own
 * connection, woken by this process's emits, its writes and the server's taking turns at the
 * write gate; a thread that dies is logged and started again, and its leased rows are taken up
 * when their leases run out, as after a crash. An in-memory database cannot be shared with a
 * thread: its worker runs in this thread. On PostgreSQL the worker runs in this thread on the
 * store: its claims lock the rows they take, so the workers of several processes share the work.
 */
export function startDeliveries(deps: DeliveryHostDeps): DeliveryHost {
  const { store, dbPath, hooks, log } = deps
  if (store.dialect !== 'sqlite' || dbPath === ':memory:') return startDeliveryWorker({ store, clock: deps.clock, config: hooks, log })

  const gate = new WriteGate()
  useWriteGate(store.db, gate)
  // The thread is sent a wake only if it has looked for due deliveries since the last one: its
  // next look finds everything recorded before it, so more would wake it for nothing.
  const looking = new SharedArrayBuffer(4)
  const lookingFlag = new Int32Array(looking)
  let thread: Worker | undefined
  let stopping = false
  let finished: Promise<void> = Promise.resolve()

  function start(): void {
    const { hookRetrySchedule, hookConcurrency, hookPollInterval, hookLeaseGrace, hookLogRetentionDays } = hooks
    const settings: ThreadSettings = {
      dbPath,
      hooks: { hookRetrySchedule, hookConcurrency, hookPollInterval, hookLeaseGrace, hookLogRetentionDays },
      gate: gate.shared,
      looking,
    }
    Atomics.store(lookingFlag, 0, 1)
    // The built server runs the thread's own bundle beside it; the sources run the source.
    const fromSources = import.meta.url.endsWith('.ts')
    const current = startThread(new URL(fromSources ? './delivery-thread.ts' : './delivery-thread.mjs', import.meta.url), settings)
    thread = current
    finished = new Promise((resolve) => {
      current.on('error', (err) => log('the delivery thread failed', err))
      current.on('exit', (code) => {
        thread = undefined
        resolve()
        if (stopping) return
        log('the delivery thread stopped; starting it again', new Error(`exit code ${code}`))
        setTimeout(() => stopping || start(), restartDelayMs).unref()
      })
    })
  }

  // The thread reads through its own connection: it is woken once what was recorded has committed.
  const wakeThread = (): void => {
    if (store.db.$client.inTransaction) setImmediate(wakeThread)
    else if (Atomics.exchange(lookingFlag, 0, 0) === 1) thread?.postMessage('wake' satisfies ThreadMessage)
  }
  const unsubscribe = onEmitted(wakeThread)
  start()

  return {
    async stop() {
      if (stopping) return finished
      stopping = true
      unsubscribe()
      thread?.postMessage('stop' satisfies ThreadMessage)
      return finished
    },
  }
}
