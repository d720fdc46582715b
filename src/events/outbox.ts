import { randomUUID } from 'node:crypto'
import { and, asc, eq, sql } from 'drizzle-orm'
import type { Db } from '../db/connection'
import { preparedFor } from '../db/prepared'
import { provisioningDeliveries, provisioningHandlers } from '../db/schema/index'
import { handles, objectKeyOf, type EventId } from './catalog'

/** Something that happened in billing, as handlers are told of it. */
export interface DomainEvent {
  event: EventId
  /** The client, service, payment… the event is about. */
  objectId: number | null
  /**
   * What the event's table says: the object as the API returns it, changed fields, or `{}`. A
   * function is called only when some handler wants the event (most changes have no listener).
   */
  data: Record<string, unknown> | (() => Record<string, unknown>)
}

/** The JSON body handlers get (JeraSoft's shape), for an event that happened at `at` (ms). */
export function payloadOf(e: DomainEvent, at: number): string {
  return JSON.stringify({ event: { dt: isoSeconds(at), events_id: e.event, object_id: e.objectId }, data: dataOf(e) })
}

/** An event's data, built now if it is built on demand. */
export function dataOf(e: DomainEvent): Record<string, unknown> {
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

const listeners = new WeakMap<Db, Set<() => void>>()
const wakeScheduled = new WeakSet<Db>()

/**
 * Wakes the in-process delivery worker once the current (synchronous) transaction has committed,
 * not inside it: for anything that records deliveries.
 */
export function wakeSoon(db: Db): void {
  const waiting = listeners.get(db)
  if (!waiting?.size || wakeScheduled.has(db)) return
  wakeScheduled.add(db)
  setImmediate(() => {
    wakeScheduled.delete(db)
    waiting.forEach((wake) => wake())
  })
}

/**
 * Records an event for every enabled after-handler that handles it. Must run inside the
 * transaction of the change the event describes: if that rolls back, so do its deliveries.
 * Returns how many deliveries were recorded.
 */
export function emit(db: Db, now: number, e: DomainEvent): number {
  const s = statementsOf(db)
  const handlers = s.afterHandlers.all().filter((h) => handles(h.events, e.event))
  if (!handlers.length) return 0
  const payload = payloadOf(e, now)
  const objectKey = objectKeyOf(e.event, e.objectId)
  for (const h of handlers) {
    s.insert.run({ deliveryId: randomUUID(), handlerId: h.id, event: e.event, objectId: e.objectId, objectKey, priority: h.priority, payload, at: now })
  }
  wakeSoon(db)
  return handlers.length
}

/** Calls `wake` soon after this process records deliveries; returns what stops it. */
export function onEmitted(db: Db, wake: () => void): () => void {
  let set = listeners.get(db)
  if (!set) listeners.set(db, (set = new Set()))
  set.add(wake)
  return () => set.delete(wake)
}
