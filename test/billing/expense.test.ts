import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { firstRow } from '../../src/db/query'
import { expenses, invoices } from '../../src/db/schema/index'
import { asAdmin, day, servicesWorld } from './services-fixture'

const charge = (fields: Record<string, string>) => ({ func: 'expense.edit', sok: 'ok', ...asAdmin, ...fields })

describe('the expense list', () => {
  it('shows every charge with its client, service, amount and date, filtered in SQL', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    const zeta = await w.client('Zeta')
    await w.pay(acme, 100_00)
    await w.pay(zeta, 100_00)
    const vds = await w.tariff()
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    w.t.clock.advance(2 * day)
    await w.order({ account: String(zeta), pricelist: String(vds), period: '1' })
    const list = (params: Record<string, string> = {}) => w.t.data({ func: 'expense', ...asAdmin, ...params })
    const ids = async (params: Record<string, string>) => (await list(params)).elem.map((e: { id: number }) => e.id)
    expect((await list()).elem[0]).toEqual({
      id: 1,
      account: acme,
      account_name: 'Acme',
      item: 1,
      amount: '5.00',
      currency: 'USD',
      created: expect.stringMatching(/^2026-11-24 /),
      description: 'Setup: VDS-1',
      invoice: '',
    })
    expect(await ids({ filter: 'on', account: String(zeta) })).toEqual([3, 4])
    expect(await ids({ filter: 'on', item: '1' })).toEqual([1, 2])
    expect(await ids({ filter: 'on', created_from: '2026-11-25' })).toEqual([3, 4])
    expect(await ids({ filter: 'on', created_to: '2026-11-24' })).toEqual([1, 2])
    expect(await ids({ filter: 'on', created_from: '2026-11-24', created_to: '2026-11-26', account: String(zeta) })).toEqual([3, 4])
    expect(await ids({ p_sort: 'amount', p_order: 'desc' })).toEqual([4, 2, 3, 1])
    expect((await list({ filter: 'on', created_from: '24.11.2026' })).error).toMatchObject({ type: 'value', object: 'created_from' })
    expect((await list({ filter: 'on', item: '-1' })).error).toMatchObject({ type: 'value', object: 'item' })
    const { text } = await w.t.call({ func: 'expense', out: 'xml', ...asAdmin })
    expect(text).toContain('<amount>10.50</amount>')
    expect(text).toContain('<description>VDS-1, 1 month, until 2026-12-24</description>')
  })

  it('shows a reseller or client only their own clients\' expenses', async () => {
    const w = await servicesWorld()
    const north = await w.t.createReseller('North')
    const northClient = await w.client('North client', { resellerId: north })
    const southClient = await w.client('South client', { resellerId: await w.t.createReseller('South') })
    for (const c of [northClient, southClient]) {
      await w.pay(c, 100_00)
      await w.t.data(charge({ account: String(c), amount: '1', description: `fee ${c}` }))
    }
    await w.t.createUser('nstaff', '24', 'north-secret-1', { reseller: String(north) })
    await w.t.createUser('sue', '16', 'user-secret-1', { account: String(southClient) })
    const descriptions = async (auth: string) => (await w.t.data({ func: 'expense', authinfo: auth })).elem.map((e: { description: string }) => e.description)
    expect(await descriptions('nstaff:north-secret-1')).toEqual([`fee ${northClient}`])
    expect(await descriptions('sue:user-secret-1')).toEqual([`fee ${southClient}`])
    expect((await w.t.data({ func: 'expense', filter: 'on', account: String(southClient), authinfo: 'nstaff:north-secret-1' })).elem).toEqual([])
    expect((await w.t.data({ func: 'expense.edit', elid: '1', authinfo: 'sue:user-secret-1' })).error).toMatchObject({ type: 'access', object: 'func' })
    expect((await w.t.data({ func: 'expense.delete', elid: '1', authinfo: 'nstaff:north-secret-1' })).error).toMatchObject({ type: 'access', object: 'func' })
    expect(await w.t.db.select().from(expenses)).toHaveLength(2)
  })
})

describe('manual charges and refunds', () => {
  it('an admin charges a client or gives money back; a refund lets a waiting service start', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    await w.pay(acme, 20_00)
    const vds = await w.tariff()
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    expect(await w.t.data(charge({ account: String(acme), amount: '9.99', description: 'Extra IP', item: '1' }))).toEqual({ ok: true, id: 3 })
    expect(await w.balance(acme)).toBe(20_00 - 15_50 - 9_99)
    expect(await w.order({ account: String(acme), pricelist: String(vds), period: '1' })).toMatchObject({ id: 2, status: 1 })
    expect(await w.t.data(charge({ account: String(acme), amount: '-30', description: 'Goodwill' }))).toEqual({ ok: true, id: 4 })
    expect((await w.item(2)).status).toBe(2)
    expect(await w.balance(acme)).toBe(20_00 - 15_50 - 9_99 + 30_00 - 15_50)
    expect(await w.t.data({ func: 'expense.edit', elid: '4', ...asAdmin })).toMatchObject({
      elid: 4,
      account: acme,
      amount: '-30.00',
      description: 'Goodwill',
      item: '',
      currency: 'USD',
      invoice: '',
    })
    const changed = await w.t.data({ func: 'expense.edit', elid: '4', sok: 'ok', amount: '-40', ...asAdmin })
    expect(changed.error).toMatchObject({ type: 'value', object: 'elid' })
    expect((await firstRow(w.t.db.select().from(expenses).where(eq(expenses.id, 4))))!.amount).toBe(-30_00)
    await w.books()
  })

  it('refuses bad charges with typed errors, storing nothing', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    const zeta = await w.client('Zeta')
    await w.pay(acme, 100_00)
    await w.pay(zeta, 100_00)
    const vds = await w.tariff()
    await w.order({ account: String(zeta), pricelist: String(vds), period: '1' })
    const before = await w.t.db.select().from(expenses).orderBy(expenses.id)
    const cases: [Record<string, string>, string, string][] = [
      [{ account: String(acme), amount: 'abc', description: 'x' }, 'value', 'amount'],
      [{ account: String(acme), amount: '1e3', description: 'x' }, 'value', 'amount'],
      [{ account: String(acme), amount: '1.234', description: 'x' }, 'value', 'amount'],
      [{ account: String(acme), amount: '0', description: 'x' }, 'value', 'amount'],
      [{ account: String(acme), amount: '-0.00', description: 'x' }, 'value', 'amount'],
      [{ account: String(acme), amount: '1' }, 'missed', 'description'],
      [{ account: String(acme), amount: '1', description: 'd'.repeat(256) }, 'value', 'description'],
      [{ account: '999', amount: '1', description: 'x' }, 'missed', 'account'],
      [{ account: String(acme), amount: '1', description: 'x', item: '1' }, 'value', 'item'],
      [{ account: String(acme), amount: '1', description: 'x', item: '99' }, 'missed', 'item'],
      [{ amount: '1', description: 'x' }, 'missed', 'account'],
    ]
    for (const [params, type, object] of cases) {
      const reply = await w.t.data(charge(params))
      expect(reply.error, JSON.stringify(params)).toMatchObject({ type, object })
      expect(reply.error.msg).not.toMatch(/errors:|\[object/)
    }
    expect(await w.t.db.select().from(expenses).orderBy(expenses.id)).toEqual(before)
    expect(await w.balance(acme)).toBe(100_00)
    await w.books()
  })
})

describe('deleting expenses', () => {
  it('gives the amount back, and refuses an expense already on an invoice', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    await w.pay(acme, 100_00)
    await w.t.data(charge({ account: String(acme), amount: '12.50', description: 'Support hour' }))
    await w.t.data(charge({ account: String(acme), amount: '7', description: 'Backup' }))
    const [{ id: invoice }] = await w.t.db
      .insert(invoices)
      .values({ number: 'INV-1', accountId: acme, currencyId: 1, periodFrom: 0, periodTo: w.t.clock(), amount: 7_00, createdAt: w.t.clock() })
      .returning({ id: invoices.id })
    await w.t.db.update(expenses).set({ invoiceId: invoice }).where(eq(expenses.id, 2))
    expect(await w.balance(acme)).toBe(100_00 - 19_50)
    expect(await w.t.data({ func: 'expense.delete', elid: '1', ...asAdmin })).toEqual({ ok: true })
    expect(await w.balance(acme)).toBe(100_00 - 7_00)
    const refused = await w.t.data({ func: 'expense.delete', elid: '2', ...asAdmin })
    expect(refused.error).toMatchObject({ type: 'value', object: 'elid', value: '2' })
    expect(refused.error.msg).toBe('The expense 2 is on an invoice: it cannot be deleted')
    expect((await w.t.data({ func: 'expense', ...asAdmin })).elem).toMatchObject([{ id: 2, invoice: invoice }])
    expect(await w.t.data({ func: 'expense.delete', elid: '1', ...asAdmin })).toEqual({ ok: true })
    expect(await w.balance(acme)).toBe(100_00 - 7_00)
    await w.books()
  })

  it('deleting a refund takes the money back again', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    await w.t.data(charge({ account: String(acme), amount: '-5', description: 'Refund' }))
    expect(await w.balance(acme)).toBe(5_00)
    await w.t.data({ func: 'expense.delete', elid: '1', ...asAdmin })
    expect(await w.balance(acme)).toBe(0)
    await w.books()
  })
})
