import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { makeConfig } from '../../src/config'
import { openDatabase } from '../../src/db/connection'
import { accounts, auditLog, idempotencyKeys, payments } from '../../src/db/schema/index'
import { ensureAdmin } from '../../src/auth/admin'
import { IdempotencyStore } from '../../src/doors/jsonrpc/idempotency'
import { adminPassword, makeTestApp, type RequestOptions, type TestApp } from '../helpers'
import { rpcClient } from './rpc'

async function setup() {
  // Sessions outlive the 24 hours keys are kept, so that expiry can be seen on one session.
  const t = await makeTestApp({ sessionIdle: 2 * 86400 })
  const rpc = rpcClient(t)
  const sid = await rpc.login()
  const account = (await rpc.ok('account.edit', { SID: sid, name: 'Payer', currency: 'USD', apply: 1 })).id
  const paymentCount = () => t.db.select().from(payments).all().length
  return { t, rpc, sid, account, paymentCount }
}

describe('Idempotency-Key', () => {
  it('a retried write with the same key and parameters answers the first result without acting again', async () => {
    const { t, rpc, sid, account, paymentCount } = await setup()
    const headers = { 'Idempotency-Key': 'pay-0001' }
    const first = await rpc.call('payment.edit', { SID: sid, account, amount: '10', apply: 1 }, { headers })
    expect(first.result).toMatchObject({ code: true, return: { ok: true, id: 1 } })
    // A retry on a fresh session (the script logged in again) is the same user's.
    const again = await rpc.login()
    const retry = await rpc.call('payment.edit', { SID: again, account, amount: '10', apply: 1 }, { headers })
    expect(retry.result).toEqual({ ...first.result, session_id: again })
    expect(paymentCount()).toBe(1)
    expect(t.db.select().from(auditLog).all().filter((r) => r.func === 'payment.edit')).toHaveLength(1)
  })

  it('the same key with other parameters is an error, and nothing is done', async () => {
    const { rpc, sid, account, paymentCount } = await setup()
    await rpc.ok('payment.edit', { SID: sid, account, amount: '10', apply: 1, idempotency_key: 'k1' })
    const changed = await rpc.call('payment.edit', { SID: sid, account, amount: '11', apply: 1, idempotency_key: 'k1' })
    expect(changed.result).toMatchObject({ code: false, errors: [{ code: 'value', field: 'idempotency_key', value: 'k1' }] })
    expect(changed.result!.errors[0].message).toContain('k1')
    expect(paymentCount()).toBe(1)
  })

  it('keys are per user, expire after 24 hours, and reads ignore them', async () => {
    const { t, rpc, sid, account, paymentCount } = await setup()
    await t.createUser('clerk', '28', 'clerk-secret-1')
    const clerk = await rpc.login('clerk', 'clerk-secret-1')
    const params = { account, amount: '10', apply: 1, idempotency_key: 'shared' }
    await rpc.ok('payment.edit', { SID: sid, ...params })
    await rpc.ok('payment.edit', { SID: clerk, ...params })
    expect(paymentCount()).toBe(2)
    t.clock.advance(23 * 3600_000)
    await rpc.ok('payment.edit', { SID: sid, ...params })
    expect(paymentCount()).toBe(2)
    t.clock.advance(3600_000)
    await rpc.ok('payment.edit', { SID: sid, ...params })
    expect(paymentCount()).toBe(3)
    // A read with a key is simply a read, however often.
    const first = await rpc.ok('payment', { SID: sid, idempotency_key: 'read' })
    await rpc.ok('payment.edit', { SID: sid, account, amount: '1', apply: 1 })
    const second = await rpc.ok('payment', { SID: sid, idempotency_key: 'read' })
    expect(second.total).toBe(first.total + 1)
  })

  it('a failed write is replayed as failed; an internal failure frees the key', async () => {
    const { t, rpc, sid, account, paymentCount } = await setup()
    const bad = { account, amount: '-1', apply: 1, idempotency_key: 'neg' }
    const first = await rpc.call('payment.edit', { SID: sid, ...bad })
    expect(first.result!.code).toBe(false)
    expect((await rpc.call('payment.edit', { SID: sid, ...bad })).result).toEqual(first.result)
    t.db.$client.exec('alter table payments rename to payments_gone')
    const broken = await rpc.call('payment.edit', { SID: sid, account, amount: '3', apply: 1, idempotency_key: 'later' })
    expect(broken.error!.code).toBe(-32603)
    t.db.$client.exec('alter table payments_gone rename to payments')
    expect((await rpc.call('payment.edit', { SID: sid, account, amount: '3', apply: 1, idempotency_key: 'later' })).result!.code).toBe(true)
    expect(paymentCount()).toBe(1)
  })

  it('in a batch, the header names each call by its place', async () => {
    const { t, rpc, sid } = await setup()
    const batch = [
      { method: 'account.edit', params: { SID: sid, name: 'B1', currency: 'USD', apply: 1 }, id: 1 },
      { method: 'account.edit', params: { SID: sid, name: 'B2', currency: 'USD', apply: 1 }, id: 2 },
    ]
    const headers = { 'Idempotency-Key': 'batch-7' }
    const first = await rpc.post(batch, { headers })
    const retry = await rpc.post(batch, { headers })
    expect(retry.body).toEqual(first.body)
    expect(first.body.map((e: { result: { return: { id: number } } }) => e.result.return.id)).toEqual([2, 3])
    expect(t.db.select().from(accounts).all()).toHaveLength(3)
  })

  it('a key used on one app is replayed by a second app on the same database file, as after a restart', async () => {
    const path = join(dir, 'restart.db')
    const first = await fileApp(path)
    const rpc1 = rpcClient(first.t)
    const sid = await rpc1.login()
    const account = (await rpc1.ok('account.edit', { SID: sid, name: 'Payer', currency: 'USD', apply: 1 })).id
    const params = { account, amount: '10', apply: 1, idempotency_key: 'pay-restart' }
    const done = await rpc1.call('payment.edit', { SID: sid, ...params })
    expect(done.result!.code).toBe(true)
    first.db.$client.close()

    const second = await fileApp(path)
    const rpc2 = rpcClient(second.t)
    const sid2 = await rpc2.login()
    const retry = await rpc2.call('payment.edit', { SID: sid2, ...params })
    expect(retry.result).toEqual({ ...done.result, session_id: sid2 })
    const changed = await rpc2.call('payment.edit', { SID: sid2, ...params, amount: '11' })
    expect(changed.result).toMatchObject({ code: false, errors: [{ code: 'value', field: 'idempotency_key' }] })
    expect(second.db.select().from(payments).all()).toHaveLength(1)
    second.db.$client.close()
  })

  it('the store: busy while running (for another connection too), replay, conflict, expiry and the sweep', () => {
    const path = join(dir, 'store.db')
    const one = openDatabase(path)
    const other = openDatabase(path)
    const store = new IdempotencyStore<{ n: number }>(one, 1000, 10, 2)
    const elsewhere = new IdempotencyStore<{ n: number }>(other, 1000, 10, 2)
    const rows = () => one.select().from(idempotencyKeys).all()
    expect(store.claim(1, 'a', 'f', 0)).toEqual({ kind: 'fresh' })
    expect(elsewhere.claim(1, 'a', 'f', 1)).toEqual({ kind: 'busy' })
    expect(store.claim(1, 'a', 'f', 1)).toEqual({ kind: 'busy' })
    store.settle(1, 'a', { n: 7 })
    expect(elsewhere.claim(1, 'a', 'f', 2)).toEqual({ kind: 'replay', result: { n: 7 } })
    expect(elsewhere.claim(1, 'a', 'g', 2)).toEqual({ kind: 'conflict' })
    expect(elsewhere.claim(2, 'a', 'g', 2)).toEqual({ kind: 'fresh' })
    // A call that did nothing frees its key.
    elsewhere.settle(2, 'a', undefined)
    expect(rows().map((r) => [r.userId, r.key])).toEqual([[1, 'a']])
    // Expired: a new claim starts over, whatever the parameters.
    expect(store.claim(1, 'a', 'g', 1000)).toEqual({ kind: 'fresh' })
    expect(rows()).toEqual([{ userId: 1, key: 'a', fingerprint: 'g', result: null, createdAt: 1000 }])
    for (const key of ['b', 'c', 'd']) store.settle(1, key, undefined)
    for (const [i, key] of ['b', 'c', 'd'].entries()) elsewhere.claim(1, key, 'f', 1001 + i)
    // Past expiry, claims sweep the expired keys a batch (here 2) at a time.
    expect(store.claim(1, 'e', 'f', 2002)).toEqual({ kind: 'fresh' })
    expect(rows().map((r) => r.key)).toEqual(['c', 'd', 'e'])
    expect(store.sweep(2005)).toBe(2)
    expect(rows().map((r) => r.key)).toEqual(['e'])
    one.$client.close()
    other.$client.close()
  })
})

const dir = mkdtempSync(join(tmpdir(), 'billgate-idem-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A gateway on a database file, as a server process opens it. */
async function fileApp(path: string) {
  const db = openDatabase(path)
  await ensureAdmin(db, adminPassword, Date.now())
  const built = createApp({ config: makeConfig({ dbPath: path, adminPassword }), db, log: () => {} })
  const request = (pathAndQuery: string, options: RequestOptions = {}) =>
    built.app.request(pathAndQuery, { method: options.method ?? 'POST', body: options.body, headers: options.headers }, { incoming: { socket: { remoteAddress: '127.0.0.1' } } })
  return { db, t: { request } as unknown as TestApp }
}
