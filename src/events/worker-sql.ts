import type { Db } from '../db/connection'
import { preparedFor } from '../db/prepared'

/** A due delivery as claimed. */
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
}

/** A claimed delivery's handler as it is now. */
export interface HandlerNow {
  status: 'enabled' | 'disabled' | 'archived'
  stage: 'after' | 'before'
  type: 'http' | 'script'
  target: string
  secret: string
  timeoutMs: number
}

/** The columns of a due row, in `DueRow`'s order: the statements return arrays, which cost less to build than objects. */
const columns = 'd.id, d.priority, d.delivery_id, d.handler_id, d.event, d.object_id, d.payload, d.attempts, d.next_at'
type DueColumns = [number, number, string, number, string, number | null, string, number, number]

const undelivered = `status in ('pending', 'retrying')`

/** Not leased by a worker, its handler not disabled, no earlier undelivered row for the same handler and object. */
const claimable = `d.lease_until <= @now
    and (h.status is null or h.status <> 'disabled')
    and not exists (
      select 1 from provisioning_deliveries e
      where e.handler_id = d.handler_id and e.object_key = d.object_key and e.${undelivered} and e.id < d.id)`

/**
 * New rows (all due at once), walked along their partial index in priority order, then id,
 * stopping at the limit. The order index keeps each handler's deliveries for one object in order.
 */
export const duePendingSql = `
  select ${columns} from provisioning_deliveries d indexed by provisioning_deliveries_due_idx
  left join provisioning_handlers h on h.id = d.handler_id
  where d.status = 'pending' and ${claimable}
  order by d.priority, d.id limit @limit`

/**
 * Rows waiting for a retry whose time has come, found by that time, so that thousands waiting
 * for a handler that is down are never walked.
 */
export const dueRetryingSql = `
  select ${columns} from provisioning_deliveries d indexed by provisioning_deliveries_retry_idx
  left join provisioning_handlers h on h.id = d.handler_id
  where d.status = 'retrying' and d.next_at <= @now and ${claimable}
  order by d.priority, d.id limit @limit`

function prepare(db: Db) {
  const c = db.$client
  return {
    duePending: c.prepare<{ now: number; limit: number }, DueColumns>(duePendingSql).raw(),
    dueRetrying: c.prepare<{ now: number; limit: number }, DueColumns>(dueRetryingSql).raw(),
    handler: c.prepare<[number], HandlerNow>(
      'select status, stage, type, target, secret, timeout_ms as timeoutMs from provisioning_handlers where id = ?',
    ),
    lease: c.prepare('update provisioning_deliveries set lease_until = @until where id = @id'),
    log: c.prepare(
      `insert into provisioning_log (delivery_id, handler_id, stage, event, object_id, attempt, status, at, duration_ms, response, error)
       values (@deliveryRow, @handlerId, 'after', @event, @objectId, @attempt, @status, @at, @durationMs, @response, @error)`,
    ),
    // A row another worker finished meanwhile (its lease had run out) is left as it is.
    settle: c.prepare(
      `update provisioning_deliveries
       set status = @status, attempts = @attempts, next_at = @nextAt, lease_until = 0, updated_at = @now
       where id = @id and ${undelivered}`,
    ),
    pruneLog: c.prepare(
      'delete from provisioning_log where id in (select id from provisioning_log where at < @cutoff order by at, id limit @limit)',
    ),
    // Deliveries are found by id: ids grow with time, and an index on the creation time would
    // cost every change that records an event one more page.
    pruneDeliveries: c.prepare(
      `delete from provisioning_deliveries where id in (
         select id from provisioning_deliveries where id < @bound and status in ('success', 'fail') order by id limit @limit)`,
    ),
    firstDeliveryFrom: c.prepare<{ id: number }, { id: number; createdAt: number }>(
      'select id, created_at as createdAt from provisioning_deliveries where id >= @id order by id limit 1',
    ),
    lastDeliveryId: c.prepare<[], number | null>('select max(id) from provisioning_deliveries').pluck(),
  }
}

export const deliveryStatements = preparedFor(prepare)

type Statements = ReturnType<typeof deliveryStatements>

/** Up to `limit` due rows, in priority order, then id: new ones and retries merged. */
export function dueRows(sql: Statements, now: number, limit: number): DueRow[] {
  const fresh = sql.duePending.all({ now, limit })
  const retries = sql.dueRetrying.all({ now, limit })
  const rows = retries.length ? [...fresh, ...retries].sort((a, b) => a[1] - b[1] || a[0] - b[0]).slice(0, limit) : fresh
  return rows.map(([id, priority, deliveryId, handlerId, event, objectId, payload, attempts, nextAt]) => ({
    id,
    priority,
    deliveryId,
    handlerId,
    event,
    objectId,
    payload,
    attempts,
    nextAt,
  }))
}
