import { XMLParser } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { balanceDrift, charge } from '../../src/billing/ledger'
import { accounts, expenses, invoices } from '../../src/db/schema/index'
import { adminPassword, makeTestApp } from '../helpers'
import { browser, csrfOf } from '../panel/client'

const asAdmin = { authinfo: `admin:${adminPassword}` }
const asNorth = { authinfo: 'nstaff:north-secret-1' }
const asBob = { authinfo: 'bob:user-secret-1' }
const asSue = { authinfo: 'sue:user-secret-1' }

const at = (iso: string) => Date.parse(`${iso}Z`)
const day = 86_400_000

/**
 * Two resellers with a client each (North's client named with markup in it), the operator's own
 * client, staff of North, and a client user for each reseller's client. Expenses around
 * November 2026 for North's client, one for the others.
 */
async function world(overrides: Parameters<typeof makeTestApp>[0] = {}) {
  const t = await makeTestApp(overrides)
  const north = await t.createReseller('North')
  const south = await t.createReseller('South')
  const add = async (name: string, resellerId: number | null, email = '') =>
    (await t.db.insert(accounts).values({ name, email, resellerId, currencyId: 1, createdAt: 0 }).returning({ id: accounts.id }))[0].id
  const northClient = await add('<script>alert(1)</script> & Co', north, 'billing@north.example')
  const southClient = await add('South client', south)
  const ownClient = await add('Own client', null)
  await t.createUser('nstaff', '24', 'north-secret-1', { reseller: String(north) })
  await t.createUser('bob', '16', 'user-secret-1', { account: String(northClient) })
  await t.createUser('sue', '16', 'user-secret-1', { account: String(southClient) })
  const spend = (accountId: number, when: string, amount: number, description: string) =>
    t.store.write((tx) => charge(tx, { accountId, currencyId: 1, amount, description, at: at(when) }))
  const lines = {
    before: await spend(northClient, '2026-10-31T23:59:59.999', 9, 'October, last moment'),
    first: await spend(northClient, '2026-11-01T00:00:00.000', 1000, 'Hosting <b>plan</b>'),
    middle: await spend(northClient, '2026-11-15T12:00:00.000', 250, 'Extra disk'),
    last: await spend(northClient, '2026-11-30T23:59:59.999', 5, 'Traffic'),
    after: await spend(northClient, '2026-12-01T00:00:00.000', 7000, 'December'),
    south: await spend(southClient, '2026-11-10T10:00:00.000', 300, 'South hosting'),
  }
  return { t, north, south, northClient, southClient, ownClient, lines, spend }
}

type World = Awaited<ReturnType<typeof world>>

function generate(w: World, account: number, from: string, to: string, who: Record<string, string> = asAdmin) {
  return w.t.data({ func: 'invoice.generate', account: String(account), from, to, ...who })
}

/** The invoices each of these expenses is on (null: none). */
async function invoicesOf(w: World, expenseIds: number[]): Promise<(number | null)[]> {
  const rows = await w.t.db.select().from(expenses)
  return expenseIds.map((id) => rows.find((e) => e.id === id)!.invoiceId)
}

const invoiceOf = async (w: World, expenseId: number) => (await invoicesOf(w, [expenseId]))[0]

/** The stored invoices, oldest first. */
const storedInvoices = (w: World) => w.t.db.select().from(invoices).orderBy(invoices.id)

describe('invoice.generate', () => {
  it('invoices the expenses of whole UTC days, from the first moment of from to the last of to', async () => {
    const w = await world()
    const reply = await generate(w, w.northClient, '2026-11-01', '2026-11-30')
    expect(reply).toMatchObject({ ok: true, number: 'INV-2026-000001' })
    const stored = await storedInvoices(w)
    expect(stored).toEqual([
      {
        id: reply.id,
        number: 'INV-2026-000001',
        accountId: w.northClient,
        currencyId: 1,
        periodFrom: at('2026-11-01T00:00:00'),
        periodTo: at('2026-12-01T00:00:00'),
        amount: 1255,
        status: 'new',
        createdAt: w.t.clock(),
        paidAt: null,
      },
    ])
    expect(await invoicesOf(w, [w.lines.first, w.lines.middle, w.lines.last])).toEqual([reply.id, reply.id, reply.id])
    expect(await invoicesOf(w, [w.lines.before, w.lines.after, w.lines.south])).toEqual([null, null, null])
    expect(await balanceDrift(w.t.db)).toEqual([])
  })

  it('takes only expenses no invoice covers yet, and refuses an invoice with nothing on it', async () => {
    const w = await world()
    await generate(w, w.northClient, '2026-11-01', '2026-11-30')
    const again = await generate(w, w.northClient, '2026-11-15', '2026-11-15')
    expect(again.error).toMatchObject({ type: 'value', object: 'from', value: '2026-11-15' })
    expect(again.error.msg).toBe('The client has no expenses from 2026-11-15 to 2026-11-15 that are not on an invoice yet')
    const wider = await generate(w, w.northClient, '2026-10-01', '2026-12-31')
    expect(wider).toMatchObject({ ok: true, number: 'INV-2026-000002' })
    expect((await storedInvoices(w)).map((i) => i.amount)).toEqual([1255, 7009])
    expect(await invoiceOf(w, w.lines.before)).toBe(wider.id)
    expect(await invoiceOf(w, w.lines.after)).toBe(wider.id)
    expect(await invoiceOf(w, w.lines.first)).not.toBe(wider.id)
  })

  it('nets refunds against charges, issues a zero total, and refuses a negative one', async () => {
    const w = await world()
    await w.spend(w.ownClient, '2026-09-01T10:00:00', 500, 'Hosting')
    await w.spend(w.ownClient, '2026-09-02T10:00:00', -500, 'Refund')
    await w.spend(w.ownClient, '2026-09-20T10:00:00', -200, 'Goodwill refund')
    const negative = await generate(w, w.ownClient, '2026-09-20', '2026-09-20')
    expect(negative.error).toMatchObject({ type: 'value', object: 'from' })
    expect(negative.error.msg).toContain('refunds outweigh the charges')
    const zero = await generate(w, w.ownClient, '2026-09-01', '2026-09-02')
    expect(zero.ok).toBe(true)
    expect((await storedInvoices(w)).map((i) => i.amount)).toEqual([0])
    await w.spend(w.ownClient, '2026-09-25T10:00:00', 800, 'Upgrade')
    expect((await generate(w, w.ownClient, '2026-09-01', '2026-09-30')).ok).toBe(true)
    expect((await storedInvoices(w)).map((i) => i.amount)).toEqual([0, 600])
    expect(await balanceDrift(w.t.db)).toEqual([])
  })

  it('refuses bad input with typed errors and stores nothing', async () => {
    const w = await world()
    const cases: [Record<string, string>, string, string][] = [
      [{ account: String(w.northClient), from: '2026-11-30', to: '2026-11-01' }, 'value', 'to'],
      [{ account: String(w.northClient), from: '2026-13-01', to: '2026-12-01' }, 'value', 'from'],
      [{ account: String(w.northClient), from: '2026-11-01', to: '2026-02-30' }, 'value', 'to'],
      [{ account: String(w.northClient), from: '01.11.2026', to: '2026-11-30' }, 'value', 'from'],
      [{ account: String(w.northClient), from: '2026-11-01' }, 'missed', 'to'],
      [{ account: '999', from: '2026-11-01', to: '2026-11-30' }, 'missed', 'account'],
      [{ account: 'abc', from: '2026-11-01', to: '2026-11-30' }, 'value', 'account'],
      [{ account: '-1', from: '2026-11-01', to: '2026-11-30' }, 'value', 'account'],
      [{ account: String(w.northClient), from: '2027-01-01', to: '2027-01-31' }, 'value', 'from'],
    ]
    for (const [params, type, object] of cases) {
      const reply = await w.t.data({ func: 'invoice.generate', ...params, ...asAdmin })
      expect(reply.error, JSON.stringify(params)).toMatchObject({ type, object })
    }
    const reversed = await w.t.data({ func: 'invoice.generate', account: String(w.northClient), from: '2026-11-30', to: '2026-11-01', lang: 'ru', ...asAdmin })
    expect(reversed.error.msg).toBe('Период не может заканчиваться (2026-11-01) раньше, чем начинается (2026-11-30)')
    expect(await storedInvoices(w)).toEqual([])
    expect((await w.t.db.select().from(expenses)).filter((e) => e.invoiceId !== null)).toEqual([])
  })
})

/** Three invoices: North's client for November (then December, a day later), South's for November. */
async function invoiced() {
  const w = await world()
  const november = (await generate(w, w.northClient, '2026-11-01', '2026-11-30')).id as number
  w.t.clock.advance(day)
  const december = (await generate(w, w.northClient, '2026-12-01', '2026-12-31')).id as number
  const south = (await generate(w, w.southClient, '2026-11-01', '2026-11-30')).id as number
  return { ...w, november, december, southInvoice: south }
}

describe('invoice list', () => {
  it('shows every invoice to an admin, with amounts in the currency and the period as days', async () => {
    const w = await invoiced()
    const reply = await w.t.data({ func: 'invoice', ...asAdmin })
    expect(reply.p_elems).toBe(3)
    expect(reply.elem[0]).toEqual({
      id: w.november,
      number: 'INV-2026-000001',
      account: w.northClient,
      account_name: '<script>alert(1)</script> & Co',
      period_from: '2026-11-01',
      period_to: '2026-11-30',
      amount: '12.55',
      currency: 'USD',
      status: 'new',
      created: '2026-11-24 12:00:00',
      paid: '',
    })
  })

  it('filters by client, status and creation days, sorts and pages in SQL with an exact total', async () => {
    const w = await invoiced()
    await w.t.data({ func: 'invoice.setpaid', elid: String(w.december), ...asAdmin })
    const numbers = (reply: { elem?: { number: string }[] }) => (reply.elem ?? []).map((e) => e.number)
    const list = (params: Record<string, string>) => w.t.data({ func: 'invoice', ...asAdmin, ...params })
    expect(numbers(await list({ filter: 'on', account: String(w.northClient) }))).toEqual(['INV-2026-000001', 'INV-2026-000002'])
    expect(numbers(await list({ filter: 'on', status: 'paid' }))).toEqual(['INV-2026-000002'])
    const onDay = await list({ filter: 'on', created_from: '2026-11-25', created_to: '2026-11-25' })
    expect(numbers(onDay)).toEqual(['INV-2026-000002', 'INV-2026-000003'])
    expect(numbers(await list({ filter: 'on', created_to: '2026-11-24' }))).toEqual(['INV-2026-000001'])
    expect(numbers(await list({ filter: 'on', created_from: '2026-11-26' }))).toEqual([])
    const byAmount = await list({ p_sort: 'amount', p_order: 'desc' })
    expect(numbers(byAmount)).toEqual(['INV-2026-000002', 'INV-2026-000001', 'INV-2026-000003'])
    const page = await list({ p_sort: 'amount', p_order: 'desc', p_cnt: '1', p_num: '2' })
    expect(page).toMatchObject({ p_num: 2, p_cnt: 1, p_elems: 3, p_sort: 'amount', p_order: 'desc' })
    expect(numbers(page)).toEqual(['INV-2026-000001'])
    const byName = await list({ p_sort: 'account_name' })
    expect(byName.elem.map((e: { account_name: string }) => e.account_name)[2]).toBe('South client')
    const filteredPage = await list({ filter: 'on', account: String(w.northClient), status: 'new', p_cnt: '1' })
    expect(filteredPage.p_elems).toBe(1)
    expect((await list({ filter: 'on', status: 'unpaid' })).error).toMatchObject({ type: 'value', object: 'status' })
    expect((await list({ filter: 'on', created_from: '2026-11-31' })).error).toMatchObject({ type: 'value', object: 'created_from' })
  })

  it("keeps each caller to its own clients' invoices", async () => {
    const w = await invoiced()
    const numbers = async (who: Record<string, string>) => {
      const reply = await w.t.data({ func: 'invoice', ...who })
      return { numbers: reply.elem.map((e: { number: string }) => e.number), total: reply.p_elems }
    }
    expect(await numbers(asNorth)).toEqual({ numbers: ['INV-2026-000001', 'INV-2026-000002'], total: 2 })
    expect(await numbers(asBob)).toEqual({ numbers: ['INV-2026-000001', 'INV-2026-000002'], total: 2 })
    expect(await numbers(asSue)).toEqual({ numbers: ['INV-2026-000003'], total: 1 })
    const foreign = await w.t.data({ func: 'invoice', filter: 'on', account: String(w.southClient), ...asNorth })
    expect(foreign).toMatchObject({ p_elems: 0, elem: [] })
  })
})

describe('invoice.edit and invoice.lines', () => {
  it('shows an invoice and its lines, read-only', async () => {
    const w = await invoiced()
    const form = await w.t.data({ func: 'invoice.edit', elid: String(w.november), ...asBob })
    expect(form).toMatchObject({
      elid: w.november,
      number: 'INV-2026-000001',
      account: w.northClient,
      account_name: '<script>alert(1)</script> & Co',
      period_from: '2026-11-01',
      period_to: '2026-11-30',
      amount: '12.55',
      currency: 'USD',
      status: 'new',
      created: '2026-11-24 12:00:00',
      paid: '',
    })
    const lines = await w.t.data({ func: 'invoice.lines', elid: String(w.november), ...asBob })
    expect(lines.p_elems).toBe(3)
    expect(lines.elem).toEqual([
      { id: w.lines.first, date: '2026-11-01 00:00:00', description: 'Hosting <b>plan</b>', amount: '10.00' },
      { id: w.lines.middle, date: '2026-11-15 12:00:00', description: 'Extra disk', amount: '2.50' },
      { id: w.lines.last, date: '2026-11-30 23:59:59', description: 'Traffic', amount: '0.05' },
    ])
    const paged = await w.t.data({ func: 'invoice.lines', elid: String(w.november), p_sort: 'amount', p_order: 'desc', p_cnt: '2', p_num: '2', ...asBob })
    expect(paged).toMatchObject({ p_elems: 3, p_num: 2 })
    expect(paged.elem.map((e: { id: number }) => e.id)).toEqual([w.lines.last])
    const saved = await w.t.data({ func: 'invoice.edit', elid: String(w.november), sok: 'ok', amount: '0.01', ...asAdmin })
    expect(saved.error).toMatchObject({ type: 'access', object: 'func' })
    expect((await w.t.data({ func: 'invoice.edit', sok: 'ok', ...asAdmin })).error).toMatchObject({ type: 'access' })
    expect((await storedInvoices(w)).map((i) => i.amount)).toEqual([1255, 7000, 300])
  })

  it('answers access for another owner and missed for no invoice', async () => {
    const w = await invoiced()
    const south = String(w.southInvoice)
    for (const who of [asNorth, asBob]) {
      expect((await w.t.data({ func: 'invoice.edit', elid: south, ...who })).error).toMatchObject({ type: 'access', object: 'elid' })
      expect((await w.t.data({ func: 'invoice.lines', elid: south, ...who })).error).toMatchObject({ type: 'access', object: 'elid' })
      expect((await w.t.data({ func: 'invoice.download', elid: south, ...who })).error).toMatchObject({ type: 'access', object: 'elid' })
    }
    expect((await w.t.data({ func: 'invoice.edit', elid: String(w.november), ...asSue })).error).toMatchObject({ type: 'access', object: 'elid' })
    expect((await w.t.data({ func: 'invoice.edit', elid: '999', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'elid' })
    expect((await w.t.data({ func: 'invoice.lines', elid: '999', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'elid' })
    expect((await w.t.data({ func: 'invoice.lines', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'elid' })
    expect((await w.t.data({ func: 'invoice.download', elid: 'x1', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'elid' })
  })
})

describe('invoice group operations', () => {
  it('marks a new invoice paid without moving money, and only a new one', async () => {
    const w = await invoiced()
    const balances = () => w.t.db.select({ id: accounts.id, balance: accounts.balance }).from(accounts).orderBy(accounts.id)
    const before = await balances()
    w.t.clock.advance(3600_000)
    expect(await w.t.data({ func: 'invoice.setpaid', elid: String(w.november), ...asNorth })).toMatchObject({ ok: true })
    const row = (await storedInvoices(w)).find((i) => i.id === w.november)!
    expect(row).toMatchObject({ status: 'paid', paidAt: w.t.clock() })
    expect(await balances()).toEqual(before)
    const form = await w.t.data({ func: 'invoice.edit', elid: String(w.november), ...asAdmin })
    expect(form).toMatchObject({ status: 'paid', paid: '2026-11-25 13:00:00' })
    const twice = await w.t.data({ func: 'invoice.setpaid', elid: String(w.november), ...asAdmin })
    expect(twice.error).toMatchObject({ type: 'value', object: 'elid' })
    expect(twice.error.msg).toBe('Invoice INV-2026-000001 is not new: only a new invoice can be marked paid or cancelled')
    expect((await w.t.data({ func: 'invoice.cancel', elid: String(w.november), ...asAdmin })).error).toMatchObject({ type: 'value', object: 'elid' })
    expect((await storedInvoices(w)).find((i) => i.id === w.november)!.status).toBe('paid')
    expect(await balanceDrift(w.t.db)).toEqual([])
  })

  it('cancels a new invoice and frees its expenses for another one; deletes only cancelled ones', async () => {
    const w = await invoiced()
    const paidFirst = await w.t.data({ func: 'invoice.delete', elid: String(w.november), ...asAdmin })
    expect(paidFirst.error).toMatchObject({ type: 'value', object: 'elid' })
    expect(paidFirst.error.msg).toContain('only a cancelled invoice can be deleted')
    expect(await w.t.data({ func: 'invoice.cancel', elid: String(w.november), ...asAdmin })).toMatchObject({ ok: true })
    expect((await storedInvoices(w)).find((i) => i.id === w.november)!.status).toBe('cancelled')
    expect(await invoicesOf(w, [w.lines.first, w.lines.middle, w.lines.last])).toEqual([null, null, null])
    expect((await w.t.data({ func: 'invoice.lines', elid: String(w.november), ...asAdmin })).p_elems).toBe(0)
    const reissued = await generate(w, w.northClient, '2026-11-01', '2026-11-30')
    expect(reissued).toMatchObject({ ok: true, number: 'INV-2026-000004' })
    expect(await invoiceOf(w, w.lines.middle)).toBe(reissued.id)
    // One group call over several invoices is all or nothing: the new one refuses, so neither goes.
    const mixed = await w.t.data({ func: 'invoice.delete', elid: `${w.november}, ${reissued.id}`, ...asAdmin })
    expect(mixed.error).toMatchObject({ type: 'value', object: 'elid', value: String(reissued.id) })
    expect(await storedInvoices(w)).toHaveLength(4)
    expect(await w.t.data({ func: 'invoice.delete', elid: `${w.november}, 999`, ...asAdmin })).toMatchObject({ ok: true })
    expect((await storedInvoices(w)).map((i) => i.id)).not.toContain(w.november)
    expect(await invoiceOf(w, w.lines.middle)).toBe(reissued.id)
    // A number is never issued twice, even after the newest invoice is deleted.
    await w.t.data({ func: 'invoice.cancel', elid: String(reissued.id), ...asAdmin })
    expect(await w.t.data({ func: 'invoice.delete', elid: String(reissued.id), ...asAdmin })).toMatchObject({ ok: true })
    expect(await generate(w, w.northClient, '2026-11-01', '2026-11-30')).toMatchObject({ number: 'INV-2026-000005' })
    expect(await balanceDrift(w.t.db)).toEqual([])
  })

  it("refuses another owner's invoices and callers below reseller staff", async () => {
    const w = await invoiced()
    for (const func of ['invoice.setpaid', 'invoice.cancel', 'invoice.delete']) {
      expect((await w.t.data({ func, elid: String(w.southInvoice), ...asNorth })).error).toMatchObject({ type: 'access', object: 'elid' })
      expect((await w.t.data({ func, elid: String(w.november), ...asBob })).error).toMatchObject({ type: 'access', object: 'func' })
    }
    expect((await generate(w, w.southClient, '2026-12-01', '2026-12-31', asNorth)).error).toMatchObject({ type: 'access', object: 'account' })
    expect((await generate(w, w.northClient, '2026-10-01', '2026-10-31', asBob)).error).toMatchObject({ type: 'access', object: 'func' })
    expect((await storedInvoices(w)).map((i) => i.status)).toEqual(['new', 'new', 'new'])
    expect(await invoiceOf(w, w.lines.before)).toBeNull()
    expect((await generate(w, w.northClient, '2026-10-01', '2026-10-31', asNorth)).ok).toBe(true)
  })
})

describe('invoice.download', () => {
  it('is the whole invoice as a document', async () => {
    const w = await invoiced()
    const doc = await w.t.data({ func: 'invoice.download', elid: String(w.november), ...asBob })
    expect(doc).toMatchObject({
      operator: 'billgate',
      number: 'INV-2026-000001',
      status: 'New',
      created: '2026-11-24',
      period_from: '2026-11-01',
      period_to: '2026-11-30',
      account_name: '<script>alert(1)</script> & Co',
      account_email: 'billing@north.example',
      total: '12.55',
      currency: 'USD',
    })
    expect(doc.paid).toBeUndefined()
    expect(doc.lines.line).toEqual([
      { date: '2026-11-01', description: 'Hosting <b>plan</b>', amount: '10.00' },
      { date: '2026-11-15', description: 'Extra disk', amount: '2.50' },
      { date: '2026-11-30', description: 'Traffic', amount: '0.05' },
    ])
    const south = await w.t.data({ func: 'invoice.download', elid: String(w.southInvoice), ...asAdmin })
    expect(south.lines.line).toHaveLength(1)
    const { text } = await w.t.call({ func: 'invoice.download', elid: String(w.november), out: 'xml', ...asAdmin })
    const parsed = new XMLParser().parse(text)
    expect(parsed.doc.number).toBe('INV-2026-000001')
    expect(parsed.doc.lines.line).toHaveLength(3)
  })

  it('prints as a clean page, everything escaped, in the caller\'s language', async () => {
    const w = await invoiced()
    const { res, text } = await w.t.call({ func: 'invoice.download', elid: String(w.november), out: 'print', ...asAdmin })
    expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8')
    expect(text).toMatch(/^<!DOCTYPE html><html lang="en">/)
    expect(text).not.toMatch(/<script|<b>|<link/i)
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co')
    expect(text).toContain('Hosting &lt;b&gt;plan&lt;/b&gt;')
    expect(text).toContain('<h1>Invoice</h1>')
    expect(text).toContain('<th>Issued by</th><td>billgate</td>')
    expect(text).toContain('<h2>Lines</h2>')
    expect(text).toContain('<tr><th>Date</th><th>Description</th><th>Amount</th></tr>')
    expect(text).toContain('<tr><td>2026-11-15</td><td>Extra disk</td><td>2.50</td></tr>')
    // The total follows the lines.
    expect(text.indexOf('<th>Total</th><td>12.55</td>')).toBeGreaterThan(text.indexOf('Traffic'))
    const ru = await w.t.call({ func: 'invoice.download', elid: String(w.november), out: 'print', lang: 'ru', ...asAdmin })
    expect(ru.text).toContain('<th>Итого</th>')
    expect(ru.text).toContain('<th>Описание</th>')
    expect(ru.text).toContain('<td>Новый</td>')
  })

  it("names the operator from the configuration, escaped like everything else", async () => {
    const w = await world({ operatorName: 'Acme <Hosting>' })
    const made = await generate(w, w.northClient, '2026-11-01', '2026-11-30')
    const { text } = await w.t.call({ func: 'invoice.download', elid: String(made.id), out: 'print', ...asAdmin })
    expect(text).toContain('<td>Acme &lt;Hosting&gt;</td>')
  })
})

describe('invoices in the HTML panel', () => {
  it('lists, shows and marks invoices paid, issues them through the action form', async () => {
    const w = await invoiced()
    const b = browser(w.t)
    expect((await b.post({ func: 'auth', username: 'admin', password: adminPassword })).res.status).toBe(303)
    const list = await b.get('/billmgr?func=invoice')
    expect(list.res.status).toBe(200)
    expect(list.html).toContain('INV-2026-000001')
    expect(list.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co')
    expect(list.html).not.toContain('<script>')
    expect(list.html).toContain('<td>New</td>')
    const form = await b.get(`/billmgr?func=invoice.edit&elid=${w.november}`)
    expect(form.html).toContain('value="INV-2026-000001"')
    const lines = await b.get(`/billmgr?func=invoice.lines&elid=${w.november}`)
    expect(lines.html).toContain('Extra disk')
    const paid = await b.post({ func: 'invoice.setpaid', elid: String(w.november), csrf: csrfOf(list.html) })
    expect(paid.res.status).toBe(303)
    expect((await b.get('/billmgr?func=invoice')).html).toContain('<td>Paid</td>')
    const issue = await b.get('/billmgr?func=invoice.generate')
    const issued = await b.post({ func: 'invoice.generate', account: String(w.northClient), from: '2026-10-01', to: '2026-10-31', csrf: csrfOf(issue.html) })
    expect(issued.res.status).toBe(200)
    expect(issued.html).toContain('INV-2026-000004')
  })
})
