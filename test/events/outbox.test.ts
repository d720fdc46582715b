import { describe, expect, it } from 'vitest'
import { provisioningDeliveries, provisioningHandlers } from '../../src/db/schema/index'
import { normalEventList } from '../../src/events/catalog'
import { adminPassword, makeTestApp } from '../helpers'

describe('outbox', () => {
  it('records a payment creation for each enabled after-handler of the event, in its transaction', async () => {
    const t = await makeTestApp()
    const account = await t.createAccount('Acme')
    const admin = `admin:${adminPassword}`
    const h = async (name: string, events: string, status: 'enabled' | 'disabled' = 'enabled', stage: 'after' | 'before' = 'after') => {
      await t.db.insert(provisioningHandlers).values({ name, events, type: 'http', target: 'http://127.0.0.1:9/', status, stage, createdAt: 0 })
    }
    await h('all', '*')
    await h('payments', 'payments.create,payments.update')
    await h('clients', 'clients.create')
    await h('off', '*', 'disabled')
    await h('before', '*', 'enabled', 'before')
    const r = await t.data({ func: 'payment.edit', authinfo: admin, sok: 'ok', account: String(account), amount: '10.00' })
    expect(r.ok).toBe(true)
    const rows = await t.db.select().from(provisioningDeliveries).orderBy(provisioningDeliveries.id)
    expect(rows.map((d) => d.handlerId).sort()).toEqual([1, 2])
    const body = JSON.parse(rows[0]!.payload)
    expect(body.event).toMatchObject({ events_id: 'payments.create', object_id: Number(r.id) })
    expect(body.data).toMatchObject({ id: Number(r.id), amount: '10.00', account })
    expect(rows[0]!.objectKey).toBe(`payments:${r.id}`)
    expect(new Set(rows.map((d) => d.deliveryId)).size).toBe(2)
    // A refused payment records nothing.
    await t.data({ func: 'payment.edit', authinfo: admin, sok: 'ok', account: String(account), amount: '-1' })
    expect(await t.db.select().from(provisioningDeliveries)).toHaveLength(2)
  })

  it('normalises event settings and refuses unknown ids', () => {
    expect(normalEventList(' * ')).toBe('*')
    expect(normalEventList('payments.create, clients.update payments.create')).toBe('payments.create,clients.update')
    expect(normalEventList('payments.nope')).toBeUndefined()
    expect(normalEventList('')).toBeUndefined()
  })
})
