import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Db } from '../db/connection'
import { firstRow } from '../db/query'
import { provisioningDeliveries, provisioningHandlers } from '../db/schema/index'
import { isEventId, objectKeyOf } from './catalog'
import { wakeSoon } from './outbox'

/** A logged call to deliver again. */
export interface Resent {
  handlerId: number
  event: string
  objectId: number | null
  /** The exact body sent the first time. */
  payload: string
}

/**
 * Queues a logged event for its handler once more, as a new delivery (a new delivery id, the
 * same body), due at once. Returns the new delivery id, or undefined when the handler no longer
 * exists. Runs inside the caller's transaction.
 */
export async function resendDelivery(db: Db, now: number, logged: Resent): Promise<string | undefined> {
  const handler = await firstRow(
    db.select({ priority: provisioningHandlers.priority }).from(provisioningHandlers).where(eq(provisioningHandlers.id, logged.handlerId)),
  )
  if (!handler) return undefined
  const deliveryId = randomUUID()
  await db.insert(provisioningDeliveries).values({
    deliveryId,
    handlerId: logged.handlerId,
    event: logged.event,
    objectId: logged.objectId,
    // Logged events are catalogue events; an unknown one still gets an ordering key of its own.
    objectKey: isEventId(logged.event) ? objectKeyOf(logged.event, logged.objectId) : `${logged.event}:${logged.objectId ?? ''}`,
    priority: handler.priority,
    payload: logged.payload,
    nextAt: now,
    createdAt: now,
    updatedAt: now,
  })
  wakeSoon()
  return deliveryId
}
