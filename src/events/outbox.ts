import { AsyncResource } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'
import { and, asc, eq, sql } from 'drizzle-orm'
import type { Db } from '../db/connection'
import { preparedFor } from '../db/prepared'
import { memoised, tableNames } from '../db/table-changes'
import { provisioningDeliveries, provisioningHandlers } from '../db/schema/index'
import { handles, objectKeyOf, type EventId } from './catalog'

type EventData = Record<string, unknown>

/** Something that happened in billing, as handlers are told of it. */
export interface DomainEvent {
  event: EventId
  /** The client, service, payment… the event is about. */
  objectId: number | null
  /**
   * What the event's table says: the object as the API returns it, changed fields, or `{}`. A
   * function is called only when some handler wants the event (most changes have no listener).
   */
  data: EventData | (() => EventData | Promise<EventData>)
}

/** The JSON body handlers get (JeraSoft's shape), for an event with this data that happened at `at` (ms). */
export function payloadOf(e: Pick<DomainEvent, 'event' | 'objectId'>, data: EventData, at: number): string {
  return JSON.stringify({ event: { dt: isoSeconds(at), events_id: e.event, object_id: e.objectId }, data })
}

/** An event's data, built now if it is built on demand. */
export async function dataOf(e: DomainEvent): Promise<EventData> {
  return typeof e.data === 'function' ? e.data() : e.data
}

/** `2026-11-24T10:00:00+00:00`. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + '+00:00'
}

const statementsOf = preparedFor((db) => ({
  afterHandlers: db
    .select({ id: provisioningHandlers.id, events: provisioningHandlers.events, priority: provisioningHandlers.priority })
    .from(provisioningHandlers)
    .where(and(eq(provisioningHandlers.stage, 'after'), eq(provisioningHandlers.status, 'enabled')))
    .orderBy(asc(provisioningHandlers.priority), asc(provisioningHandlers.id))
    .prepare(),
  insert: db
    .insert(provisioningDeliveries)
    .values({
      deliveryId: sql.placeholder('deliveryId'),
      handlerId: sql.placeholder('handlerId'),
      event: sql.placeholder('event'),
      objectId: sql.placeholder('objectId'),
      objectKey: sql.placeholder('objectKey'),
      priority: sql.placeholder('priority'),
      payload: sql.placeholder('payload'),
      nextAt: sql.placeholder('at'),
      createdAt: sql.placeholder('at'),
      updatedAt: sql.placeholder('at'),
    })
    .prepare(),
}))

const listeners = new Set<() => void>()
let wakeScheduled = false

/**
 * Wakes the delivery workers of this process soon, not inside the transaction that records
 * deliveries: for anything that records them. A worker that looks before that transaction has
 * committed finds the rows at its next poll.
 */
export function wakeSoon(): void {
  if (!listeners.size || wakeScheduled) return
  wakeScheduled = true
  setImmediate(() => {
    wakeScheduled = false
    listeners.forEach((wake) => wake())
  })
}


/** What the handlers kept in memory are read from. */
export const handlerTables = tableNames(provisioningHandlers)

/**
 * Records an event for every enabled after-handler that handles it. Must run inside the
 * transaction of the change the event describes (`db` is its handle): if that rolls back, so
 * do its deliveries. Returns how many deliveries were recorded.
 */
export async function emit(db: Db, now: number, e: DomainEvent): Promise<number> {
  const s = statementsOf(db)
  const handlers = (await memoised(db, 'handlers:after', handlerTables, () => s.afterHandlers.execute())).filter((h) => handles(h.events, e.event))
  if (!handlers.length) return 0
  const payload = payloadOf(e, await dataOf(e), now)
  const objectKey = objectKeyOf(e.event, e.objectId)
  for (const h of handlers) {
    await s.insert.execute({ deliveryId: randomUUID(), handlerId: h.id, event: e.event, objectId: e.objectId, objectKey, priority: h.priority, payload, at: now })
  }
  wakeSoon()
  return handlers.length
}

/**
 * Calls `wake` soon after this process records deliveries; returns what stops it. `wake` runs
 * in the context it was subscribed from, never in the transaction that recorded them.
 */
export function onEmitted(wake: () => void): () => void {
  const outside = AsyncResource.bind(wake)
  listeners.add(outside)
  return () => listeners.delete(outside)
}
