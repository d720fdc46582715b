import type { Config } from '../config'
import type { Db } from '../db/connection'
import type { Store } from '../db/store'
import { retryDelay } from './backoff'
import { timeoutOf } from './defaults'
import { invoke, type InvokeResult } from './invoke'
import { onEmitted } from './outbox'
import { asQueueTransaction, dueRows, firstDeliveryFrom, lastDeliveryId, leaseRows, pruneDeliveries, pruneLog, recordAttempt, type Attempt, type DueRow, type HandlerNow } from './worker-sql'

/** The settings the worker reads (`BILLGATE_HOOK_*`). */
export type HookSettings = Pick<Config, 'hookRetrySchedule' | 'hookConcurrency' | 'hookPollInterval' | 'hookLeaseGrace' | 'hookLogRetentionDays'>

export interface DeliveryWorkerDeps {
  store: Store
  /** Milliseconds since the epoch; tests pass their own to move time (and so drive the backoff). */
  clock: () => number
  config: HookSettings
  log: (message: string, err: unknown) => void
  /** For the retries' jitter; tests may fix it. */
  random?: () => number
  /** How often old log rows and finished deliveries are pruned (ms). */
  pruneEveryMs?: number
  /** Called before each look for due deliveries: whatever is recorded after it must wake the worker again. */
  onLook?: () => void
}

export interface DeliveryWorker {
  /** Looks for due deliveries now (what an in-process emit does). */
  wake(): void
  /** Resolves once nothing is due, in flight or waiting to be recorded (tests). */
  settle(): Promise<void>
  /** Deletes log rows and finished deliveries older than the retention, in small batches; returns how many. */
  prune(): Promise<number>
  /** Claims nothing more; resolves when the deliveries in flight have finished and are recorded. */
  stop(): Promise<void>
}

/** One call's outcome, waiting to be recorded with the next claim round. */
interface Finished {
  row: DueRow
  /** When the attempt started (ms). */
  at: number
  result: InvokeResult
  /** False when the handler could not be called at all (deleted, archived): the delivery fails at once. */
  called: boolean
}

const dayMs = 86_400_000
const pruneBatch = 500
const defaultPruneEveryMs = 3_600_000
/** The least time between two claim rounds while deliveries are in flight (ms). */
const roundSpacingMs = 20

/**
 * Works off the outbox (`provisioning_deliveries`) in this process: claims due rows in priority
 * order under a lease (so that several workers on one database never call a handler for the
 * same row at once, and a killed process's rows are taken up when the lease runs out), calls
 * the handlers with bounded concurrency, and records each attempt in the log together with the
 * delivery's new state: success, retrying later (the schedule ± jitter) or failed. The results
 * of finished calls and the next claim share one transaction; rounds run one at a time.
 *
 * Woken at once by in-process emits; polls for rows written by other processes (the CLI) and
 * for retries that have become due.
 */
export function startDeliveryWorker(deps: DeliveryWorkerDeps): DeliveryWorker {
  const { store, clock, config, log } = deps
  const random = deps.random ?? Math.random
  const inFlight = new Set<Promise<void>>()
  const finished: Finished[] = []
  let scheduled = false
  let stopped = false
  let lastRoundAt = 0
  /** The last round asked for: the next one starts when it has ended. */
  let rounds: Promise<unknown> = Promise.resolve()
  // Claiming one row per finished call would cost a query each; wait for a few free slots
  // unless the worker is idle.
  const claimWhenFree = Math.max(1, Math.floor(config.hookConcurrency / 4))

  /** Runs a round once the one before it has ended. Resolves to false on a database error. */
  function round(): Promise<boolean> {
    const next = rounds.then(roundNow)
    rounds = next.catch(() => undefined)
    return next
  }

  /** Records what finished and claims what is due, in one transaction. */
  async function roundNow(): Promise<boolean> {
    scheduled = false
    lastRoundAt = performance.now()
    const now = clock()
    const done = finished.splice(0)
    const free = stopped ? 0 : config.hookConcurrency - inFlight.size
    const claimNow = free >= claimWhenFree || (free > 0 && inFlight.size === 0)
    if (!done.length && !claimNow) return true
    if (claimNow) deps.onLook?.()
    let claimed: DueRow[]
    try {
      claimed = await store.write(async (tx) => {
        await asQueueTransaction(store.dialect, tx)
        for (const f of done) await recordAttempt(tx, attemptOf(f, now))
        return claimNow ? claim(tx, now, free) : []
      })
    } catch (err) {
      // Kept for the next round; a claim that did not commit leased nothing.
      finished.unshift(...done)
      log('recording or claiming provisioning deliveries failed', err)
      return false
    }
    for (const row of claimed) start(row)
    return true
  }

  async function claim(tx: Db, now: number, limit: number): Promise<DueRow[]> {
    const rows = await dueRows(store.dialect, tx, now, limit)
    // Rows of one handler share its lease: one statement each.
    const byLease = new Map<number, number[]>()
    for (const row of rows) {
      const timeout = row.handler?.status === 'enabled' ? timeoutOf({ stage: 'after', timeoutMs: row.handler.timeoutMs }) : 0
      const until = now + timeout + config.hookLeaseGrace
      const ids = byLease.get(until)
      if (ids) ids.push(row.id)
      else byLease.set(until, [row.id])
    }
    for (const [until, ids] of byLease) await leaseRows(tx, ids, until)
    return rows
  }

  function attemptOf(f: Finished, now: number): Attempt {
    const { row, result } = f
    const attempt = row.attempts + 1
    const delay = f.called && !result.ok ? retryDelay(config.hookRetrySchedule, attempt, random) : undefined
    return {
      row,
      attempt,
      status: result.ok ? 'success' : delay === undefined ? 'fail' : 'retrying',
      at: f.at,
      durationMs: result.durationMs,
      response: result.response,
      error: result.error,
      attempts: f.called ? attempt : row.attempts,
      nextAt: delay === undefined ? row.nextAt : now + delay,
      now,
    }
  }

  function start(row: DueRow): void {
    const running = deliver(row).then((f) => {
      inFlight.delete(running)
      finished.push(f)
      wake()
    })
    inFlight.add(running)
  }

  async function deliver(row: DueRow): Promise<Finished> {
    const at = clock()
    const { handler } = row
    const refusal = whyNotCalled(handler)
    if (refusal || !handler) return { row, at, called: false, result: { ok: false, response: '', error: refusal, unreachable: false, durationMs: 0 } }
    const result = await invoke(handler, {
      body: row.payload,
      event: row.event,
      objectId: row.objectId,
      deliveryId: row.deliveryId,
      timeoutMs: timeoutOf({ stage: 'after', timeoutMs: handler.timeoutMs }),
      now: at,
    })
    return { row, at, called: true, result }
  }

  function wake(): void {
    if (scheduled || stopped) return
    scheduled = true
    // While calls are in flight, rounds are spaced out so that each records (and commits) a
    // batch of results rather than one: a commit costs more than the rows it writes.
    const wait = inFlight.size ? lastRoundAt + roundSpacingMs - performance.now() : 0
    const run = () => void round()
    if (wait > 0) setTimeout(run, wait)
    else setImmediate(run)
  }

  async function settle(): Promise<void> {
    for (;;) {
      if (!(await round())) throw new Error('the delivery worker could not reach the database')
      if (!inFlight.size && !finished.length) return
      // Calls that could not be made finish at once: the next round records them.
      if (inFlight.size) await Promise.race(inFlight)
    }
  }

  async function prune(): Promise<number> {
    const days = config.hookLogRetentionDays
    if (days <= 0) return 0
    const cutoff = clock() - days * dayMs
    const bound = await firstDeliveryCreatedFrom(cutoff)
    const batches = [(tx: Db) => pruneLog(tx, cutoff, pruneBatch), (tx: Db) => pruneDeliveries(tx, bound, pruneBatch)]
    let removed = 0
    for (const batch of batches) {
      for (;;) {
        const n = await store.write(async (tx) => {
          await asQueueTransaction(store.dialect, tx)
          return batch(tx)
        })
        removed += n
        if (n < pruneBatch || stopped) break
        // Small batches with a turn of the event loop between them: requests are not held up.
        await new Promise((resolve) => setImmediate(resolve))
      }
    }
    return removed
  }

  /**
   * The first delivery id created at or after `cutoff` (every row before it is older): a binary
   * search over ids, which grow with time, a few point lookups however long the table.
   */
  async function firstDeliveryCreatedFrom(cutoff: number): Promise<number> {
    let low = 0
    let high = (await lastDeliveryId(store.db)) + 1
    while (low < high) {
      const middle = Math.floor((low + high) / 2)
      const row = await firstDeliveryFrom(store.db, middle)
      if (!row || row.createdAt >= cutoff) high = middle
      else low = row.id + 1
    }
    return low
  }

  const pruneSafely = () => {
    prune().catch((err: unknown) => log('pruning the provisioning log failed', err))
  }

  const unsubscribe = onEmitted(wake)
  const poll = setInterval(wake, config.hookPollInterval)
  const pruning = setInterval(pruneSafely, deps.pruneEveryMs ?? defaultPruneEveryMs)
  const firstPrune = setTimeout(pruneSafely, Math.min(10_000, deps.pruneEveryMs ?? defaultPruneEveryMs))
  for (const timer of [poll, pruning, firstPrune]) timer.unref()
  wake()

  async function stop(): Promise<void> {
    if (stopped) return
    stopped = true
    unsubscribe()
    clearInterval(poll)
    clearInterval(pruning)
    clearTimeout(firstPrune)
    // A round under way starts what it claims; what finishes after is recorded by a last round,
    // which claims nothing.
    await rounds
    while (inFlight.size) await Promise.race(inFlight)
    if (finished.length) await round()
  }

  return { wake, settle, prune, stop }
}

/**
 * Why a claimed delivery is failed without calling its handler: the handler was deleted or
 * archived, or is no longer an after-stage handler. (A disabled handler's deliveries are never
 * claimed: they stay pending until it is enabled again.)
 */
function whyNotCalled(handler: HandlerNow | undefined): string {
  if (!handler) return 'the handler was deleted'
  if (handler.status === 'archived') return 'the handler is archived'
  if (handler.stage !== 'after') return 'the handler is no longer an after-stage handler'
  return ''
}
