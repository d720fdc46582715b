import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { balanceDrift } from '../../src/billing/ledger'
import { formatDateTime } from '../../src/format/time'
import { firstRow } from '../../src/db/query'
import { accounts, items, paymethods, payments } from '../../src/db/schema/index'
import { adminPassword, makeTestApp } from '../helpers'
import { browser, csrfOf, unescapeHtml } from '../panel/client'

const asAdmin = { authinfo: `admin:${adminPassword}` }
const asNorth = { authinfo: 'nstaff:north-secret-1' }
const asSouth = { authinfo: 'sstaff:south-secret-1' }
const asBob = { authinfo: 'bob:user-secret-1' }
const day = 24 * 3600 * 1000

/**
 * Two resellers with a client each, the operator's own client, a client in a currency without
 * decimals; staff of each reseller, a user of the north client; payment methods.
 */
async function world() {
  const t = await makeTestApp()
  const north = await t.createReseller('North')
  const south = await t.createReseller('South')
  const add = async (name: string, resellerId: number | null, currencyId = 1) =>
    (await t.db.insert(accounts).values({ name, resellerId, currencyId, createdAt: 0 }).returning({ id: accounts.id }))[0].id
  expect(await t.data({ func: 'currency.edit', sok: 'ok', code: 'JPY', name: 'Yen', places: '0', ...asAdmin })).toMatchObject({ ok: true })
  const jpy = (await t.data({ func: 'currency', ...asAdmin })).elem.find((c: { code: string }) => c.code === 'JPY').id as number
  const northClient = await add('North client', north)
  const southClient = await add('South client', south)
  const ownClient = await add('Own client', null)
  const yenClient = await add('Yen client', null, jpy)
  await t.createUser('nstaff', '24', 'north-secret-1', { reseller: String(north) })
  await t.createUser('sstaff', '24', 'south-secret-1', { reseller: String(south) })
  await t.createUser('bob', '16', 'user-secret-1', { account: String(northClient) })
  const method = async (name: string, currency: string, enabled = 'on') =>
    (await t.data({ func: 'paymethod.edit', sok: 'ok', name, currency, enabled, ...asAdmin })).id as number
  const card = await method('Card', 'USD')
  const bank = await method('Bank', 'EUR')
  const old = await method('Old', 'USD', 'off')
  const yen = await method('Konbini', 'JPY')
  /** Creates a payment as admin (or as whoever `extra` says); returns its id. */
  const pay = async (account: number, amount: string, extra: Record<string, string> = {}) => {
    const reply = await t.data({ func: 'payment.edit', sok: 'ok', account: String(account), amount, ...asAdmin, ...extra })
    if (!reply.ok) throw new Error(`payment.edit failed: ${JSON.stringify(reply)}`)
    return reply.id as number
  }
  const balance = async (id: number) => (await firstRow(t.db.select({ b: accounts.balance }).from(accounts).where(eq(accounts.id, id))))!.b
  const payment = (id: number) => firstRow(t.db.select().from(payments).where(eq(payments.id, id)))
  const group = (func: string, elid: number | string, who: Record<string, string> = asAdmin) =>
    t.data({ func: `payment.${func}`, elid: String(elid), ...who })
  return { t, north, south, northClient, southClient, ownClient, yenClient, card, bank, old, yen, pay, balance, payment, group }
}

type Row = Record<string, unknown>
const ids = (reply: { elem?: Row[] }) => (reply.elem ?? []).map((e) => e.id)

describe('payments: create, view, update', () => {
  it('creates a new payment in the client currency, numbered from its id, and shows it', async () => {
    const { t, northClient, card, payment } = await world()
    const created = await t.data({ func: 'payment.edit', sok: 'ok', account: String(northClient), paymethod: String(card), amount: '100.5', sender: 'ACME Ltd', note: 'first', ...asAdmin })
    expect(created).toEqual({ ok: true, id: 1 })
    expect(await payment(1)).toMatchObject({ number: '1', accountId: northClient, paymethodId: card, amount: 10050, currencyId: 1, status: 1, paidAt: null, sender: 'ACME Ltd', note: 'first' })
    const form = await t.data({ func: 'payment.edit', elid: '1', ...asAdmin })
    expect(form).toMatchObject({ elid: 1, account: northClient, paymethod: card, amount: '100.50', number: '1', sender: 'ACME Ltd', note: 'first', status: 1, currency: 'USD', paid: '' })
    expect(form.created).toBe(formatDateTime(t.clock()))
    const listed = await t.data({ func: 'payment', ...asAdmin })
    expect(listed.elem).toEqual([
      { id: 1, number: '1', account: northClient, account_name: 'North client', paymethod: 'Card', amount: '100.50', currency: 'USD', status: 1, created: formatDateTime(t.clock()), paid: '', sender: 'ACME Ltd' },
    ])
  })

  it('takes the client as plid, keeps given numbers unique, and gives a payment whose number is taken the next id, else a suffix', async () => {
    const { t, northClient, ownClient, yenClient, yen, pay, payment } = await world()
    expect(await t.data({ func: 'payment.edit', sok: 'ok', plid: String(ownClient), amount: '5', ...asAdmin })).toEqual({ ok: true, id: 1 })
    expect(await payment(1)).toMatchObject({ accountId: ownClient, number: '1' })
    await pay(northClient, '1', { number: '3' })
    expect((await t.data({ func: 'payment.edit', sok: 'ok', account: String(northClient), amount: '1', number: '3', ...asAdmin })).error).toMatchObject({ type: 'exists', object: 'number', value: '3' })
    // Id 3's number was given to an earlier payment.
    const third = await pay(northClient, '1')
    expect(await payment(third)).toMatchObject({ id: 4, number: '4' })
    await pay(northClient, '1', { number: '7' })
    await pay(northClient, '1', { number: '8' })
    // So are the numbers of ids 7 and 8.
    expect(await payment(await pay(northClient, '1'))).toMatchObject({ id: 8, number: '8-2' })
    const yenPayment = await pay(yenClient, '1500', { paymethod: String(yen) })
    const yenCurrency = (await firstRow(t.db.select().from(accounts).where(eq(accounts.id, yenClient))))!.currencyId
    expect(await payment(yenPayment)).toMatchObject({ amount: 1500, currencyId: yenCurrency })
    expect((await t.data({ func: 'payment.edit', elid: String(yenPayment), ...asAdmin })).amount).toBe('1500')
  })

  it('updates sender and note always, amount and method only while the payment is not on the balance', async () => {
    const { t, northClient, card, old, pay, payment, group } = await world()
    const id = await pay(northClient, '10')
    const edit = (values: Record<string, string>) => t.data({ func: 'payment.edit', elid: String(id), sok: 'ok', ...values, ...asAdmin })
    expect(await edit({ amount: '12.34', paymethod: String(card), sender: 'S1' })).toEqual({ ok: true })
    expect(await payment(id)).toMatchObject({ amount: 1234, paymethodId: card, sender: 'S1' })
    expect((await edit({ paymethod: String(old) })).error).toMatchObject({ type: 'value', object: 'paymethod' })
    await group('setpaid', id)
    expect((await edit({ amount: '20' })).error).toMatchObject({ type: 'value', object: 'amount', value: '20' })
    expect((await edit({ paymethod: '' })).error).toMatchObject({ type: 'value', object: 'paymethod' })
    // What the form shows may be sent back unchanged, with new sender and note.
    expect(await edit({ account: String(northClient), number: String((await payment(id))!.number), amount: '12.34', paymethod: String(card), sender: 'S2', note: 'checked' })).toEqual({ ok: true })
    expect(await payment(id)).toMatchObject({ amount: 1234, paymethodId: card, sender: 'S2', note: 'checked', status: 4 })
    expect((await edit({ account: '999' })).error).toMatchObject({ type: 'value', object: 'account' })
    expect((await edit({ number: 'other' })).error).toMatchObject({ type: 'value', object: 'number' })
    expect((await t.data({ func: 'payment.edit', elid: '999', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'elid' })
  })
})

describe('payments: status changes and the balance', () => {
  it('moves every way with the balance following, and the books stay straight', async () => {
    const { t, northClient, pay, balance, payment, group } = await world()
    const step = async (func: string, id: number, status: number, expected: number) => {
      expect(await group(func, id), `${func} ${id}`).toEqual({ ok: true })
      expect((await payment(id))!.status, `${func} ${id}`).toBe(status)
      expect(await balance(northClient), `${func} ${id}`).toBe(expected)
      expect(await balanceDrift(t.db)).toEqual([])
    }
    const a = await pay(northClient, '100')
    await step('setpaid', a, 4, 10000)
    expect((await payment(a))!.paidAt).toBe(t.clock())
    t.clock.advance(1000)
    await step('setpaid', a, 4, 10000) // already credited: nothing changes
    expect((await payment(a))!.paidAt).toBe(t.clock() - 1000)
    await step('return', a, 5, 10000)
    await step('setpaid', a, 5, 10000)
    await step('returned', a, 6, 0)
    expect((await payment(a))!.paidAt).not.toBeNull()
    await step('fraud', a, 7, 0)

    const b = await pay(northClient, '30')
    await step('setpaid', b, 4, 3000)
    await step('setnopay', b, 1, 0)
    expect((await payment(b))!.paidAt).toBeNull()
    await step('setnopay', b, 1, 0)
    await step('setpaid', b, 4, 3000)
    await step('return', b, 5, 3000)
    await step('setnopay', b, 1, 0)
    await step('setpaid', b, 4, 3000)
    await step('returned', b, 6, 0)

    const c = await pay(northClient, '7.25')
    await t.db.update(payments).set({ status: 2 }).where(eq(payments.id, c))
    await step('setpaid', c, 4, 725)
    await step('fraud', c, 7, 0)

    const d = await pay(northClient, '1')
    await t.db.update(payments).set({ status: 3 }).where(eq(payments.id, d))
    await step('setnopay', d, 1, 0)
    await step('fraud', d, 7, 0)
  })

  it('refuses moves a status does not allow, changing nothing (a whole group at once)', async () => {
    const { t, northClient, pay, balance, payment, group } = await world()
    const credited = await pay(northClient, '50')
    await group('setpaid', credited)
    const fresh = await pay(northClient, '20')
    const refused = async (func: string, elid: string, object = 'elid') => {
      const reply = await group(func, elid)
      expect(reply.error, `${func} ${elid}`).toMatchObject({ type: 'value', object })
      return reply.error
    }
    await refused('return', String(fresh))
    await refused('returned', String(fresh))
    // One refusal undoes the whole call: the fresh payment is not credited either.
    await group('returned', credited)
    const err = await refused('setpaid', `${fresh}, ${credited}`)
    expect(err.value).toBe(String(credited))
    expect((await payment(fresh))!.status).toBe(1)
    await refused('setnopay', String(credited))
    await refused('return', String(credited))
    expect(await balance(northClient)).toBe(0)
    expect(await balanceDrift(t.db)).toEqual([])
    const ru = await t.data({ func: 'payment.setpaid', elid: String(credited), lang: 'ru', ...asAdmin })
    expect(ru.error.msg).toMatch(/[А-Яа-я]/)
  })

  it('puts credited money at once to the services waiting for it', async () => {
    const { t, northClient, pay, group, balance } = await world()
    const tariff = await t.data({ func: 'pricelist.edit', sok: 'ok', name: 'VDS-1', product_type: 'vds', currency: 'USD', setup_fee: '2', price_1: '10', ...asAdmin })
    const order = await t.data({ func: 'item.order', account: String(northClient), pricelist: String(tariff.id), period: '1', ...asAdmin })
    expect(order).toMatchObject({ status: 1 })
    const small = await pay(northClient, '5')
    await group('setpaid', small)
    expect((await t.db.select().from(items).orderBy(items.id)).map((i) => i.status)).toEqual([1])
    const more = await pay(northClient, '10')
    await group('setpaid', more)
    expect((await t.db.select().from(items).orderBy(items.id)).map((i) => i.status)).toEqual([2])
    expect(await balance(northClient)).toBe(1500 - 1200)
    expect(await balanceDrift(t.db)).toEqual([])
  })

  it('deletes payments that are not on the balance and refuses the others', async () => {
    const { t, northClient, pay, balance, payment, group } = await world()
    const fresh = await pay(northClient, '5')
    const credited = await pay(northClient, '6')
    const pending = await pay(northClient, '7')
    const returned = await pay(northClient, '8')
    await group('setpaid', `${credited}, ${pending}, ${returned}`)
    await group('return', pending)
    await group('returned', returned)
    for (const id of [credited, pending]) {
      const reply = await group('delete', id)
      expect(reply.error).toMatchObject({ type: 'value', object: 'elid', value: String(id) })
      expect(reply.error.msg).toContain(String(id))
      expect(await payment(id)).toBeDefined()
    }
    expect(await group('delete', `${fresh}, ${returned}, 999`)).toEqual({ ok: true })
    expect(await payment(fresh)).toBeUndefined()
    expect(await payment(returned)).toBeUndefined()
    expect(await balance(northClient)).toBe(1300)
    expect(await balanceDrift(t.db)).toEqual([])
  })

  it('a payment method that payments use cannot be deleted', async () => {
    const { t, northClient, card, old, pay } = await world()
    await pay(northClient, '5', { paymethod: String(card) })
    const reply = await t.data({ func: 'paymethod.delete', elid: String(card), ...asAdmin })
    expect(reply.error).toMatchObject({ type: 'value', object: 'elid', value: String(card) })
    expect(reply.error.msg).toContain('disable')
    expect(await firstRow(t.db.select().from(paymethods).where(eq(paymethods.id, card)))).toBeDefined()
    expect(await t.data({ func: 'paymethod.delete', elid: String(old), ...asAdmin })).toEqual({ ok: true })
    expect(await firstRow(t.db.select().from(paymethods).where(eq(paymethods.id, old)))).toBeUndefined()
  })
})

describe('payments: list', () => {
  async function filled() {
    const w = await world()
    const { t, northClient, southClient, ownClient, card, pay, group } = w
    const a = await pay(northClient, '10', { sender: 'Alpha Bank', number: 'INV-001' })
    t.clock.advance(day)
    const b = await pay(southClient, '30', { paymethod: String(card), sender: 'beta' })
    t.clock.advance(day)
    const c = await pay(ownClient, '20', { sender: '100%_sure' })
    t.clock.advance(day)
    const d = await pay(northClient, '5', { paymethod: String(card), number: 'INV-002' })
    await group('setpaid', `${a}, ${c}`)
    return { ...w, a, b, c, d }
  }

  it('filters the BILLmanager way: status, client, method, number, sender, date range', async () => {
    const { t, northClient, card, a, b, c, d } = await filled()
    const list = (filter: Record<string, string>) => t.data({ func: 'payment', filter: 'on', ...filter, ...asAdmin })
    const credited = await list({ status: '4' })
    expect(ids(credited)).toEqual([a, c])
    expect(credited.p_elems).toBe(2)
    expect(credited.elem[0]).toMatchObject({ status: 4, paid: formatDateTime(t.clock()) })
    expect(ids(await list({ status: '1' }))).toEqual([b, d])
    expect(ids(await list({ account: String(northClient) }))).toEqual([a, d])
    expect(ids(await list({ account: String(northClient), status: '1' }))).toEqual([d])
    expect(ids(await list({ paymethod: String(card) }))).toEqual([b, d])
    expect(ids(await list({ number: 'inv-00' }))).toEqual([a, d])
    expect(ids(await list({ sender: '%_' }))).toEqual([c])
    const first = t.clock() - 3 * day
    const dateOf = (ms: number) => formatDateTime(ms).slice(0, 10)
    expect(ids(await list({ created_from: dateOf(first + day), created_to: dateOf(first + 2 * day) }))).toEqual([b, c])
    expect(ids(await list({ created_from: dateOf(first + 3 * day) }))).toEqual([d])
    expect(ids(await list({ created_to: dateOf(first) }))).toEqual([a])
    expect(ids(await list({ created_from: dateOf(first + 4 * day) }))).toEqual([])
    // Without filter=on the parameters are not filters.
    expect(ids(await t.data({ func: 'payment', status: '4', ...asAdmin }))).toEqual([a, b, c, d])
  })

  it('sorts by any column, both ways, and pages with an exact total', async () => {
    const { t, a, b, c, d } = await filled()
    const sorted = async (p_sort: string, p_order = 'asc') => ids(await t.data({ func: 'payment', p_sort, p_order, ...asAdmin }))
    expect(await sorted('amount')).toEqual([d, a, c, b])
    expect(await sorted('amount', 'desc')).toEqual([b, c, a, d])
    expect(await sorted('account_name')).toEqual([a, d, c, b])
    expect(await sorted('paymethod')).toEqual([a, c, b, d])
    expect(await sorted('status', 'desc')).toEqual([c, a, d, b])
    expect(await sorted('created', 'desc')).toEqual([d, c, b, a])
    expect(await sorted('number')).toEqual([b, c, a, d])
    expect(await sorted('sender')).toEqual([d, c, a, b])
    expect(await sorted('currency')).toEqual([a, b, c, d])
    expect(await sorted('paid')).toEqual([b, d, a, c])
    expect(await sorted('nosuchcolumn')).toEqual([a, b, c, d])
    const page = await t.data({ func: 'payment', p_cnt: '3', p_num: '2', ...asAdmin })
    expect(page).toMatchObject({ p_num: 2, p_cnt: 3, p_elems: 4, p_sort: 'id' })
    expect(ids(page)).toEqual([d])
    const clamped = await t.data({ func: 'payment', p_cnt: '3', p_num: '9', p_sort: 'amount', p_order: 'desc', ...asAdmin })
    expect(clamped).toMatchObject({ p_num: 2, p_elems: 4 })
    expect(ids(clamped)).toEqual([d])
    const filteredPage = await t.data({ func: 'payment', filter: 'on', status: '1', p_cnt: '1', p_num: '2', ...asAdmin })
    expect(filteredPage).toMatchObject({ p_num: 2, p_elems: 2 })
    expect(ids(filteredPage)).toEqual([d])
  })

  it('answers in XML with the same columns', async () => {
    const { t, c } = await filled()
    const { text } = await t.call({ func: 'payment', filter: 'on', status: '4', out: 'xml', ...asAdmin })
    expect(text).toContain(`<id>${c}</id>`)
    expect(text).toContain('<status>4</status>')
    expect(text).toContain('<amount>20.00</amount>')
    expect(text).toContain('<account_name>Own client</account_name>')
    expect(text).toContain('<p_elems>2</p_elems>')
  })
})

describe('payments: ownership', () => {
  it("a reseller's staff sees and manages only its clients' payments", async () => {
    const { t, northClient, southClient, ownClient, pay, balance, payment, group } = await world()
    const north = await pay(northClient, '10')
    const south = await pay(southClient, '20')
    const own = await pay(ownClient, '30')
    expect(ids(await t.data({ func: 'payment', ...asNorth }))).toEqual([north])
    expect(ids(await t.data({ func: 'payment', ...asSouth }))).toEqual([south])
    expect(ids(await t.data({ func: 'payment', filter: 'on', account: String(southClient), ...asNorth }))).toEqual([])
    for (const elid of [south, own]) {
      expect((await t.data({ func: 'payment.edit', elid: String(elid), ...asNorth })).error).toMatchObject({ type: 'access', object: 'elid' })
      expect((await t.data({ func: 'payment.edit', elid: String(elid), sok: 'ok', sender: 'x', ...asNorth })).error).toMatchObject({ type: 'access', object: 'elid' })
      for (const func of ['setpaid', 'setnopay', 'return', 'returned', 'fraud', 'delete']) {
        expect((await group(func, elid, asNorth)).error, func).toMatchObject({ type: 'access', object: 'elid' })
      }
    }
    expect((await group('setpaid', `${north}, ${south}`, asNorth)).error).toMatchObject({ type: 'access', object: 'elid', value: String(south) })
    expect((await payment(north))!.status).toBe(1)
    expect((await t.data({ func: 'payment.edit', sok: 'ok', account: String(southClient), amount: '1', ...asNorth })).error).toMatchObject({ type: 'access', object: 'account' })
    expect(await t.data({ func: 'payment.edit', sok: 'ok', account: String(northClient), amount: '1', ...asNorth })).toMatchObject({ ok: true })
    expect(await group('setpaid', north, asNorth)).toEqual({ ok: true })
    expect(await balance(northClient)).toBe(1000)
    expect(await balance(southClient)).toBe(0)
    expect((await payment(south))!.sender).toBe('')
  })

  it('a client user sees and creates only its own payments, always new, and cannot change their status', async () => {
    const { t, northClient, southClient, pay, balance, payment, group } = await world()
    const mine = await pay(northClient, '10')
    const theirs = await pay(southClient, '20')
    expect(ids(await t.data({ func: 'payment', ...asBob }))).toEqual([mine])
    expect(ids(await t.data({ func: 'payment', filter: 'on', account: String(southClient), ...asBob }))).toEqual([])
    expect((await t.data({ func: 'payment.edit', elid: String(theirs), ...asBob })).error).toMatchObject({ type: 'access', object: 'elid' })
    expect((await t.data({ func: 'payment.edit', sok: 'ok', account: String(southClient), amount: '1', ...asBob })).error).toMatchObject({ type: 'access', object: 'account' })
    expect((await t.data({ func: 'payment.edit', sok: 'ok', plid: String(southClient), amount: '1', ...asBob })).error).toMatchObject({ type: 'access', object: 'account' })
    const created = await t.data({ func: 'payment.edit', sok: 'ok', account: String(northClient), amount: '15', status: '4', ...asBob })
    expect(created.ok).toBe(true)
    expect(await payment(created.id)).toMatchObject({ status: 1, accountId: northClient })
    for (const func of ['setpaid', 'setnopay', 'return', 'returned', 'fraud', 'delete']) {
      expect((await group(func, mine, asBob)).error, func).toMatchObject({ type: 'access', object: 'func' })
    }
    expect(await balance(northClient)).toBe(0)
    // su from the client's reseller shows the client's view.
    expect(ids(await t.data({ func: 'payment', su: 'bob', ...asNorth }))).toEqual([mine, created.id])
  })
})

describe('payments: bad input', () => {
  it('refuses bad amounts, clients, methods, numbers and strings with typed errors, storing nothing', async () => {
    const { t, northClient, yenClient, bank, old, card, balance } = await world()
    const create = (values: Record<string, string>) =>
      t.data({ func: 'payment.edit', sok: 'ok', account: String(northClient), amount: '10', ...values, ...asAdmin })
    const cases: [Record<string, string>, string, string][] = [
      [{ amount: '-5' }, 'value', 'amount'],
      [{ amount: '0' }, 'value', 'amount'],
      [{ amount: '0.00' }, 'value', 'amount'],
      [{ amount: '1.234' }, 'value', 'amount'],
      [{ amount: '1e3' }, 'value', 'amount'],
      [{ amount: '' }, 'missed', 'amount'],
      [{ account: String(yenClient), amount: '1.5' }, 'value', 'amount'],
      [{ account: '999' }, 'missed', 'account'],
      [{ account: 'abc' }, 'value', 'account'],
      [{ account: '' }, 'missed', 'account'],
      [{ account: '', plid: 'x' }, 'value', 'plid'],
      [{ paymethod: '99' }, 'missed', 'paymethod'],
      [{ paymethod: String(old) }, 'value', 'paymethod'],
      [{ paymethod: String(bank) }, 'value', 'paymethod'],
      [{ account: String(yenClient), paymethod: String(card) }, 'value', 'paymethod'],
      [{ number: 'n'.repeat(65) }, 'value', 'number'],
      [{ sender: 's'.repeat(256) }, 'value', 'sender'],
      [{ sender: 'two\nlines' }, 'value', 'sender'],
      [{ note: 'n'.repeat(2001) }, 'value', 'note'],
    ]
    for (const [values, type, object] of cases) {
      const reply = await create(values)
      expect(reply.error, JSON.stringify(values)).toMatchObject({ type, object })
      expect(reply.error.msg, JSON.stringify(values)).not.toBe('')
    }
    expect((await create({ amount: '0' })).error.msg).toContain('zero')
    expect((await create({ paymethod: String(bank) })).error.msg).toContain('currency')
    expect(await t.db.select().from(payments)).toEqual([])
    expect(await balance(northClient)).toBe(0)
    expect(await balanceDrift(t.db)).toEqual([])
  })

  it('refuses bad filter values', async () => {
    const { t } = await world()
    const list = (filter: Record<string, string>) => t.data({ func: 'payment', filter: 'on', ...filter, ...asAdmin })
    expect((await list({ status: '9' })).error).toMatchObject({ type: 'value', object: 'status' })
    expect((await list({ created_from: '2026-13-01' })).error).toMatchObject({ type: 'value', object: 'created_from' })
    expect((await list({ created_to: '24.11.2026' })).error).toMatchObject({ type: 'value', object: 'created_to' })
    expect((await list({ account: 'x' })).error).toMatchObject({ type: 'value', object: 'account' })
  })
})

describe('payments: panel', () => {
  it('lists payments with their status names, shows the form, and credits from the toolbar', async () => {
    const { t, northClient, card, pay, balance } = await world()
    const id = await pay(northClient, '42', { paymethod: String(card), sender: 'Panel payer' })
    const b = browser(t)
    expect((await b.post({ func: 'auth', username: 'admin', password: adminPassword })).res.status).toBe(303)
    const list = await b.get('/billmgr?func=payment')
    expect(list.res.status).toBe(200)
    const html = unescapeHtml(list.html)
    expect(html).toContain('Panel payer')
    expect(html).toContain('<td>New</td>')
    const form = unescapeHtml((await b.get(`/billmgr?func=payment.edit&elid=${id}`)).html)
    expect(form).toContain('Card (USD)')
    expect(form).toContain('42.00')
    const done = await b.post({ func: 'payment.setpaid', elid: String(id), csrf: csrfOf(list.html) })
    expect(done.res.status).toBeLessThan(400)
    expect(await balance(northClient)).toBe(4200)
    expect(unescapeHtml((await b.get('/billmgr?func=payment')).html)).toContain('<td>Credited</td>')
    expect(unescapeHtml((await b.get(`/billmgr?func=payment.edit&elid=${id}&lang=ru`)).html)).toContain('Зачислен')
  })
})
