import { describe, expect, it } from 'vitest'
import { provisioningDeliveries, provisioningHandlers, provisioningLog } from '../../src/db/schema/index'
import { adminPassword, makeTestApp, type TestApp } from '../helpers'

const admin = { authinfo: `admin:${adminPassword}` }

const handlerRows = (t: TestApp) => t.db.select().from(provisioningHandlers).orderBy(provisioningHandlers.id)

async function setup() {
  const t = await makeTestApp()
  const handler = async (fields: Record<string, string>, elid?: string) =>
    t.data({ func: 'provisioning.handler.edit', sok: 'ok', ...admin, ...(elid ? { elid } : {}), ...fields })
  return { t, handler }
}

describe('provisioning.handler', () => {
  it('creates, shows, lists, filters, updates and deletes handlers', async () => {
    const { t, handler } = await setup()
    const created = await handler({ name: 'Softswitch', events: 'payments.create, clients.update payments.create', target: 'https://hooks.example.net/billing', priority: '5' })
    expect(created).toMatchObject({ ok: true, id: 1 })
    const script = await handler({ name: 'Provision', events: '*', type: 'script', target: '/usr/local/bin/provision', stage: 'before', on_failure: 'forbid', timeout_ms: '1500' })
    expect(script.ok).toBe(true)

    const shown = await t.data({ func: 'provisioning.handler.edit', elid: '1', ...admin })
    expect(shown).toMatchObject({
      elid: 1,
      name: 'Softswitch',
      events: 'payments.create,clients.update',
      type: 'http',
      stage: 'after',
      status: 'enabled',
      priority: 5,
      timeout_ms: 0,
      on_failure: 'allow',
      signed: false,
    })

    const list = await t.data({ func: 'provisioning.handler', ...admin })
    expect(list.elem.map((r: { name: string }) => r.name)).toEqual(['Softswitch', 'Provision'])
    expect(list.elem[1]).toMatchObject({ id: 2, events: '*', type: 'script', target: '/usr/local/bin/provision', stage: 'before', priority: 10 })
    // The event filter finds handlers of that event and those of every event.
    const ofUpdate = await t.data({ func: 'provisioning.handler', filter: 'on', event: 'clients.update', ...admin })
    expect(ofUpdate.elem.map((r: { id: number }) => r.id)).toEqual([1, 2])
    const ofDelete = await t.data({ func: 'provisioning.handler', filter: 'on', event: 'clients.delete', ...admin })
    expect(ofDelete.elem.map((r: { id: number }) => r.id)).toEqual([2])
    const before = await t.data({ func: 'provisioning.handler', filter: 'on', stage: 'before', ...admin })
    expect(before.p_elems).toBe(1)

    expect((await handler({ name: 'Softswitch 2', priority: '1' }, '1')).ok).toBe(true)
    const row = (await handlerRows(t))[0]
    expect(row).toMatchObject({ name: 'Softswitch 2', priority: 1, events: 'payments.create,clients.update', target: 'https://hooks.example.net/billing' })

    expect((await t.data({ func: 'provisioning.handler.delete', elid: '1, 2', ...admin })).ok).toBe(true)
    expect(await handlerRows(t)).toEqual([])
  })

  it('refuses bad events, URLs, paths and timeouts with value errors, storing nothing', async () => {
    const { t, handler } = await setup()
    const cases: [Record<string, string>, string][] = [
      [{ name: 'x', events: 'payments.create,payments.nope', target: 'http://h.example/' }, 'events'],
      [{ name: 'x', events: '', target: 'http://h.example/' }, 'events'],
      [{ name: 'x', events: '*', target: 'ftp://h.example/' }, 'target'],
      [{ name: 'x', events: '*', target: 'not a url' }, 'target'],
      [{ name: 'x', events: '*', type: 'script', target: 'bin/provision' }, 'target'],
      [{ name: 'x', events: '*', type: 'script', target: 'http://h.example/' }, 'target'],
      [{ name: 'x', events: '*', target: 'http://h.example/', timeout_ms: '-1' }, 'timeout_ms'],
      [{ name: 'x', events: '*', target: 'http://h.example/', stage: 'before', timeout_ms: '120000' }, 'timeout_ms'],
      [{ name: 'x', events: '*', target: 'http://h.example/', priority: '0' }, 'priority'],
      [{ name: 'x', events: '*', target: 'http://h.example/', stage: 'sometimes' }, 'stage'],
    ]
    for (const [fields, field] of cases) {
      const r = await handler(fields)
      expect(r.error, JSON.stringify(fields)).toMatchObject({ type: field === 'events' && fields.events === '' ? 'missed' : 'value', object: field })
    }
    const bad = await handler({ name: 'x', events: 'payments.nope', target: 'http://h.example/' })
    expect(bad.error.msg).toContain('payments.create')
    expect(await handlerRows(t)).toEqual([])
    // An update that would make the stored URL a script's path is refused as well.
    expect((await handler({ name: 'ok', events: '*', target: 'http://h.example/' })).ok).toBe(true)
    const r = await handler({ type: 'script' }, '1')
    expect(r.error).toMatchObject({ type: 'value', object: 'target' })
    expect((await handlerRows(t))[0].type).toBe('http')
    const xml = await t.call({ func: 'provisioning.handler.edit', sok: 'ok', elid: '1', events: 'nope', out: 'xml', ...admin })
    expect(xml.text).toContain('<error type="value" object="events"')
  })

  it('never shows the secret and keeps it when left empty', async () => {
    const { t, handler } = await setup()
    await handler({ name: 'Signed', events: '*', target: 'http://h.example/', secret: 'topsecret-1' })
    for (const out of ['JSONdata', 'xml', 'json', 'devel']) {
      const { text } = await t.call({ func: 'provisioning.handler.edit', elid: '1', out, ...admin })
      expect(text, out).not.toContain('topsecret-1')
    }
    const shown = await t.data({ func: 'provisioning.handler.edit', elid: '1', ...admin })
    expect(shown.signed).toBe(true)
    expect(shown.secret).toBeUndefined()
    await handler({ name: 'Renamed', secret: '' }, '1')
    expect((await handlerRows(t))[0]).toMatchObject({ name: 'Renamed', secret: 'topsecret-1' })
    await handler({ secret: 'other-2' }, '1')
    expect((await handlerRows(t))[0].secret).toBe('other-2')
    const { text } = await t.call({ func: 'provisioning.handler.edit', elid: '1', secret: 'leak-3', sok: 'ok', events: 'bad', out: 'xml', ...admin })
    expect(text).not.toContain('leak-3')
  })

  it('enable and disable apply to the next event at once; delete fails what was pending', async () => {
    const { t, handler } = await setup()
    const account = String(await t.createAccount('Acme'))
    await handler({ name: 'Payments', events: 'payments.create', target: 'http://127.0.0.1:9/' })
    const pay = () => t.data({ func: 'payment.edit', sok: 'ok', account, amount: '5.00', ...admin })
    const deliveries = () => t.db.select().from(provisioningDeliveries).orderBy(provisioningDeliveries.id)
    await pay()
    expect(await deliveries()).toHaveLength(1)
    expect((await t.data({ func: 'provisioning.handler.disable', elid: '1', ...admin })).ok).toBe(true)
    expect((await handlerRows(t))[0].status).toBe('disabled')
    await pay()
    expect(await deliveries()).toHaveLength(1)
    await t.data({ func: 'provisioning.handler.enable', elid: '1', ...admin })
    await pay()
    expect(await deliveries()).toHaveLength(2)
    expect((await deliveries()).every((d) => d.status === 'pending')).toBe(true)
    await t.data({ func: 'provisioning.handler.delete', elid: '1', ...admin })
    expect((await deliveries()).map((d) => d.status)).toEqual(['fail', 'fail'])
    await pay()
    expect(await deliveries()).toHaveLength(2)
  })

  it('is for admins only', async () => {
    const { t, handler } = await setup()
    await handler({ name: 'h', events: '*', target: 'http://h.example/' })
    const account = String(await t.createAccount('Acme'))
    await t.createUser('staff', '24')
    await t.createUser('client', '16', 'user-secret-1', { account })
    for (const login of ['staff', 'client']) {
      const auth = { authinfo: `${login}:user-secret-1` }
      const calls: Record<string, string>[] = [
        { func: 'provisioning.handler' },
        { func: 'provisioning.handler.edit', elid: '1' },
        { func: 'provisioning.handler.edit', sok: 'ok', name: 'x', events: '*', target: 'http://h.example/' },
        { func: 'provisioning.handler.disable', elid: '1' },
        { func: 'provisioning.handler.delete', elid: '1' },
        { func: 'provisioning.log' },
        { func: 'provisioning.log.info', elid: '1' },
        { func: 'provisioning.log.resend', elid: '1' },
      ]
      for (const call of calls) {
        const r = await t.data({ ...call, ...auth })
        expect(r.error, `${login} ${call.func}`).toMatchObject({ type: 'access' })
      }
    }
    expect(await handlerRows(t)).toHaveLength(1)
    expect((await handlerRows(t))[0].status).toBe('enabled')
  })
})

describe('provisioning.log', () => {
  /** Two handlers and calls logged as the worker and the before-stage log them. */
  async function withLog() {
    const { t, handler } = await setup()
    await handler({ name: 'After', events: '*', target: 'http://127.0.0.1:9/a' })
    await handler({ name: 'Before', events: '*', stage: 'before', target: 'http://127.0.0.1:9/b' })
    const day = Date.UTC(2026, 10, 20, 10, 0, 0)
    const payload = '{"event":{"dt":"2026-11-20T10:00:00+00:00","events_id":"payments.create","object_id":7},"data":{"id":7}}'
    const [delivery] = await t.db
      .insert(provisioningDeliveries)
      .values({ deliveryId: 'd-1', handlerId: 1, event: 'payments.create', objectId: 7, objectKey: 'payments:7', priority: 10, payload, status: 'retrying', attempts: 1, nextAt: day, createdAt: day, updatedAt: day })
      .returning()
    const log = (v: Partial<typeof provisioningLog.$inferInsert>) =>
      t.db.insert(provisioningLog).values({ handlerId: 1, stage: 'after', event: 'payments.create', objectId: 7, status: 'fail', at: day, ...v })
    await log({ deliveryId: delivery!.id, attempt: 1, error: 'HTTP 500 '.repeat(40), response: 'oops', durationMs: 12 })
    await log({ deliveryId: delivery!.id, attempt: 2, status: 'success', at: day + 86_400_000, response: 'fine' })
    await log({ handlerId: 2, stage: 'before', event: 'clients.update', objectId: 3, status: 'success', at: day + 2 * 86_400_000, payload: '{"data":{"id":3}}' })
    return { t, delivery: delivery! }
  }

  it('lists calls newest first, filtered and paged in SQL', async () => {
    const { t } = await withLog()
    const all = await t.data({ func: 'provisioning.log', ...admin })
    expect(all.elem.map((r: { id: number }) => r.id)).toEqual([3, 2, 1])
    expect(all.elem[2]).toMatchObject({ status: 'fail', stage: 'after', event: 'payments.create', handler: 'After', object: 7, attempt: 1, duration: 12, date: '2026-11-20 10:00:00' })
    expect(all.elem[2].message.length).toBeLessThanOrEqual(121)
    expect(all.elem[2].message.endsWith('…')).toBe(true)
    const f = async (filter: Record<string, string>) =>
      (await t.data({ func: 'provisioning.log', filter: 'on', ...filter, ...admin })).elem?.map((r: { id: number }) => r.id) ?? []
    expect(await f({ event: 'clients.update' })).toEqual([3])
    expect(await f({ handler: '1' })).toEqual([2, 1])
    expect(await f({ status: 'fail' })).toEqual([1])
    expect(await f({ stage: 'before' })).toEqual([3])
    expect(await f({ date_from: '2026-11-21' })).toEqual([3, 2])
    expect(await f({ date_to: '2026-11-21' })).toEqual([2, 1])
    expect(await f({ date_from: '2026-11-21', date_to: '2026-11-21', handler: '1' })).toEqual([2])
    const bad = await t.data({ func: 'provisioning.log', filter: 'on', date_from: '2026-13-01', ...admin })
    expect(bad.error).toMatchObject({ type: 'value', object: 'date_from' })
    const paged = await t.data({ func: 'provisioning.log', p_cnt: '2', p_num: '2', ...admin })
    expect(paged.elem.map((r: { id: number }) => r.id)).toEqual([1])
    expect(paged.p_elems).toBe(3)
    const ascending = await t.data({ func: 'provisioning.log', p_order: 'asc', ...admin })
    expect(ascending.elem.map((r: { id: number }) => r.id)).toEqual([1, 2, 3])
    // A deleted handler's calls stay, under its id.
    await t.data({ func: 'provisioning.handler.delete', elid: '2', ...admin })
    expect((await t.data({ func: 'provisioning.log', ...admin })).elem[0].handler).toBe('#2')
  })

  it('shows one call in full', async () => {
    const { t, delivery } = await withLog()
    const info = await t.data({ func: 'provisioning.log.info', elid: '1', ...admin })
    expect(info).toMatchObject({ handler: 1, handler_name: 'After', delivery: 'd-1', delivery_status: 'retrying', response: 'oops', payload: delivery.payload })
    expect(info.message).toBe('HTTP 500 '.repeat(40))
    const before = await t.data({ func: 'provisioning.log.info', elid: '3', ...admin })
    expect(before).toMatchObject({ stage: 'before', payload: '{"data":{"id":3}}', delivery: '' })
    expect((await t.data({ func: 'provisioning.log.info', elid: '99', ...admin })).error).toMatchObject({ type: 'missed' })
    const saved = await t.data({ func: 'provisioning.log.info', elid: '1', sok: 'ok', ...admin })
    expect(saved.error).toMatchObject({ type: 'access' })
  })

  it('resends a logged event as a new delivery with the same body', async () => {
    const { t, delivery } = await withLog()
    t.clock.advance(60_000)
    expect((await t.data({ func: 'provisioning.log.resend', elid: '1', ...admin })).ok).toBe(true)
    const rows = await t.db.select().from(provisioningDeliveries).orderBy(provisioningDeliveries.id)
    expect(rows).toHaveLength(2)
    const again = rows[1]
    expect(again.deliveryId).not.toBe(delivery.deliveryId)
    expect(again).toMatchObject({ handlerId: 1, event: 'payments.create', objectId: 7, objectKey: 'payments:7', payload: delivery.payload, status: 'pending', attempts: 0, nextAt: t.clock() })
    // The original delivery is left as it was.
    expect(rows[0]).toMatchObject({ status: 'retrying', attempts: 1 })
    // A before-stage call cannot be resent; nothing of the group is done then.
    const r = await t.data({ func: 'provisioning.log.resend', elid: '2, 3', ...admin })
    expect(r.error).toMatchObject({ type: 'value', object: 'elid' })
    expect(await t.db.select().from(provisioningDeliveries)).toHaveLength(2)
    await t.data({ func: 'provisioning.handler.delete', elid: '1', ...admin })
    expect((await t.data({ func: 'provisioning.log.resend', elid: '1', ...admin })).error).toMatchObject({ type: 'value', object: 'elid' })
  })
})
