import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { makeConfig } from '../../src/config'
import { countRows } from '../../src/db/query'
import { accounts, auditLog, idempotencyKeys, payments } from '../../src/db/schema/index'
import { openStore, type Store } from '../../src/db/store'
import { ensureAdmin } from '../../src/auth/admin'
import { IdempotencyStore } from '../../src/doors/jsonrpc/idempotency'
import { createTestDatabase } from '../db/pg-database'
import { adminPassword, execSql, makeTestApp, testBackend, type RequestOptions, type TestApp } from '../helpers'
import { rpcClient } from './rpc'

async function setup() {
  // Sessions outlive the 24 hours keys are kept, so that expiry can be seen on one session.
  const t = await makeTestApp({ sessionIdle: 2 * 86400 })
  const rpc = rpcClient(t)
  const sid = await rpc.login()
  const account = (await rpc.ok('account.edit', { SID: sid, name: 'Payer', currency: 'USD', apply: 1 })).id
  const paymentCount = () => countRows(t.db, payments)
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
    expect(await paymentCount()).toBe(1)
    expect((await t.db.select().from(auditLog)).filter((r) => r.func === 'payment.edit')).toHaveLength(1)
  })

  it('the same key with other parameters is an error, and nothing is done', async () => {
    const { rpc, sid, account, paymentCount } = await setup()
    await rpc.ok('payment.edit', { SID: sid, account, amount: '10', apply: 1, idempotency_key: 'k1' })
    const changed = await rpc.call('payment.edit', { SID: sid, account, amount: '11', apply: 1, idempotency_key: 'k1' })
    expect(changed.result).toMatchObject({ code: false, errors: [{ code: 'value', field: 'idempotency_key', value: 'k1' }] })
    expect(changed.result!.errors[0].message).toContain('k1')
    expect(await paymentCount()).toBe(1)
  })

  it('keys are per user, expire after 24 hours, and reads ignore them', async () => {
    const { t, rpc, sid, account, paymentCount } = await setup()
    await t.createUser('clerk', '28', 'clerk-secret-1')
    const clerk = await rpc.login('clerk', 'clerk-secret-1')
    const params = { account, amount: '10', apply: 1, idempotency_key: 'shared' }
    await rpc.ok('payment.edit', { SID: sid, ...params })
    await rpc.ok('payment.edit', { SID: clerk, ...params })
    expect(await paymentCount()).toBe(2)
    t.clock.advance(23 * 3600_000)
    await rpc.ok('payment.edit', { SID: sid, ...params })
    expect(await paymentCount()).toBe(2)
    t.clock.advance(3600_000)
    await rpc.ok('payment.edit', { SID: sid, ...params })
    expect(await paymentCount()).toBe(3)
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
    await execSql(t.store, 'alter table payments rename to payments_gone')
    const broken = await rpc.call('payment.edit', { SID: sid, account, amount: '3', apply: 1, idempotency_key: 'later' })
    expect(broken.error!.code).toBe(-32603)
    await execSql(t.store, 'alter table payments_gone rename to payments')
    expect((await rpc.call('payment.edit', { SID: sid, account, amount: '3', apply: 1, idempotency_key: 'later' })).result!.code).toBe(true)
    expect(await paymentCount()).toBe(1)
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
    expect(await t.db.select().from(accounts)).toHaveLength(3)
  })

  it('a key used on one app is replayed by a second app on the same database, as after a restart', async () => {
    const target = await sharedTarget('restart')
    const first = await targetApp(target)
    const rpc1 = rpcClient(first.t)
    const sid = await rpc1.login()
    const account = (await rpc1.ok('account.edit', { SID: sid, name: 'Payer', currency: 'USD', apply: 1 })).id
    const params = { account, amount: '10', apply: 1, idempotency_key: 'pay-restart' }
    const done = await rpc1.call('payment.edit', { SID: sid, ...params })
    expect(done.result!.code).toBe(true)
    await first.store.close()

    const second = await targetApp(target)
    const rpc2 = rpcClient(second.t)
    const sid2 = await rpc2.login()
    const retry = await rpc2.call('payment.edit', { SID: sid2, ...params })
    expect(retry.result).toEqual({ ...done.result, session_id: sid2 })
    const changed = await rpc2.call('payment.edit', { SID: sid2, ...params, amount: '11' })
    expect(changed.result).toMatchObject({ code: false, errors: [{ code: 'value', field: 'idempotency_key' }] })
    expect(await second.store.db.select().from(payments)).toHaveLength(1)
    await second.store.close()
  })

  it('the store: busy while running (for another connection too), replay, conflict, expiry and the sweep', async () => {
    const target = await sharedTarget('store')
    const one = await openStore(target)
    const other = await openStore(target)
    const store = new IdempotencyStore<{ n: number }>(one, 1000, 10, 2)
    const elsewhere = new IdempotencyStore<{ n: number }>(other, 1000, 10, 2)
    const rows = () => one.db.select().from(idempotencyKeys).orderBy(idempotencyKeys.userId, idempotencyKeys.key)
    expect(await store.claim(1, 'a', 'f', 0)).toEqual({ kind: 'fresh' })
    expect(await elsewhere.claim(1, 'a', 'f', 1)).toEqual({ kind: 'busy' })
    expect(await store.claim(1, 'a', 'f', 1)).toEqual({ kind: 'busy' })
    await store.settle(1, 'a', { n: 7 })
    expect(await elsewhere.claim(1, 'a', 'f', 2)).toEqual({ kind: 'replay', result: { n: 7 } })
    expect(await elsewhere.claim(1, 'a', 'g', 2)).toEqual({ kind: 'conflict' })
    expect(await elsewhere.claim(2, 'a', 'g', 2)).toEqual({ kind: 'fresh' })
    // A call that did nothing frees its key.
    await elsewhere.settle(2, 'a', undefined)
    expect((await rows()).map((r) => [r.userId, r.key])).toEqual([[1, 'a']])
    // Expired: a new claim starts over, whatever the parameters.
    expect(await store.claim(1, 'a', 'g', 1000)).toEqual({ kind: 'fresh' })
    expect(await rows()).toEqual([{ userId: 1, key: 'a', fingerprint: 'g', result: null, createdAt: 1000 }])
    for (const key of ['b', 'c', 'd']) await store.settle(1, key, undefined)
    for (const [i, key] of ['b', 'c', 'd'].entries()) await elsewhere.claim(1, key, 'f', 1001 + i)
    // Past expiry, claims sweep the expired keys a batch (here 2) at a time, the oldest first.
    expect(await store.claim(1, 'e', 'f', 2002)).toEqual({ kind: 'fresh' })
    expect((await rows()).map((r) => r.key)).toEqual(['c', 'd', 'e'])
    expect(await store.sweep(2005)).toBe(2)
    expect((await rows()).map((r) => r.key)).toEqual(['e'])
    await one.close()
    await other.close()
  })
})

const dir = mkdtempSync(join(tmpdir(), 'billgate-idem-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A database that more than one store can open: a file, or a database of its own on the PostgreSQL test server. */
async function sharedTarget(name: string): Promise<string> {
  if (testBackend === 'sqlite') return join(dir, `${name}.db`)
  return (await createTestDatabase({ migrated: true })).url
}

/** A gateway on a database it opens itself, as a server process does. */
async function targetApp(target: string): Promise<{ store: Store; t: TestApp }> {
  const store = await openStore(target)
  await ensureAdmin(store, adminPassword, Date.now())
  const built = createApp({ config: makeConfig({ dbPath: target, adminPassword }), store, log: () => {} })
  const request = (pathAndQuery: string, options: RequestOptions = {}) =>
    built.app.request(pathAndQuery, { method: options.method ?? 'POST', body: options.body, headers: options.headers }, { incoming: { socket: { remoteAddress: '127.0.0.1' } } })
  return { store, t: { request } as unknown as TestApp }
}
