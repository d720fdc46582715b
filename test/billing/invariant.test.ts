import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { balanceDrift } from '../../src/billing/ledger'
import type { Db } from '../../src/db/connection'
import { firstRow } from '../../src/db/query'
import { openStore } from '../../src/db/store'
import { eq } from 'drizzle-orm'
import { accounts, expenses, invoices, ItemStatus, items, paymethods, payments, pricelists, provisioningDeliveries, provisioningHandlers } from '../../src/db/schema/index'
import { createTestDatabase } from '../db/pg-database'
import { adminPassword, makeTestApp, testBackend } from '../helpers'

/**
 * The books stay straight whatever happens: after thousands of random operations (payments and
 * their status changes, orders, renewals, prolongations, manual charges and refunds, deletions,
 * invoices, usage imports and rating), every client's balance equals its credited payments minus its expenses.
 */

type Params = Record<string, string>
type Reply = { error?: { type: string; object: string; msg: string } } & Record<string, unknown>

/** A small seeded generator (mulberry32), so a failing sequence can be replayed. */
function random(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T,>(list: readonly T[]): T | undefined => (list.length ? list[Math.floor(next() * list.length)] : undefined),
    chance: (p: number) => next() < p,
  }
}
type Random = ReturnType<typeof random>

const ids = (rows: { id: number }[]) => rows.map((r) => String(r.id))

/** Sets up currencies' payment methods, tariffs and clients through the functions themselves. */
async function prepareWorld(send: (p: Params) => Promise<Reply>, clients: number, r: Random) {
  const must = async (p: Params) => {
    const reply = await send(p)
    if (reply.error) throw new Error(`${p.func}: ${JSON.stringify(reply.error)}`)
    return reply
  }
  for (const currency of ['USD', 'EUR']) {
    await must({ func: 'paymethod.edit', sok: 'ok', name: `Card ${currency}`, currency })
    await must({ func: 'pricelist.edit', sok: 'ok', name: `VDS ${currency}`, product_type: 'vds', currency, setup_fee: '5', price_1: '9.99', price_3: '27', price_12: '99.5' })
    await must({ func: 'pricelist.edit', sok: 'ok', name: `Domain ${currency}`, product_type: 'domain', currency, setup_fee: '0', price_12: '12.34' })
  }
  for (let i = 0; i < clients; i++) await createClient(must, r, i)
}

async function createClient(send: (p: Params) => Promise<Reply>, r: Random, n: number) {
  await send({
    func: 'account.edit',
    sok: 'ok',
    name: `Client ${n}`,
    currency: r.chance(0.5) ? 'USD' : 'EUR',
    credit_limit: r.pick(['0', '0', '10', '50.5']) ?? '0',
  })
}

const amount = (r: Random) => `${r.int(0, 150)}.${String(r.int(0, 99)).padStart(2, '0')}`
const date = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/**
 * One random operation, chosen from what the database holds now. Most are plain calls; some
 * are expected to be refused (not enough money, a credited payment cannot be deleted), which is
 * part of the test: a refusal must change nothing.
 */
async function nextOperation(db: Db, r: Random, now: number): Promise<Params> {
  const chosen = r.pick(await db.select({ id: accounts.id, currencyId: accounts.currencyId }).from(accounts).orderBy(accounts.id))
  const client = String(chosen?.id ?? 999999)
  const currency = chosen?.currencyId ?? 1
  const method = String((await firstRow(db.select({ id: paymethods.id }).from(paymethods).where(eq(paymethods.currencyId, currency)).orderBy(paymethods.id).limit(1)))?.id ?? 999999)
  const paymentIds = ids(await db.select({ id: payments.id }).from(payments).orderBy(payments.id))
  const itemIds = ids(await db.select({ id: items.id }).from(items).orderBy(items.id))
  const expenseIds = ids(await db.select({ id: expenses.id }).from(expenses).orderBy(expenses.id))
  const tariffs = await db.select({ id: pricelists.id, currencyId: pricelists.currencyId, price1: pricelists.price1 }).from(pricelists).orderBy(pricelists.id)
  const someOf = (list: string[]) => [...new Set([r.pick(list), r.pick(list), r.pick(list)].slice(0, r.int(1, 3)))].filter(Boolean).join(', ') || '999999'
  const roll = r.next()
  if (roll < 0.2) return { func: 'payment.edit', sok: 'ok', account: client, paymethod: method, amount: amount(r) }
  if (roll < 0.36) return { func: 'payment.setpaid', elid: someOf(paymentIds) }
  if (roll < 0.4) return { func: r.pick(['payment.setnopay', 'payment.return', 'payment.returned', 'payment.fraud']) ?? 'payment.fraud', elid: someOf(paymentIds) }
  if (roll < 0.44) return { func: 'payment.delete', elid: someOf(paymentIds) }
  if (roll < 0.56) {
    const own = tariffs.filter((t) => t.currencyId === currency)
    const tariff = r.chance(0.9) ? r.pick(own) : r.pick(tariffs)
    const period = tariff?.price1 === null ? '12' : (r.pick(['1', '1', '3', '12']) ?? '1')
    return { func: 'item.order', account: client, pricelist: String(tariff?.id ?? 1), period, name: `srv${r.int(1, 9999)}` }
  }
  if (roll < 0.63) return { func: 'service.prolong', elid: r.pick(itemIds) ?? '1' }
  if (roll < 0.67) return { func: r.pick(['item.suspend', 'item.resume', 'item.delete']) ?? 'item.resume', elid: someOf(itemIds) }
  if (roll < 0.75) {
    const refund = r.chance(0.3)
    return { func: 'expense.edit', sok: 'ok', account: client, amount: `${refund ? '-' : ''}${amount(r)}`, description: refund ? 'Goodwill refund' : 'Manual charge' }
  }
  if (roll < 0.79) return { func: 'expense.delete', elid: someOf(expenseIds) }
  if (roll < 0.83) return { func: 'invoice.generate', account: client, from: date(now - 400 * 86_400_000), to: date(now + 400 * 86_400_000) }
  if (roll < 0.85) {
    const invoice = r.pick(ids(await db.select({ id: invoices.id }).from(invoices).orderBy(invoices.id)))
    return { func: 'invoice.cancel', elid: invoice ?? '999999' }
  }
  if (roll < 0.855) return { func: 'account.delete', elid: client }
  if (roll < 0.9) return { func: 'item.renewal' }
  if (roll < 0.93) {
    const records = Array.from({ length: r.int(1, 5) }, () => ({
      item: Number(r.pick(itemIds) ?? 999999),
      start: new Date(now - r.int(0, 40 * 86_400) * 1000).toISOString(),
      quantity: r.int(0, 3600),
      unit_price: `0.${String(r.int(0, 99999)).padStart(5, '0')}`,
    }))
    return r.chance(0.7) ? { func: 'xdr.import', data: JSON.stringify(records) } : { func: 'xdr.rate', todate: date(now) }
  }
  return { func: 'payment.edit', sok: 'ok', account: client, paymethod: method, amount: '0.001' }
}

/** Refusals that a random sequence is bound to meet; anything else is a fault of the test. */
const expectedRefusals = new Set(['value', 'missed'])

async function checkBooks(db: Db, label: string) {
  expect(await balanceDrift(db), label).toEqual([])
  // An active service always has paid time; an ordered one has been charged nothing.
  const all = await db.select().from(items)
  const active = all.filter((i) => i.status === ItemStatus.active)
  expect(active.filter((i) => i.expiresAt === null), label).toEqual([])
  const ordered = new Set(all.filter((i) => i.status === ItemStatus.ordered).map((i) => i.id))
  expect((await db.select().from(expenses)).filter((e) => e.itemId !== null && ordered.has(e.itemId)), label).toEqual([])
}

describe('the balance invariant', () => {
  it('holds after thousands of random operations, including renewals over months', async () => {
    const t = await makeTestApp()
    // Every change also records its events: the outbox must never break or skew the books.
    await t.db.insert(provisioningHandlers).values({ name: 'all', events: '*', type: 'http', target: 'http://127.0.0.1:9/', createdAt: 0 })
    const r = random(20261124)
    const asAdmin = { authinfo: `admin:${adminPassword}` }
    const send = (p: Params) => t.data({ ...p, ...asAdmin }) as Promise<Reply>
    await prepareWorld(send, 12, r)
    const seen = new Map<string, number>()
    for (let i = 1; i <= 3000; i++) {
      if (r.chance(0.03)) t.clock.advance(r.int(1, 40) * 86_400_000)
      if (r.chance(0.006)) await createClient(send, r, 100 + i)
      const op = await nextOperation(t.db, r, t.clock())
      const reply = await send(op)
      const outcome = reply.error ? `${op.func} ${reply.error.type}` : `${op.func} ok`
      seen.set(outcome, (seen.get(outcome) ?? 0) + 1)
      if (reply.error && !expectedRefusals.has(reply.error.type)) throw new Error(`step ${i}: ${JSON.stringify(op)} → ${JSON.stringify(reply.error)}`)
      if (i % 250 === 0) await checkBooks(t.db, `after step ${i}`)
    }
    await checkBooks(t.db, 'at the end')
    expect(t.errors).toEqual([])
    // The sequence really exercised the money paths, not just refusals.
    for (const done of ['payment.setpaid ok', 'item.order ok', 'service.prolong ok', 'expense.edit ok', 'expense.delete ok', 'payment.returned ok', 'invoice.generate ok', 'xdr.import ok', 'xdr.rate ok']) {
      expect(seen.get(done) ?? 0, done).toBeGreaterThan(5)
    }
    expect(await t.db.select().from(items).where(eq(items.status, ItemStatus.active))).not.toEqual([])
    const recorded = new Set((await t.db.select({ event: provisioningDeliveries.event }).from(provisioningDeliveries)).map((d) => d.event))
    for (const event of ['payments.create', 'payments.update', 'clients.subscriptions.assign', 'clients.subscriptions.renew', 'clients.balance_zero', 'clients.balance_notzero', 'invoices.create']) {
      expect(recorded.has(event), event).toBe(true)
    }
  }, 180_000)
})

describe('the balance invariant under concurrent requests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billgate-invariant-'))
  const children: ChildProcess[] = []
  const cleanups: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
    for (const cleanup of cleanups) await cleanup()
  })

  /** The database both servers share: a file, or a database of its own on the PostgreSQL test server. */
  async function sharedTarget(): Promise<string> {
    if (testBackend === 'sqlite') return join(dir, 'shared.sqlite')
    const database = await createTestDatabase()
    cleanups.push(database.drop)
    return database.url
  }

  /** A server process on the shared database, as `npm start` runs it. */
  function startServer(dbPath: string): Promise<string> {
    const root = new URL('../..', import.meta.url).pathname
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', BILLGATE_DB: dbPath, BILLGATE_ADMIN_PASSWORD: adminPassword, BILLGATE_RENEWAL_INTERVAL: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.push(child)
    let output = ''
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000)
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        const m = /serving (http:\/\/\S+\/billmgr)/.exec(output)
        if (m) {
          clearTimeout(timer)
          resolve(m[1].replace('localhost', '127.0.0.1'))
        }
      }
      child.stdout!.on('data', onData)
      child.stderr!.on('data', onData)
      child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)))
    })
  }

  it('holds with two server processes on one database answering many clients at once', async () => {
    const dbPath = await sharedTarget()
    // The first server creates and migrates the database; the second opens it as it is.
    const first = await startServer(dbPath)
    const second = await startServer(dbPath)
    const store = await openStore(dbPath)
    cleanups.unshift(() => store.close())
    const db = store.db
    const login = async (url: string) => {
      const res = await fetch(`${url}?func=auth&username=admin&password=${encodeURIComponent(adminPassword)}&out=JSONdata`)
      return ((await res.json()) as { auth: string }).auth
    }
    const sender = (url: string, session: string) => async (p: Params): Promise<Reply> => {
      const res = await fetch(url, { method: 'POST', body: new URLSearchParams({ ...p, auth: session, out: 'JSONdata' }) })
      expect(res.status, `${p.func} HTTP status`).toBe(200)
      return (await res.json()) as Reply
    }
    const servers = [first, second]
    const sessions = await Promise.all(servers.map(login))
    await prepareWorld(sender(first, sessions[0]), 6, random(7))

    const workers = 8
    const steps = 150
    const faults: string[] = []
    let succeeded = 0
    await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        const r = random(1000 + w)
        const send = sender(servers[w % 2], sessions[w % 2])
        for (let i = 0; i < steps; i++) {
          const op = await nextOperation(db, r, Date.now())
          // Whole-client deletions would starve the others of clients to work on here.
          if (op.func === 'account.delete') continue
          const reply = await send(op)
          if (!reply.error) succeeded++
          else if (!expectedRefusals.has(reply.error.type)) faults.push(`${JSON.stringify(op)} → ${JSON.stringify(reply.error)}`)
        }
      }),
    )
    expect(faults).toEqual([])
    expect(succeeded).toBeGreaterThan(workers * steps * 0.4)
    await checkBooks(db, 'after the concurrent run')
  }, 120_000)
})
