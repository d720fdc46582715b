import type { Db } from '../db/connection'
import { preparedFor } from '../db/prepared'

/** A due delivery as claimed, with its handler as it is now (null fields: the handler was deleted). */
export interface ClaimedRow {
  id: number
  deliveryId: string
  handlerId: number
  event: string
  objectId: number | null
  payload: string
  attempts: number
  nextAt: number
  handlerStatus: 'enabled' | 'archived' | null
  stage: 'after' | 'before' | null
  type: 'http' | 'script' | null
  target: string | null
  secret: string | null
  timeoutMs: number | null
}

const undelivered = `status in ('pending', 'retrying')`

const columns = `d.id, d.priority, d.delivery_id as deliveryId, d.handler_id as handlerId, d.event,
  d.object_id as objectId, d.payload, d.attempts, d.next_at as nextAt,
  h.status as handlerStatus, h.stage, h.type, h.target, h.secret, h.timeout_ms as timeoutMs`

/** Not leased by a worker, its handler not disabled, no earlier undelivered row for the same handler and object. */
const claimable = `d.lease_until <= @now
    and (h.status is null or h.status <> 'disabled')
    and not exists (
      select 1 from provisioning_deliveries e
      where e.handler_id = d.handler_id and e.object_key = d.object_key and e.${undelivered} and e.id < d.id)`

/**
 * Due: new rows (all due at once) walked along their partial index in priority order, then id,
 * stopping at the limit; and rows waiting for a retry whose time has come, found by that time,
 * so that thousands waiting for a handler that is down are never walked. The order index keeps
 * each handler's deliveries for one object in order.
 */
export const dueSql = `
  select * from (
    select ${columns} from provisioning_deliveries d indexed by provisioning_deliveries_due_idx
    left join provisioning_handlers h on h.id = d.handler_id
    where d.status = 'pending' and ${claimable}
    order by d.priority, d.id limit @limit)
  union all
  select * from (
    select ${columns} from provisioning_deliveries d indexed by provisioning_deliveries_retry_idx
    left join provisioning_handlers h on h.id = d.handler_id
    where d.status = 'retrying' and d.next_at <= @now and ${claimable}
    order by d.priority, d.id limit @limit)
  order by priority, id
  limit @limit`

function prepare(db: Db) {
  const c = db.$client
  return {
    due: c.prepare(dueSql),
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
