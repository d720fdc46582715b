import { and, asc, eq, gte, inArray, lt, max, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../db/connection'
import { preparedFor } from '../db/prepared'
import { changedRows, firstRow } from '../db/query'
import { provisioningDeliveries, provisioningLog } from '../db/schema/index'
import type { Dialect } from '../db/store'

/** A claimed delivery's handler as it is now. */
export interface HandlerNow {
  status: 'enabled' | 'disabled' | 'archived'
  stage: 'after' | 'before'
  type: 'http' | 'script'
  target: string
  secret: string
  timeoutMs: number
}

/** A due delivery as claimed, with its handler as it is now (none: the handler was deleted). */
export interface DueRow {
  id: number
  priority: number
  deliveryId: string
  handlerId: number
  event: string
  objectId: number | null
  payload: string
  attempts: number
  nextAt: number
  handler: HandlerNow | undefined
}

/** A due row as the queries return it: the handler's columns beside the delivery's. */
type DueRecord = Omit<DueRow, 'handler'> & {
  handlerStatus: HandlerNow['status'] | null
  handlerStage: HandlerNow['stage']
  handlerType: HandlerNow['type']
  handlerTarget: string
  handlerSecret: string
  handlerTimeoutMs: number
}

const columns = `d.id, d.priority, d.delivery_id as "deliveryId", d.handler_id as "handlerId", d.event, d.object_id as "objectId",
    d.payload, d.attempts, d.next_at as "nextAt", h.status as "handlerStatus", h.stage as "handlerStage", h.type as "handlerType",
    h.target as "handlerTarget", h.secret as "handlerSecret", h.timeout_ms as "handlerTimeoutMs"`

const undelivered = `status in ('pending', 'retrying')`

/** Not leased by a worker, its handler not disabled, no earlier undelivered row for the same handler and object. */
const claimable = `d.lease_until <= @now
    and (h.status is null or h.status <> 'disabled')
    and not exists (
      select 1 from provisioning_deliveries e
      where e.handler_id = d.handler_id and e.object_key = d.object_key and e.${undelivered} and e.id < d.id)`

/** Which due rows a query finds: the index SQLite walks for them, and the condition. */
interface DueKind {
  index: string
  where: string
}

/**
 * New rows (all due at once), walked along their partial index in priority order, then id,
 * stopping at the limit. The order index keeps each handler's deliveries for one object in order.
 */
const pending: DueKind = { index: 'provisioning_deliveries_due_idx', where: `d.status = 'pending'` }

/**
 * Rows waiting for a retry whose time has come, found by that time, so that thousands waiting
 * for a handler that is down are never walked.
 */
const retrying: DueKind = { index: 'provisioning_deliveries_retry_idx', where: `d.status = 'retrying' and d.next_at <= @now` }

/**
 * SQLite is told which index to walk (its planner would sort every undelivered row); one
 * writer at a time claims there, so nothing is locked. PostgreSQL locks the rows it returns
 * and skips those another worker's claim holds: workers of several processes claim at once,
 * each taking other rows.
 */
function dueText(dialect: Dialect, kind: DueKind): string {
  const hint = dialect === 'sqlite' ? `indexed by ${kind.index}` : ''
  const lock = dialect === 'pg' ? 'for update of d skip locked' : ''
  return `
  select ${columns} from provisioning_deliveries d ${hint}
  left join provisioning_handlers h on h.id = d.handler_id
  where ${kind.where} and ${claimable}
  order by d.priority, d.id limit @limit ${lock}`
}

/** The due-row queries of each database, with `@now` and `@limit` parameters. */
export const dueSql: Record<Dialect, { pending: string; retrying: string }> = {
  sqlite: { pending: dueText('sqlite', pending), retrying: dueText('sqlite', retrying) },
  pg: { pending: dueText('pg', pending), retrying: dueText('pg', retrying) },
}

/** A query text with `@name` parameters, as drizzle SQL carrying their values. */
function withValues(text: string, values: Record<string, number>): SQL {
  return sql.join(text.split(/@(\w+)/).map((part, i) => (i % 2 ? sql`${values[part]}` : sql.raw(part))))
}

/** The rows of a query of our own text. */
async function rowsOf<T>(dialect: Dialect, db: Db, query: SQL): Promise<T[]> {
  if (dialect === 'sqlite') return db.all<T>(query)
  // node-postgres answers a whole result; its rows are what the query selected.
  return (await (db as unknown as { execute(query: SQL): Promise<{ rows: T[] }> }).execute(query)).rows
}

/**
 * Up to `limit` due rows, in priority order, then id: new ones and retries merged. On
 * PostgreSQL they stay locked until the transaction ends: run it in the one that leases them.
 */
export async function dueRows(dialect: Dialect, db: Db, now: number, limit: number): Promise<DueRow[]> {
  const values = { now, limit }
  const fresh = await rowsOf<DueRecord>(dialect, db, withValues(dueSql[dialect].pending, values))
  const retries = await rowsOf<DueRecord>(dialect, db, withValues(dueSql[dialect].retrying, values))
  const rows = retries.length ? [...fresh, ...retries].sort((a, b) => a.priority - b.priority || a.id - b.id).slice(0, limit) : fresh
  return rows.map(dueRowOf)
}

function dueRowOf(r: DueRecord): DueRow {
  const { handlerStatus: status, handlerStage: stage, handlerType: type, handlerTarget: target, handlerSecret: secret, handlerTimeoutMs: timeoutMs, ...row } = r
  return { ...row, handler: status === null ? undefined : { status, stage, type, target, secret, timeoutMs } }
}

/**
 * Runs the transaction just begun on `db` as a queue's. On PostgreSQL at READ COMMITTED: the
 * claims' row locks (skipping what another claim holds) and the leases keep workers apart, and a
 * serializable round, reading the rows the other workers' rounds write, would keep failing with
 * them. SQLite has one writer at a time: nothing to change.
 */
export async function asQueueTransaction(dialect: Dialect, db: Db): Promise<void> {
  if (dialect === 'pg') await rowsOf(dialect, db, sql`set transaction isolation level read committed`)
}

/** Leases claimed rows until `until` (ms): no other worker claims them before. */
export async function leaseRows(db: Db, ids: number[], until: number): Promise<void> {
  await db.update(provisioningDeliveries).set({ leaseUntil: until }).where(inArray(provisioningDeliveries.id, ids))
}

const attemptStatements = preparedFor((db) => ({
  log: db
    .insert(provisioningLog)
    .values({
      deliveryId: sql.placeholder('deliveryRow'),
      handlerId: sql.placeholder('handlerId'),
      stage: 'after',
      event: sql.placeholder('event'),
      objectId: sql.placeholder('objectId'),
      attempt: sql.placeholder('attempt'),
      status: sql.placeholder('status'),
      at: sql.placeholder('at'),
      durationMs: sql.placeholder('durationMs'),
      response: sql.placeholder('response'),
      error: sql.placeholder('error'),
    })
    .prepare(),
  // A row another worker finished meanwhile (its lease had run out) is left as it is.
  settle: db
    .update(provisioningDeliveries)
    .set({
      status: sql`${sql.placeholder('status')}`,
      attempts: sql`${sql.placeholder('attempts')}`,
      nextAt: sql`${sql.placeholder('nextAt')}`,
      leaseUntil: 0,
      updatedAt: sql`${sql.placeholder('now')}`,
    })
    .where(and(eq(provisioningDeliveries.id, sql.placeholder('id')), inArray(provisioningDeliveries.status, ['pending', 'retrying'])))
    .prepare(),
}))

/** One attempt of a delivery, and the delivery's state after it. */
export interface Attempt {
  row: DueRow
  /** The attempt's number (the first is 1). */
  attempt: number
  status: 'success' | 'retrying' | 'fail'
  /** When it started (ms). */
  at: number
  durationMs: number
  response: string
  error: string
  /** The attempts the delivery has had, this one counted when its handler was called. */
  attempts: number
  nextAt: number
  now: number
}

/** Logs an attempt and settles its delivery. */
export async function recordAttempt(db: Db, a: Attempt): Promise<void> {
  const s = attemptStatements(db)
  const { row } = a
  await s.log.execute({
    deliveryRow: row.id,
    handlerId: row.handlerId,
    event: row.event,
    objectId: row.objectId,
    attempt: a.attempt,
    status: a.status,
    at: a.at,
    durationMs: a.durationMs,
    response: a.response,
    error: a.error,
  })
  await s.settle.execute({ id: row.id, status: a.status, attempts: a.attempts, nextAt: a.nextAt, now: a.now })
}

/** Deletes up to `limit` log rows from before `cutoff` (ms), oldest first; returns how many. */
export async function pruneLog(db: Db, cutoff: number, limit: number): Promise<number> {
  const oldest = db.select({ id: provisioningLog.id }).from(provisioningLog).where(lt(provisioningLog.at, cutoff)).orderBy(asc(provisioningLog.at), asc(provisioningLog.id)).limit(limit)
  return changedRows(await db.delete(provisioningLog).where(inArray(provisioningLog.id, oldest)))
}

/**
 * Deletes up to `limit` finished deliveries whose id is below `bound`; returns how many.
 * Deliveries are found by id: ids grow with time, and an index on the creation time would cost
 * every change that records an event one more page.
 */
export async function pruneDeliveries(db: Db, bound: number, limit: number): Promise<number> {
  const d = provisioningDeliveries
  const oldest = db.select({ id: d.id }).from(d).where(and(lt(d.id, bound), inArray(d.status, ['success', 'fail']))).orderBy(asc(d.id)).limit(limit)
  return changedRows(await db.delete(d).where(inArray(d.id, oldest)))
}

/** The first delivery whose id is `id` or more, with when it was created. */
export async function firstDeliveryFrom(db: Db, id: number): Promise<{ id: number; createdAt: number } | undefined> {
  const d = provisioningDeliveries
  return firstRow(db.select({ id: d.id, createdAt: d.createdAt }).from(d).where(gte(d.id, id)).orderBy(asc(d.id)).limit(1))
}

/** The highest delivery id (0 when there is none). */
export async function lastDeliveryId(db: Db): Promise<number> {
  return (await firstRow(db.select({ id: max(provisioningDeliveries.id) }).from(provisioningDeliveries)))?.id ?? 0
}
