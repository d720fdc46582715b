import { asc } from 'drizzle-orm'
import { expect } from 'vitest'
import type { Db } from '../../src/db/connection'
import { provisioningDeliveries, provisioningHandlers } from '../../src/db/schema/index'
import { adminPassword, type TestApp } from '../helpers'

export const admin = `admin:${adminPassword}`

/** Adds a handler straight to its table; returns its id. */
export async function addHandler(
  db: Db,
  events = '*',
  options: { status?: 'enabled' | 'disabled'; stage?: 'after' | 'before'; name?: string } = {},
): Promise<number> {
  const [row] = await db
    .insert(provisioningHandlers)
    .values({
      name: options.name ?? `h-${events}`,
      events,
      type: 'http',
      target: 'http://127.0.0.1:9/',
      status: options.status ?? 'enabled',
      stage: options.stage ?? 'after',
      createdAt: 0,
    })
    .returning({ id: provisioningHandlers.id })
  return row!.id
}

export interface Told {
  event: string
  objectId: number | null
  objectKey: string
  handlerId: number
  dt: string
  data: Record<string, any>
}

/** The deliveries recorded so far (of one handler, when given), oldest first, payloads parsed. */
export async function told(db: Db, handlerId?: number): Promise<Told[]> {
  const rows = await db.select().from(provisioningDeliveries).orderBy(asc(provisioningDeliveries.id))
  return rows
    .filter((d) => handlerId === undefined || d.handlerId === handlerId)
    .map((d) => {
      const body = JSON.parse(d.payload)
      expect(body.event.events_id).toBe(d.event)
      expect(body.event.object_id).toBe(d.objectId)
      return { event: d.event, objectId: d.objectId, objectKey: d.objectKey, handlerId: d.handlerId, dt: body.event.dt, data: body.data }
    })
}

/** What was told since `mark` deliveries (of handler `handlerId`), as `event objectId` strings. */
export async function eventsSince(db: Db, mark: number, handlerId?: number): Promise<string[]> {
  return (await told(db, handlerId))
    .slice(mark)
    .map((d) => `${d.event} ${d.objectId}`)
}

/** A URL-protocol call as admin that must succeed; returns the JSONdata reply. */
export async function must(t: TestApp, params: Record<string, string>): Promise<Record<string, any>> {
  const reply = await t.data({ authinfo: admin, ...params })
  if (reply.error) throw new Error(`${params.func}: ${JSON.stringify(reply.error)}`)
  return reply
}

/** A URL-protocol call as admin that must be refused; returns the error. */
export async function refused(t: TestApp, params: Record<string, string>): Promise<Record<string, any>> {
  const reply = await t.data({ authinfo: admin, ...params })
  if (!reply.error) throw new Error(`${params.func} was not refused: ${JSON.stringify(reply)}`)
  return reply.error
}

/** A USD payment method and a monthly tariff (setup 5.00, 9.99 a month, 27.00 for three months). */
export async function catalogue(t: TestApp): Promise<{ paymethod: number; tariff: number }> {
  const paymethod = (await must(t, { func: 'paymethod.edit', sok: 'ok', name: 'Card', currency: 'USD' })).id
  const tariff = (
    await must(t, { func: 'pricelist.edit', sok: 'ok', name: 'VDS', product_type: 'vds', currency: 'USD', setup_fee: '5', price_1: '9.99', price_3: '27' })
  ).id
  return { paymethod: Number(paymethod), tariff: Number(tariff) }
}

/** A credited payment of `amount` to a client; returns its id. */
export async function pay(t: TestApp, account: number, amount: string): Promise<number> {
  const id = Number((await must(t, { func: 'payment.edit', sok: 'ok', account: String(account), amount })).id)
  await must(t, { func: 'payment.setpaid', elid: String(id) })
  return id
}

/** A manual charge (or, negative, money given back) to a client; returns the expense's id. */
export async function chargeClient(t: TestApp, account: number, amount: string): Promise<number> {
  return Number((await must(t, { func: 'expense.edit', sok: 'ok', account: String(account), amount, description: 'Manual' })).id)
}

export const day = 86_400_000
