import { eq } from 'drizzle-orm'
import { defaultConfig } from '../../src/config'
import type { Db } from '../../src/db/connection'
import { provisioningDeliveries, provisioningHandlers, provisioningLog } from '../../src/db/schema/index'
import type { Store } from '../../src/db/store'
import type { EventId } from '../../src/events/catalog'
import { emit } from '../../src/events/outbox'
import { startDeliveryWorker, type DeliveryWorker, type HookSettings } from '../../src/events/worker'
import { adminPassword, makeTestApp } from '../helpers'

export const admin = `admin:${adminPassword}`

type HandlerRow = typeof provisioningHandlers.$inferInsert

/** Adds an after-handler (enabled, for every event unless told otherwise); returns its id. */
export async function addHandler(db: Db, h: Partial<HandlerRow> & Pick<HandlerRow, 'target'>): Promise<number> {
  const [row] = await db
    .insert(provisioningHandlers)
    .values({ name: 'hook', events: '*', type: 'http', createdAt: 0, ...h })
    .returning({ id: provisioningHandlers.id })
  return row!.id
}

export async function setHandlerStatus(db: Db, id: number, status: 'enabled' | 'disabled' | 'archived'): Promise<void> {
  await db.update(provisioningHandlers).set({ status }).where(eq(provisioningHandlers.id, id))
}

/** Records an event as billing does, in a transaction of its own. */
export function emitEvent(store: Store, now: number, event: EventId, objectId: number, data: Record<string, unknown> = {}): Promise<number> {
  return store.write((tx) => emit(tx, now, { event, objectId, data }))
}

export async function deliveries(db: Db) {
  return db.select().from(provisioningDeliveries).orderBy(provisioningDeliveries.id)
}

export async function logRows(db: Db) {
  return db.select().from(provisioningLog).orderBy(provisioningLog.id)
}

/**
 * A gateway on a fresh database (its clock moved by the test) with a delivery worker on the
 * same store and clock. Call `stop()` at the end.
 */
export async function deliveryApp(settings: Partial<HookSettings> = {}, random?: () => number) {
  const t = await makeTestApp()
  const workerErrors: unknown[] = []
  const config: HookSettings = { ...defaultConfig, hookPollInterval: 20, ...settings }
  const worker: DeliveryWorker = startDeliveryWorker({ store: t.store, clock: t.clock, config, random, log: (_m, err) => workerErrors.push(err) })
  return { ...t, worker, workerErrors, stop: () => worker.stop() }
}
