import { eq } from 'drizzle-orm'
import { defaultConfig } from '../../src/config'
import type { Db } from '../../src/db/connection'
import { provisioningDeliveries, provisioningHandlers, provisioningLog } from '../../src/db/schema/index'
import type { EventId } from '../../src/events/catalog'
import { emit } from '../../src/events/outbox'
import { startDeliveryWorker, type DeliveryWorker, type HookSettings } from '../../src/events/worker'
import { adminPassword, makeTestApp } from '../helpers'

export const admin = `admin:${adminPassword}`

type HandlerRow = typeof provisioningHandlers.$inferInsert

/** Adds an after-handler (enabled, for every event unless told otherwise); returns its id. */
export function addHandler(db: Db, h: Partial<HandlerRow> & Pick<HandlerRow, 'target'>): number {
  const row = db
    .insert(provisioningHandlers)
    .values({ name: 'hook', events: '*', type: 'http', createdAt: 0, ...h })
    .returning({ id: provisioningHandlers.id })
    .get()
  return row.id
}

export function setHandlerStatus(db: Db, id: number, status: 'enabled' | 'disabled' | 'archived'): void {
  db.update(provisioningHandlers).set({ status }).where(eq(provisioningHandlers.id, id)).run()
}

/** Records an event as billing does, in a transaction of its own. */
export function emitEvent(db: Db, now: number, event: EventId, objectId: number, data: Record<string, unknown> = {}): number {
  return db.transaction(() => emit(db, now, { event, objectId, data }))
}

export const deliveries = (db: Db) => db.select().from(provisioningDeliveries).orderBy(provisioningDeliveries.id).all()
export const logRows = (db: Db) => db.select().from(provisioningLog).orderBy(provisioningLog.id).all()

/**
 * A gateway on an in-memory database (its clock moved by the test) with a delivery worker on
 * the same database and clock. Call `stop()` at the end.
 */
export async function deliveryApp(settings: Partial<HookSettings> = {}, random?: () => number) {
  const t = await makeTestApp()
  const workerErrors: unknown[] = []
  const config: HookSettings = { ...defaultConfig, hookPollInterval: 20, ...settings }
  const worker: DeliveryWorker = startDeliveryWorker({ db: t.db, clock: t.clock, config, random, log: (_m, err) => workerErrors.push(err) })
  return { ...t, worker, workerErrors, stop: () => worker.stop() }
}
