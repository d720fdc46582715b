import { afterEach, describe, expect, it } from 'vitest'
import { accounts, items, payments, provisioningLog, users } from '../../src/db/schema/index'
import { adminPassword, makeTestApp } from '../helpers'
import { rpcClient } from '../jsonrpc/rpc'
import { startBeforeReceiver, type Answer, type Received } from './before-receiver'

const admin = { authinfo: `admin:${adminPassword}` }
const closing: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closing.splice(0).map((close) => close()))
})

/** A gateway with one client and a before-handler on a real receiver answering with `answer`. */
async function setup(answer: (r: Received) => Answer = () => ({}), settings: Record<string, string> = {}) {
  const t = await makeTestApp()
  const account = String(await t.createAccount('Acme'))
  const receiver = await startBeforeReceiver(answer)
  closing.push(() => receiver.close())
  const handler = await t.data({
    func: 'provisioning.handler.edit',
    sok: 'ok',
    name: 'Gatekeeper',
    events: 'payments.create,payments.update,payments.delete',
    stage: 'before',
    target: receiver.url,
    ...settings,
    ...admin,
  })
  if (!handler.ok) throw new Error(JSON.stringify(handler))
  const pay = (fields: Record<string, string> = {}) =>
    t.data({ func: 'payment.edit', sok: 'ok', account, amount: '10.00', note: 'first', ...fields, ...admin })
  const log = () => t.db.select().from(provisioningLog).orderBy(provisioningLog.id)
  return { t, account, receiver, pay, log }
}

describe('before-handlers over HTTP', () => {
  it('allow with an empty answer: the proposed data is sent, the change is stored, the call logged', async () => {
    const { t, account, receiver, pay, log } = await setup()
    const r = await pay()
    expect(r.ok).toBe(true)
    expect(receiver.received).toHaveLength(1)
    const got = receiver.received[0]
    expect(got.json.event).toEqual({ dt: '2026-11-24T12:00:00+00:00', events_id: 'payments.create', object_id: null })
    expect(got.json.data).toMatchObject({ account: Number(account), amount: '10.00', note: 'first' })
    expect(got.headers['x-billgate-event']).toBe('payments.create')
    expect(got.headers['x-billgate-delivery']).toMatch(/^[0-9a-f-]{36}$/)
    expect(await t.db.select().from(payments)).toHaveLength(1)
    expect(await log()).toHaveLength(1)
    expect((await log())[0]).toMatchObject({ stage: 'before', event: 'payments.create', status: 'success', handlerId: 1, deliveryId: null, payload: got.body })
    // A second call gets a delivery id of its own.
    await pay()
    expect(receiver.received[1].headers['x-billgate-delivery']).not.toBe(got.headers['x-billgate-delivery'])
  })

  it('allow when the payload is echoed unchanged', async () => {
    const { t, pay } = await setup((r) => ({ body: r.body }))
    expect((await pay()).ok).toBe(true)
    expect((await t.db.select().from(payments))[0]).toMatchObject({ amount: 1000, note: 'first' })
  })

  it('modifies the change with the fields it answers, checked again', async () => {
    const { t, pay, log } = await setup(() => ({ body: JSON.stringify({ data: { note: 'approved', amount: '12.50', status: 4 } }) }))
    const r = await pay()
    expect(r.ok).toBe(true)
    // status is not a field a call sets: it is left alone.
    expect((await t.db.select().from(payments))[0]).toMatchObject({ amount: 1250, note: 'approved', status: 1 })
    expect((await log())[0].status).toBe('success')
  })

  it('modifies through an echoed payload whose data differs', async () => {
    const { t, pay } = await setup((r) => ({ body: JSON.stringify({ ...r.json, data: { ...r.json.data, sender: 'Bank of Tests' } }) }))
    expect((await pay()).ok).toBe(true)
    expect((await t.db.select().from(payments))[0]).toMatchObject({ sender: 'Bank of Tests', note: 'first', amount: 1000 })
  })

  it('refuses an invalid modification with a value error, storing nothing', async () => {
    const { t, pay } = await setup(() => ({ body: JSON.stringify({ data: { amount: '-3' } }) }))
    const r = await pay()
    expect(r.error).toMatchObject({ type: 'value', object: 'amount' })
    const nested = await setup(() => ({ body: JSON.stringify({ data: { note: { nested: true } } }) }))
    expect((await nested.pay()).error).toMatchObject({ type: 'value', object: 'note' })
    expect(await t.db.select().from(payments)).toEqual([])
    expect(await nested.t.db.select().from(payments)).toEqual([])
  })

  it('forbids with its text, in JSONdata and in XML, storing nothing', async () => {
    const { t, account, pay, log } = await setup(() => ({ body: JSON.stringify({ allow: false, error: 'Credit check failed for <Acme>' }) }))
    const r = await pay()
    expect(r.error).toMatchObject({ type: 'access', object: 'provisioning', msg: 'Credit check failed for <Acme>' })
    const { text } = await t.call({ func: 'payment.edit', sok: 'ok', account, amount: '1.00', out: 'xml', ...admin })
    expect(text).toContain('<error type="access" object="provisioning"')
    expect(text).toContain('Credit check failed for &lt;Acme&gt;')
    expect(await t.db.select().from(payments)).toEqual([])
    expect(await log()).toHaveLength(2)
    expect((await log())[0]).toMatchObject({ status: 'refused', error: 'Credit check failed for <Acme>' })
    const ru = await t.data({ func: 'payment.edit', sok: 'ok', account, amount: '1.00', lang: 'ru', ...admin })
    expect(ru.error.msg).toBe('Credit check failed for <Acme>')
  })

  it('forbids on a non-2xx answer, with its body as the message', async () => {
    const { t, pay, log } = await setup(() => ({ status: 403, body: 'Account blocked in the softswitch' }))
    expect((await pay()).error).toMatchObject({ type: 'access', object: 'provisioning', msg: 'Account blocked in the softswitch' })
    const json = await setup(() => ({ status: 500, body: '{"error":"database down"}' }))
    expect((await json.pay()).error.msg).toBe('database down')
    const bare = await setup(() => ({ status: 409 }))
    expect((await bare.pay()).error.msg).toBe('HTTP 409')
    const refusedSilently = await setup(() => ({ body: '{"allow":false}' }))
    expect((await refusedSilently.pay()).error).toMatchObject({ type: 'access', object: 'provisioning', msg: 'The change was refused by a provisioning handler' })
    expect(await t.db.select().from(payments)).toEqual([])
    expect((await log())[0]).toMatchObject({ status: 'refused', response: 'Account blocked in the softswitch' })
  })

  it('a handler that hangs: on_failure allow lets the change through after the timeout', async () => {
    const { t, pay, log } = await setup(() => 'hang', { timeout_ms: '300' })
    const started = Date.now()
    expect((await pay()).ok).toBe(true)
    const took = Date.now() - started
    expect(took).toBeGreaterThanOrEqual(290)
    expect(took).toBeLessThan(2500)
    expect(await t.db.select().from(payments)).toHaveLength(1)
    expect((await log())[0]).toMatchObject({ status: 'fail', error: 'no answer within 300 ms' })
  })

  it('a handler that hangs: on_failure forbid refuses the change, without naming the handler', async () => {
    const { t, pay, log } = await setup(() => 'hang', { timeout_ms: '300', on_failure: 'forbid' })
    const started = Date.now()
    const r = await pay()
    expect(Date.now() - started).toBeLessThan(2500)
    expect(r.error).toMatchObject({ type: 'access', object: 'provisioning' })
    expect(r.error.msg).toContain('did not answer')
    expect(r.error.msg).not.toContain('127.0.0.1')
    expect(await t.db.select().from(payments)).toEqual([])
    expect((await log())[0].status).toBe('fail')
  })

  it('a handler that crashes (connection dropped) follows on_failure', async () => {
    const allow = await setup(() => 'destroy')
    expect((await allow.pay()).ok).toBe(true)
    expect(await allow.t.db.select().from(payments)).toHaveLength(1)
    expect((await allow.log())[0].status).toBe('fail')
    const forbid = await setup(() => 'destroy', { on_failure: 'forbid' })
    expect((await forbid.pay()).error).toMatchObject({ type: 'access', object: 'provisioning' })
    expect(await forbid.t.db.select().from(payments)).toEqual([])
  })

  it('updates and group operations propose their element; a forbidden delete deletes nothing', async () => {
    const { t, receiver, pay } = await setup()
    const created = await pay()
    const id = String(created.id)
    receiver.answer((r) => (r.json.event.events_id === 'payments.delete' ? { body: '{"allow":false,"error":"keep it"}' } : {}))
    expect((await t.data({ func: 'payment.edit', sok: 'ok', elid: id, note: 'second', ...admin })).ok).toBe(true)
    const update = receiver.received.at(-1)!.json
    expect(update.event).toMatchObject({ events_id: 'payments.update', object_id: Number(id) })
    expect(update.data).toMatchObject({ id: Number(id), note: 'second' })
    const r = await t.data({ func: 'payment.delete', elid: id, ...admin })
    expect(r.error).toMatchObject({ type: 'access', object: 'provisioning', msg: 'keep it' })
    const del = receiver.received.at(-1)!.json
    expect(del.event).toMatchObject({ events_id: 'payments.delete', object_id: Number(id) })
    expect(del.data).toMatchObject({ id: Number(id), amount: '10.00', note: 'second' })
    expect(await t.db.select().from(payments)).toHaveLength(1)
  })

  it('status moves propose the payment with its new status; a forbidden one leaves payment and balance alone', async () => {
    const { t, account, receiver, pay } = await setup()
    const id = String((await pay()).id)
    receiver.answer(() => ({ body: '{"allow":false,"error":"not yet"}' }))
    const r = await t.data({ func: 'payment.setpaid', elid: id, ...admin })
    expect(r.error).toMatchObject({ type: 'access', object: 'provisioning', msg: 'not yet' })
    const asked = receiver.received.at(-1)!.json
    expect(asked.event).toMatchObject({ events_id: 'payments.update', object_id: Number(id) })
    expect(asked.data).toMatchObject({ id: Number(id), status: 4, amount: '10.00' })
    expect((await t.db.select().from(payments))[0].status).toBe(1)
    expect((await t.db.select().from(accounts)).find((a) => a.id === Number(account))!.balance).toBe(0)
    receiver.answer(() => ({}))
    expect((await t.data({ func: 'payment.setpaid', elid: id, ...admin })).ok).toBe(true)
    expect((await t.db.select().from(accounts)).find((a) => a.id === Number(account))!.balance).toBe(1000)
  })

  it('runs in priority order, each seeing what the earlier ones changed; others are not called', async () => {
    const { t, receiver, pay } = await setup((r) => ({ body: JSON.stringify({ data: { note: `${r.json.data.note}+first` } }) }), { priority: '1' })
    const second = await startBeforeReceiver((r) => ({ body: JSON.stringify({ data: { note: `${r.json.data.note}+second` } }) }))
    closing.push(() => second.close())
    const other = await startBeforeReceiver()
    closing.push(() => other.close())
    const add = (fields: Record<string, string>) => t.data({ func: 'provisioning.handler.edit', sok: 'ok', stage: 'before', ...fields, ...admin })
    await add({ name: 'Second', events: '*', target: second.url, priority: '2' })
    await add({ name: 'Other event', events: 'clients.delete', target: other.url })
    await add({ name: 'Disabled', events: '*', target: other.url, status: 'disabled' })
    await add({ name: 'After', events: '*', target: other.url, stage: 'after' })
    expect((await pay()).ok).toBe(true)
    expect(receiver.received).toHaveLength(1)
    expect(second.received[0].json.data.note).toBe('first+first')
    expect(other.received).toEqual([])
    expect((await t.db.select().from(payments))[0].note).toBe('first+first+second')
  })

  it('never sends a password, and asks about client users only', async () => {
    const t = await makeTestApp()
    const account = String(await t.createAccount('Acme'))
    const receiver = await startBeforeReceiver()
    closing.push(() => receiver.close())
    await t.data({ func: 'provisioning.handler.edit', sok: 'ok', name: 'Users', events: 'clients.accounts.create,clients.accounts.update', stage: 'before', target: receiver.url, ...admin })
    await t.createUser('client1', '16', 'user-secret-1', { account })
    await t.createUser('admin2', '28')
    expect(receiver.received).toHaveLength(1)
    expect(receiver.received[0].json.event.events_id).toBe('clients.accounts.create')
    expect(receiver.received[0].json.data).toMatchObject({ name: 'client1', account: Number(account) })
    expect(receiver.received[0].body).not.toContain('user-secret-1')
    receiver.answer(() => ({ body: '{"allow":false,"error":"no renames"}' }))
    const r = await t.data({ func: 'user.edit', sok: 'ok', elid: '2', realname: 'Renamed', ...admin })
    expect(r.error).toMatchObject({ type: 'access', object: 'provisioning', msg: 'no renames' })
    expect((await t.db.select().from(users)).find((u) => u.name === 'client1')!.realname).toBe('')
    // Deleting: asked about the client user (and refused), not about the operator's user.
    await t.data({ func: 'provisioning.handler.edit', elid: '1', sok: 'ok', events: 'clients.accounts.delete', ...admin })
    const asked = receiver.received.length
    expect((await t.data({ func: 'user.delete', elid: '2', ...admin })).error).toMatchObject({ type: 'access', object: 'provisioning' })
    expect(receiver.received.at(-1)!.json.event).toMatchObject({ events_id: 'clients.accounts.delete', object_id: 2 })
    expect((await t.data({ func: 'user.delete', elid: '3', ...admin })).ok).toBe(true)
    expect(receiver.received).toHaveLength(asked + 1)
    expect((await t.db.select().from(users)).map((u) => u.name).sort()).toEqual(['admin', 'client1'])
  })

  it('guards client deletion and creation', async () => {
    const t = await makeTestApp()
    const receiver = await startBeforeReceiver(() => ({ body: '{"allow":false,"error":"not now"}' }))
    closing.push(() => receiver.close())
    const account = String(await t.createAccount('Acme'))
    await t.data({ func: 'provisioning.handler.edit', sok: 'ok', name: 'Clients', events: 'clients.create,clients.delete', stage: 'before', target: receiver.url, ...admin })
    expect((await t.data({ func: 'account.delete', elid: account, ...admin })).error).toMatchObject({ type: 'access', object: 'provisioning' })
    expect(receiver.received[0].json).toMatchObject({ event: { events_id: 'clients.delete', object_id: Number(account) }, data: {} })
    expect((await t.data({ func: 'account.edit', sok: 'ok', name: 'Beta', currency: 'USD', ...admin })).error).toMatchObject({ msg: 'not now' })
    expect((await t.db.select().from(accounts)).map((a) => a.name)).toEqual(['Acme'])
  })

  it('guards services: orders, renewals (with a changed period) and suspensions', async () => {
    const t = await makeTestApp()
    const account = String(await t.createAccount('Acme'))
    await t.data({ func: 'payment.edit', sok: 'ok', account, amount: '500.00', ...admin })
    await t.data({ func: 'payment.setpaid', elid: '1', ...admin })
    const tariff = await t.data({ func: 'pricelist.edit', sok: 'ok', name: 'VDS', product_type: 'vds', currency: 'USD', price_1: '10', price_3: '25', ...admin })
    const receiver = await startBeforeReceiver((r) => {
      const e = r.json.event.events_id
      if (e === 'clients.subscriptions.renew') return { body: JSON.stringify({ data: { period: '3' } }) }
      if (e === 'clients.subscriptions.deactivate') return { status: 423, body: 'suspension blocked' }
      return {}
    })
    closing.push(() => receiver.close())
    await t.data({ func: 'provisioning.handler.edit', sok: 'ok', name: 'Services', events: '*', stage: 'before', target: receiver.url, ...admin })
    const order = await t.data({ func: 'item.order', account, pricelist: String(tariff.id), period: '1', name: 'vm1', ...admin })
    expect(order.id).toBeDefined()
    expect(receiver.received[0].json).toMatchObject({ event: { events_id: 'clients.subscriptions.assign', object_id: null }, data: { account: Number(account), period: '1', name: 'vm1' } })
    const before = (await t.db.select().from(items))[0]
    const prolonged = await t.data({ func: 'service.prolong', elid: String(order.id), ...admin })
    expect(prolonged.newexpiredate).toBeDefined()
    const renew = receiver.received.at(-1)!.json
    expect(renew).toMatchObject({ event: { events_id: 'clients.subscriptions.renew', object_id: order.id }, data: { id: order.id, name: 'vm1' } })
    // Renewed for the three months the handler asked for, at the three-month price.
    const after = (await t.db.select().from(items))[0]
    const months = (ms: number) => new Date(ms).getUTCFullYear() * 12 + new Date(ms).getUTCMonth()
    expect(months(after.expiresAt!) - months(before.expiresAt!)).toBe(3)
    const suspend = await t.data({ func: 'item.suspend', elid: String(order.id), ...admin })
    expect(suspend.error).toMatchObject({ type: 'access', object: 'provisioning', msg: 'suspension blocked' })
    expect((await t.db.select().from(items))[0].status).toBe(after.status)
  })

  it('works the same through JSON-RPC', async () => {
    const { t, account, receiver } = await setup(() => ({ body: JSON.stringify({ allow: false, error: 'Refused by policy' }) }))
    const rpc = rpcClient(t)
    const sid = await rpc.login()
    const refused = await rpc.call('payment.edit', { SID: sid, account: Number(account), amount: '3.00', apply: 1 })
    expect(refused.result?.code).toBe(false)
    expect(refused.result?.errors[0]).toMatchObject({ code: 'access', field: 'provisioning', message: 'Refused by policy' })
    receiver.answer(() => ({ body: JSON.stringify({ data: { note: 'via rpc' } }) }))
    const ok = await rpc.ok('payment.edit', { SID: sid, account: Number(account), amount: '3.00', apply: 1 })
    expect(ok.ok).toBe(true)
    expect(await t.db.select().from(payments)).toHaveLength(1)
    expect((await t.db.select().from(payments))[0].note).toBe('via rpc')
  })
})
