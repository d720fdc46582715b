import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { balanceDrift } from '../../src/billing/ledger'
import { firstRow } from '../../src/db/query'
import { items } from '../../src/db/schema/index'
import { openStore } from '../../src/db/store'
import { createTestDatabase } from '../db/pg-database'
import { makeTestApp, testBackend } from '../helpers'
import { rpcClient } from '../jsonrpc/rpc'
import { addHandler, catalogue, chargeClient, day, eventsSince, must, pay, told } from './emission-world'

describe('events whatever door the change came through', () => {
  it('JSON-RPC: JeraSoft methods and billgate\'s own tell the same events', async () => {
    const t = await makeTestApp()
    const { tariff } = await catalogue(t)
    await addHandler(t.db, '*')
    const rpc = rpcClient(t)
    const sid = await rpc.login()
    const js = (method: string, params: Record<string, unknown>) => rpc.ok(method, { SID: sid, ...params })

    const client = (await js('clients.add', { name: 'Customer A', currency: 'USD', credit: '50', apply: 1 })).id as number
    await js('clients.edit', { id_clients: client, notes: 'via rpc', apply: 1 })
    await js('clients.fieldsUpdate', { id_clients: client, fields: [{ id: 'trunk', value: 'T1' }, { id: 'region', value: 'EU' }] })
    // The same values again change nothing, and tell nothing.
    await js('clients.fieldsUpdate', { id_clients: client, fields: [{ id: 'trunk', value: 'T1' }] })
    const payment = (await js('payments.add', { id_clients: client, amount: '10', apply: 1 })).id as number
    await js('payments.edit', { id_payments: payment, notes: 'checked', apply: 1 })
    await js('payment.setpaid', { elid: payment })
    await js('clients.packagesAdd', { id_clients: client, id_packages: tariff })
    const item = (await firstRow(t.db.select().from(items).where(eq(items.accountId, client))))!.id
    const dropped = (await js('payments.add', { id_clients: client, amount: '1', apply: 1 })).id as number
    await js('payments.delete', { id_payments: dropped })
    await js('clients.archive', { id_clients: client }).catch(() => undefined) // refused: a live service
    expect(await eventsSince(t.db, 0)).toEqual([
      `clients.create ${client}`,
      `clients.update ${client}`,
      `clients.custom_fields.update ${client}`,
      `payments.create ${payment}`,
      `payments.update ${payment}`,
      `payments.update ${payment}`,
      `clients.subscriptions.assign ${item}`,
      `clients.balance_zero ${client}`,
      `clients.subscriptions.activate ${item}`,
      `payments.create ${dropped}`,
      `payments.delete ${dropped}`,
    ])
    const data = (await told(t.db)).map((d) => d.data)
    expect(data[1]).toEqual({ id: client, note: 'via rpc' })
    expect(data[2]).toEqual({ id: client, fields: [{ id: 'trunk', value: 'T1' }, { id: 'region', value: 'EU' }] })
    expect(data[4]).toMatchObject({ id: payment, note: 'checked', status: 1 })
    expect(data[5]).toMatchObject({ id: payment, status: 4 })
  })

  it('the command line tells handlers through the outbox of the database it works on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billgate-emit-'))
    const database = testBackend === 'pg' ? await createTestDatabase({ migrated: true }) : undefined
    try {
      const target = database?.url ?? join(dir, 'cli.sqlite')
      const prepare = await openStore(target)
      await addHandler(prepare.db, '*')
      await prepare.close()
      const ctl = (...args: string[]) => run(target, args)
      expect((await ctl('paymethod.edit', 'sok=ok', 'name=Card', 'currency=USD')).code).toBe(0)
      expect((await ctl('pricelist.edit', 'sok=ok', 'name=VDS', 'product_type=vds', 'currency=USD', 'setup_fee=0', 'price_1=10')).code).toBe(0)
      expect(await ctl('account.edit', 'sok=ok', 'name=Acme', 'currency=USD', 'credit_limit=100')).toMatchObject({ code: 0 })
      expect((await ctl('payment.edit', 'sok=ok', 'account=1', 'amount=15')).code).toBe(0)
      expect((await ctl('payment.setpaid', 'elid=1')).code).toBe(0)
      expect((await ctl('item.order', 'account=1', 'pricelist=1', 'period=1')).code).toBe(0)
      // The service's time ends: the renewal pass run from the command line renews it.
      const expire = await openStore(target)
      await expire.db.update(items).set({ expiresAt: Date.now() - day }).where(eq(items.id, 1))
      await expire.close()
      const renewal = await ctl('item.renewal')
      expect(renewal.code, renewal.stderr).toBe(0)
      expect(renewal.stdout).toContain('renewed=1')
      const check = await openStore(target)
      expect(await eventsSince(check.db, 0)).toEqual([
        'clients.create 1',
        'payments.create 1',
        'payments.update 1',
        'clients.subscriptions.assign 1',
        'clients.subscriptions.activate 1',
        'clients.balance_zero 1',
        'clients.subscriptions.renew 1',
      ])
      expect(await balanceDrift(check.db)).toEqual([])
      await check.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
      await database?.drop()
    }
  }, 60_000)

  it('the renewal pass tells of renewals, suspensions and the balances they take below zero', async () => {
    const t = await makeTestApp()
    const { tariff } = await catalogue(t)
    const order = async (client: number, extra: Record<string, string> = {}) =>
      Number((await must(t, { func: 'item.order', account: String(client), pricelist: String(tariff), period: '1', ...extra })).id)
    // A renews on credit, B cannot pay, C does not renew itself.
    const a = await t.createAccount('A', { credit_limit: '20' })
    await pay(t, a, '15')
    const renewing = await order(a)
    const b = await t.createAccount('B')
    await pay(t, b, '14.99')
    const unpaid = await order(b)
    const c = await t.createAccount('C')
    await pay(t, c, '20')
    const expiring = await order(c, { auto_renew: 'off' })
    const all = await addHandler(t.db, '*')

    t.clock.advance(31 * day)
    const counts = await must(t, { func: 'item.renewal' })
    expect(counts).toMatchObject({ renewed: 1, suspended: 1, expired: 1 })
    expect(await eventsSince(t.db, 0)).toEqual([
      `clients.balance_zero ${a}`,
      `clients.subscriptions.renew ${renewing}`,
      `clients.subscriptions.deactivate ${unpaid}`,
      `clients.subscriptions.deactivate ${expiring}`,
    ])
    const shown = await told(t.db)
    expect(shown[1]!.data).toMatchObject({ id: renewing, status: '2', expires: '2027-01-24' })
    expect(shown[2]!.data).toMatchObject({ id: unpaid, status: '3' })
    expect(shown.every((d) => d.dt === '2026-12-25T12:00:00+00:00')).toBe(true)
    // Nothing more is due: a second pass tells nothing.
    await must(t, { func: 'item.renewal' })
    expect(await told(t.db)).toHaveLength(4)

    // B pays: the payment renews and resumes its service at once.
    let mark = (await told(t.db)).length
    const payment = await pay(t, b, '10')
    expect(await eventsSince(t.db, mark)).toEqual([
      `payments.create ${payment}`,
      `payments.update ${payment}`,
      `clients.subscriptions.renew ${unpaid}`,
      `clients.subscriptions.activate ${unpaid}`,
    ])
    // A pays its debt back.
    mark = (await told(t.db)).length
    const repaid = await pay(t, a, '20')
    expect(await eventsSince(t.db, mark)).toEqual([`payments.create ${repaid}`, `clients.balance_notzero ${a}`, `payments.update ${repaid}`])
    expect((await told(t.db)).every((d) => d.handlerId === all)).toBe(true)
    expect(await balanceDrift(t.db)).toEqual([])
  })
})

describe('balance events', () => {
  it('fire once per crossing, through payments, charges, refunds and deletions', async () => {
    const t = await makeTestApp()
    const client = await t.createAccount('A', { credit_limit: '100' })
    await addHandler(t.db, 'clients.balance_zero,clients.balance_notzero')
    const balanceEvents = async () => (await told(t.db)).map((d) => d.event.replace('clients.balance_', ''))

    await pay(t, client, '1') // 0 → 1: from zero, not a crossing
    expect(await balanceEvents()).toEqual([])
    await chargeClient(t, client, '2') // 1 → -1
    await chargeClient(t, client, '3') // -1 → -4
    const small = await chargeClient(t, client, '1') // -4 → -5
    expect(await balanceEvents()).toEqual(['zero'])
    await chargeClient(t, client, '-2') // money given back: -5 → -3
    expect(await balanceEvents()).toEqual(['zero'])
    await must(t, { func: 'expense.delete', elid: String(small) }) // -3 → -2
    await chargeClient(t, client, '-2') // -2 → 0: back to zero
    expect(await balanceEvents()).toEqual(['zero', 'notzero'])
    await chargeClient(t, client, '1') // 0 → -1: from zero, not a crossing
    const paid = await pay(t, client, '6') // -1 → 5
    expect(await balanceEvents()).toEqual(['zero', 'notzero', 'notzero'])
    await chargeClient(t, client, '5') // 5 → 0
    await pay(t, client, '5') // 0 → 5
    await must(t, { func: 'payment.returned', elid: String(paid) }) // 5 → -1
    expect(await balanceEvents()).toEqual(['zero', 'notzero', 'notzero', 'zero', 'zero'])
    expect((await told(t.db)).every((d) => d.objectId === client && JSON.stringify(d.data) === '{}' && d.objectKey === `clients:${client}`)).toBe(true)
    expect(await balanceDrift(t.db)).toEqual([])
  })

  it('a payment that pays for waiting services tells each crossing it makes', async () => {
    const t = await makeTestApp()
    const { tariff } = await catalogue(t)
    const client = await t.createAccount('A', { credit_limit: '10' })
    await pay(t, client, '1')
    await chargeClient(t, client, '3') // 1 → -2
    const item = Number((await must(t, { func: 'item.order', account: String(client), pricelist: String(tariff), period: '1' })).id) // waits: 14.99
    await addHandler(t.db, '*')
    // -2 + 20 = 18 (back above zero), then the order's 14.99 is charged: 3.01.
    const payment = await pay(t, client, '20')
    expect(await eventsSince(t.db, 0)).toEqual([
      `payments.create ${payment}`,
      `clients.balance_notzero ${client}`,
      `payments.update ${payment}`,
      `clients.subscriptions.activate ${item}`,
    ])
    expect(await balanceDrift(t.db)).toEqual([])
  })
})

/** Runs billgate-ctl on a database (a file or a URL); resolves with its exit code and output. */
function run(db: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const root = new URL('../..', import.meta.url).pathname
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('BILLGATE_')) env[name] = value
  const child = spawn(process.execPath, [join(root, 'bin/billgate-ctl.js'), ...args], { cwd: root, env: { ...env, BILLGATE_DB: db }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}
