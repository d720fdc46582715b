import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { stageUsage, storeUsage, type StagedUsage } from '../../src/billing/xdrs'
import { parseBatch } from '../../src/billing/xdr-batch'
import { makeConfig } from '../../src/config'
import { openDatabase, type Db } from '../../src/db/connection'
import { openStore } from '../../src/db/store'
import { accounts, ItemStatus, items, pricelists, xdrs } from '../../src/db/schema/index'
import { ensureAdmin } from '../../src/auth/admin'
import { adminPassword } from '../helpers'

const root = new URL('../..', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'billgate-import-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const authinfo = `admin:${adminPassword}`
let made = 0

/** A database file with a client and an active service, and a gateway on it that waits `busyMs` for the write lock. */
async function world(busyMs: number) {
  const path = join(dir, `world-${++made}.sqlite`)
  const store = await openStore(path)
  const { db } = store
  await ensureAdmin(store, adminPassword, Date.now())
  const account = (await db.insert(accounts).values({ name: 'Acme', currencyId: 1, createdAt: 0 }).returning({ id: accounts.id }))[0].id
  const tariff = (await db.insert(pricelists).values({ name: 'Traffic', productType: 'traffic', currencyId: 1, createdAt: 0 }).returning({ id: pricelists.id }))[0].id
  const service = (await db.insert(items).values({ accountId: account, pricelistId: tariff, period: 1, status: ItemStatus.active, createdAt: 0, cost: 0 }).returning({ id: items.id }))[0].id
  const { app } = createApp({ config: makeConfig({ dbPath: path, adminPassword }), store, log: () => {} })
  db.$client.pragma(`busy_timeout = ${busyMs}`)
  const env = { incoming: { socket: { remoteAddress: '127.0.0.1' } } }
  const url = (params: Record<string, string>) => app.request(`/billmgr?${new URLSearchParams({ authinfo, out: 'JSONdata', ...params })}`, {}, env)
  const rpc = (body: unknown, headers: Record<string, string> = {}) =>
    app.request('/jsonrpc/', { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers } }, env)
  return { path, db, account, service, url, rpc }
}

/** A write through the URL protocol: done, or refused as busy (503, Retry-After); never a server failure. */
async function expectDoneOrBusy(res: Response): Promise<'done' | 'busy'> {
  const reply = (await res.json()) as Record<string, any>
  if (res.status === 200 && reply.ok) return 'done'
  expect({ status: res.status, retry: res.headers.get('retry-after'), error: reply.error }).toEqual({
    status: 503,
    retry: '2',
    error: { type: 'internal', object: 'busy', value: '', msg: 'The database is busy: try again' },
  })
  return 'busy'
}

describe('a busy database', () => {
  it('answers writes with a retryable busy error on every door while another process holds the write lock', async () => {
    const w = await world(50)
    const login = (await (await w.rpc({ method: 'session', params: { auth: { login: 'admin', password: adminPassword } }, id: 1 })).json()) as any
    const sid = login.result.session_id as string
    const other = openDatabase(w.path)
    other.$client.prepare('begin immediate').run()

    expect(await expectDoneOrBusy(await w.url({ func: 'account.edit', sok: 'ok', name: 'Web', currency: 'USD' }))).toBe('busy')
    const write = { method: 'account.edit', params: { SID: sid, name: 'Rpc', currency: 'USD', apply: 1 }, id: 2 }
    for (const headers of [{}, { 'Idempotency-Key': 'during-lock' }] as Record<string, string>[]) {
      const res = await w.rpc(write, headers)
      expect([res.status, res.headers.get('retry-after')]).toEqual([503, '2'])
      expect(await res.json()).toEqual({
        jsonrpc: '2.0',
        id: 2,
        error: { code: -32001, message: 'Server busy', data: { retry_after: 2, message: 'The database is busy: try again' } },
      })
    }
    // In a batch the other calls are answered as usual.
    const batch = await w.rpc([{ method: 'currency', params: { SID: sid }, id: 3 }, write])
    expect([batch.status, batch.headers.get('retry-after')]).toEqual([200, '2'])
    const entries = (await batch.json()) as any[]
    expect(entries[0].result.code).toBe(true)
    expect(entries[1].error.code).toBe(-32001)

    other.$client.prepare('commit').run()
    other.$client.close()
    // Sent again, each is done once; the idempotency key was not left claimed.
    expect(await expectDoneOrBusy(await w.url({ func: 'account.edit', sok: 'ok', name: 'Web', currency: 'USD' }))).toBe('done')
    const retried = (await (await w.rpc(write, { 'Idempotency-Key': 'during-lock' })).json()) as any
    expect(retried.result).toMatchObject({ code: true, return: { ok: true } })
    expect((await w.db.select().from(accounts).orderBy(accounts.id)).map((a) => a.name)).toEqual(['Acme', 'Web', 'Rpc'])
  })

  it('a server write during a command-line import is done or told to retry, never a server failure; the import is whole', async () => {
    const w = await world(100)
    const records = 300_000
    const lines = ['item,start,quantity,unit_price']
    const start = Date.UTC(2026, 0, 1) / 1000
    for (let i = 0; i < records; i++) lines.push(`${w.service},${new Date((start + i) * 1000).toISOString()},${i % 100},0.01`)
    writeFileSync(join(dir, 'big.csv'), lines.join('\n'))
    const env: NodeJS.ProcessEnv = {}
    for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('BILLGATE_')) env[name] = value
    const child = spawn(process.execPath, [join(root, 'bin/billgate-ctl.js'), 'xdr.import', 'data=@big.csv'], {
      cwd: dir,
      env: { ...env, BILLGATE_DB: w.path },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (c: Buffer) => (output += c.toString()))
    child.stderr.on('data', (c: Buffer) => (output += c.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
    let running = true
    void exited.then(() => (running = false))
    const seen = { done: 0, busy: 0 }
    let n = 0
    while (running) {
      seen[await expectDoneOrBusy(await w.url({ func: 'payment.edit', sok: 'ok', account: String(w.account), amount: '1' }))]++
      const res = await w.rpc({ method: 'account.edit', params: { auth: { login: 'admin', password: adminPassword }, name: `rpc-${++n}`, currency: 'USD', apply: 1 }, id: n })
      const entry = (await res.json()) as any
      if (entry.error) expect([res.status, entry.error.code]).toEqual([503, -32001])
      else expect(entry.result.code).toBe(true)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    expect({ code: await exited, output }).toEqual({ code: 0, output: `imported=${records}\n` })
    expect(w.db.$client.prepare('select count(*) from xdrs').pluck().get()).toBe(records)
    expect(seen.done).toBeGreaterThan(0)
  }, 60_000)
})

describe('a staged import', () => {
  async function service(db: Db, status: number) {
    const account = (await db.insert(accounts).values({ name: 'Acme', currencyId: 1, createdAt: 0 }).returning({ id: accounts.id }))[0].id
    const tariff = (await db.insert(pricelists).values({ name: 'Traffic', productType: 'traffic', currencyId: 1, createdAt: 0 }).returning({ id: pricelists.id }))[0].id
    return (await db.insert(items).values({ accountId: account, pricelistId: tariff, period: 1, status, createdAt: 0, cost: 0 }).returning({ id: items.id }))[0].id
  }
  const temporaryTables = (db: Db) => db.$client.prepare("select name from temp.sqlite_master where type = 'table'").pluck().all()
  const tableOf = (staged: StagedUsage) => ('table' in staged.rows ? staged.rows.table : undefined)

  it('stores nothing when a service was deleted after the batch was checked, and leaves no staging table', async () => {
    const store = await openStore(':memory:')
    const { db } = store
    const item = await service(db, ItemStatus.active)
    const staged = await stageUsage(store, parseBatch(`item,start,quantity,unit_price\n${item},2026-11-01 00:00:00,1,1\n${item},2026-11-01 00:01:00,2,1`))
    expect(temporaryTables(db)).toEqual([tableOf(staged)])
    await db.update(items).set({ status: ItemStatus.deleted })
    await expect(store.write((tx) => storeUsage(tx, staged))).rejects.toMatchObject({ object: 'item', messageKey: 'errors:value.xdrdeleted', vars: { record: 1 } })
    expect(await db.select().from(xdrs)).toEqual([])
    // The rolled-back drop brought the table back: the next batch clears it.
    await db.update(items).set({ status: ItemStatus.active })
    const next = await stageUsage(store, parseBatch(`item,start,quantity,unit_price\n${item},2026-11-02 00:00:00,3,1`))
    expect(temporaryTables(db)).toEqual([tableOf(next)])
    expect(await store.write((tx) => storeUsage(tx, next))).toBe(1)
    expect(temporaryTables(db)).toEqual([])
    expect((await db.select().from(xdrs)).map((r) => r.quantity)).toEqual([3])
    await store.close()
  })
})
