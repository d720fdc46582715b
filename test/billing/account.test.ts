import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { balanceDrift, charge, creditPayment } from '../../src/billing/ledger'
import {
  accountFields,
  accounts,
  expenses,
  invoices,
  items,
  ItemStatus,
  PaymentStatus,
  payments,
  pricelists,
  users,
  xdrs,
} from '../../src/db/schema/index'
import { firstRow } from '../../src/db/query'
import { adminPassword, makeTestApp, type TestApp } from '../helpers'

const asAdmin = { authinfo: `admin:${adminPassword}` }

type Row = Record<string, unknown>
const names = (reply: { elem?: Row[] }) => (reply.elem ?? []).map((e) => e.name)
const accountRow = (t: TestApp, id: number) => firstRow(t.db.select().from(accounts).where(eq(accounts.id, id)))

/** A payment credited to a client's balance, as the ledger books it. */
async function creditedPayment(t: TestApp, accountId: number, amount: number, number: string) {
  const { currencyId } = (await accountRow(t, accountId))!
  await t.store.write(async (tx) => {
    await tx.insert(payments).values({ number, accountId, amount, currencyId, status: PaymentStatus.credited, createdAt: 0 })
    await creditPayment(tx, accountId, amount, 1, t.clock())
  })
}

/** A tariff plan and a service of a client on it, with the given status. */
async function service(t: TestApp, accountId: number, status: number) {
  const [plan] = await t.db.insert(pricelists).values({ name: 'VDS', productType: 'vds', currencyId: 1, price1: 1000, createdAt: 0 }).returning({ id: pricelists.id })
  const [item] = await t.db.insert(items).values({ accountId, pricelistId: plan.id, period: 1, status, cost: 1000, createdAt: 0 }).returning({ id: items.id })
  return item.id
}

describe('clients: create, view, update', () => {
  it('an admin creates a client; amounts are minor units stored, decimal strings shown', async () => {
    const t = await makeTestApp()
    const created = await t.data({
      func: 'account.edit',
      sok: 'ok',
      name: 'Acme Ltd',
      email: 'billing@acme.example',
      currency: 'EUR',
      credit_limit: '100.5',
      language: 'ru',
      allowed_addresses: '192.0.2.0/24 198.51.100.7',
      note: 'key account',
      ...asAdmin,
    })
    expect(created).toEqual({ ok: true, id: 1 })
    expect(await accountRow(t, 1)).toMatchObject({
      name: 'Acme Ltd',
      email: 'billing@acme.example',
      resellerId: null,
      currencyId: 2,
      balance: 0,
      creditLimit: 10050,
      status: 'active',
      lang: 'ru',
      allowedAddresses: '192.0.2.0/24, 198.51.100.7',
      note: 'key account',
      createdAt: t.clock(),
    })
    const form = await t.data({ func: 'account.edit', elid: '1', ...asAdmin })
    expect(form).toMatchObject({
      elid: 1,
      name: 'Acme Ltd',
      reseller: '',
      currency: 'EUR',
      credit_limit: '100.50',
      language: 'ru',
      status: 'active',
      balance: '0.00',
    })
    expect(form.created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
    const listed = await t.data({ func: 'account', ...asAdmin })
    expect(listed.elem).toEqual([
      { id: 1, name: 'Acme Ltd', email: 'billing@acme.example', reseller: '', currency: 'EUR', balance: '0.00', credit_limit: '100.50', status: 'active', created: form.created },
    ])
  })

  it('updates only what is given; a new form offers currencies and, to admins, resellers', async () => {
    const t = await makeTestApp()
    await t.createReseller('North')
    const id = await t.createAccount('Acme', { email: 'a@acme.example', credit_limit: '10' })
    expect(await t.data({ func: 'account.edit', elid: String(id), sok: 'ok', name: 'Acme Group', credit_limit: '0', ...asAdmin })).toEqual({ ok: true })
    expect(await accountRow(t, id)).toMatchObject({ name: 'Acme Group', email: 'a@acme.example', creditLimit: 0, currencyId: 1 })
    const blank = await t.data({ func: 'account.edit', ...asAdmin })
    expect(blank).toMatchObject({ elid: '', name: '', credit_limit: '0' })
    const { text } = await t.call({ func: 'account.edit', out: 'xml', ...asAdmin })
    expect(text).toContain('<slist name="currency"><val key="EUR">EUR — ')
    expect(text).toContain('<slist name="reseller"><val key="1">North</val></slist>')
    expect((await t.data({ func: 'account.edit', elid: '99', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'elid' })
    expect((await t.data({ func: 'account.edit', elid: '99', sok: 'ok', name: 'x', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'elid' })
  })

  it('the currency may change until money moves; then it is fixed', async () => {
    const t = await makeTestApp()
    const id = await t.createAccount('Acme', { credit_limit: '50.00' })
    const change = (currency: string) => t.data({ func: 'account.edit', elid: String(id), sok: 'ok', currency, ...asAdmin })
    expect(await change('EUR')).toEqual({ ok: true })
    expect(await accountRow(t, id)).toMatchObject({ currencyId: 2, creditLimit: 5000 })
    expect((await change('XYZ')).error).toMatchObject({ type: 'missed', object: 'currency', value: 'XYZ' })
    await t.db.insert(payments).values({ number: 'P-1', accountId: id, amount: 100, currencyId: 2, createdAt: 0 })
    const refused = await change('USD')
    expect(refused.error).toMatchObject({ type: 'value', object: 'currency', value: 'USD' })
    expect(refused.error.msg).toContain('cannot be changed')
    // Sending the current currency back (as a form does) is no change.
    expect(await change('EUR')).toEqual({ ok: true })
    expect((await accountRow(t, id))!.currencyId).toBe(2)

    const other = await t.createAccount('Beta')
    await t.store.write((tx) => charge(tx, { accountId: other, currencyId: 1, amount: 250, description: 'setup', at: 0 }))
    expect((await t.data({ func: 'account.edit', elid: String(other), sok: 'ok', currency: 'RUB', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'currency' })
    expect((await accountRow(t, other))!.currencyId).toBe(1)
    expect(await balanceDrift(t.db)).toEqual([])
  })

  it('refuses bad input with typed errors and stores nothing', async () => {
    const t = await makeTestApp()
    await t.createReseller('North')
    const base = { func: 'account.edit', sok: 'ok', name: 'Acme', currency: 'USD', ...asAdmin }
    const cases: [Record<string, string>, string, string][] = [
      [{ currency: 'ZZZ' }, 'missed', 'currency'],
      [{ currency: 'usd' }, 'value', 'currency'],
      [{ currency: '' }, 'missed', 'currency'],
      [{ name: '' }, 'missed', 'name'],
      [{ credit_limit: '-1' }, 'value', 'credit_limit'],
      [{ credit_limit: '1.005' }, 'value', 'credit_limit'],
      [{ credit_limit: '1e3' }, 'value', 'credit_limit'],
      [{ name: 'x'.repeat(129) }, 'value', 'name'],
      [{ email: 'not-an-address' }, 'value', 'email'],
      [{ allowed_addresses: '192.0.2.0/24, example.com' }, 'value', 'allowed_addresses'],
      [{ language: 'de' }, 'value', 'language'],
      [{ reseller: '9' }, 'missed', 'reseller'],
      [{ reseller: 'north' }, 'value', 'reseller'],
      [{ note: 'x'.repeat(2001) }, 'value', 'note'],
    ]
    for (const [change, type, object] of cases) {
      const reply = await t.data({ ...base, ...change })
      expect(reply.error, JSON.stringify(change)).toMatchObject({ type, object })
    }
    const places = await t.data({ ...base, credit_limit: '1.005' })
    expect(places.error.msg).toContain('(2)')
    expect(await t.db.select().from(accounts)).toEqual([])
    // The same checks hold on update, and leave the row as it was.
    const id = await t.createAccount('Acme', { credit_limit: '5' })
    const before = await accountRow(t, id)
    for (const [change, type, object] of cases.filter(([c]) => c.currency === undefined)) {
      const reply = await t.data({ ...base, elid: String(id), ...change })
      expect(reply.error, JSON.stringify(change)).toMatchObject({ type, object })
    }
    expect(await accountRow(t, id)).toEqual(before)
  })

  it('answers in XML too', async () => {
    const t = await makeTestApp()
    await t.createAccount('Acme & Sons', { credit_limit: '7' })
    const { text } = await t.call({ func: 'account', out: 'xml', ...asAdmin })
    expect(text).toContain('<name>Acme &amp; Sons</name>')
    expect(text).toContain('<credit_limit>7.00</credit_limit>')
    expect(text).toContain('<p_elems>1</p_elems>')
    const form = await t.call({ func: 'account.edit', elid: '1', out: 'xml', ...asAdmin })
    expect(form.text).toContain('<currency>USD</currency>')
    const error = await t.call({ func: 'account.edit', sok: 'ok', name: 'x', currency: 'ZZZ', out: 'xml', ...asAdmin })
    expect(error.text).toMatch(/<error type="missed" object="currency"/)
  })
})

describe('clients: the list', () => {
  async function catalogue() {
    const t = await makeTestApp()
    const north = await t.createReseller('North')
    const south = await t.createReseller('South')
    await t.createAccount('Alpha Hosting', { email: 'ops@alpha.example', reseller: String(north) })
    await t.createAccount('Beta_Net', { email: 'beta@mail.example', currency: 'EUR', reseller: String(south) })
    await t.createAccount('Gamma', { email: 'gamma@alpha.example', currency: 'RUB' })
    await t.createAccount('delta hosting', { reseller: String(north), credit_limit: '1000' })
    await t.createAccount('Epsilon', { currency: 'EUR' })
    await t.data({ func: 'account.suspend', elid: '3', ...asAdmin })
    await t.data({ func: 'account.archive', elid: '5', ...asAdmin })
    return { t, north, south }
  }
  const list = (t: TestApp, params: Record<string, string> = {}) => t.data({ func: 'account', ...params, ...asAdmin })

  it('filters by name, e-mail, reseller, currency and status, counting exactly', async () => {
    const { t, north, south } = await catalogue()
    const filtered = async (params: Record<string, string>) => {
      const reply = await list(t, { filter: 'on', ...params })
      expect(reply.p_elems).toBe(reply.elem.length)
      return names(reply)
    }
    expect(await filtered({ name: 'hosting' })).toEqual(['Alpha Hosting', 'delta hosting'])
    expect(await filtered({ name: '_' })).toEqual(['Beta_Net'])
    expect(await filtered({ email: 'alpha.example' })).toEqual(['Alpha Hosting', 'Gamma'])
    expect(await filtered({ reseller: String(north) })).toEqual(['Alpha Hosting', 'delta hosting'])
    expect(await filtered({ reseller: String(south), currency: 'EUR' })).toEqual(['Beta_Net'])
    expect(await filtered({ currency: 'EUR' })).toEqual(['Beta_Net', 'Epsilon'])
    expect(await filtered({ currency: 'JPY' })).toEqual([])
    expect(await filtered({ status: 'suspended' })).toEqual(['Gamma'])
    expect(await filtered({ status: 'archived' })).toEqual(['Epsilon'])
    expect(await filtered({ status: 'active', name: 'hosting' })).toEqual(['Alpha Hosting', 'delta hosting'])
    // Without filter=on the values are ignored.
    expect((await list(t, { name: 'hosting' })).p_elems).toBe(5)
    expect((await list(t, { filter: 'on', status: 'gone' })).error).toMatchObject({ type: 'value', object: 'status' })
    expect((await list(t, { filter: 'on', currency: 'eur' })).error).toMatchObject({ type: 'value', object: 'currency' })
  })

  it('sorts by its columns, joined ones too, and pages with an exact total', async () => {
    const { t } = await catalogue()
    expect(names(await list(t, { p_sort: 'name', p_order: 'desc' }))).toEqual(['delta hosting', 'Gamma', 'Epsilon', 'Beta_Net', 'Alpha Hosting'])
    expect(names(await list(t, { p_sort: 'reseller' }))).toEqual(['Gamma', 'Epsilon', 'Alpha Hosting', 'delta hosting', 'Beta_Net'])
    expect(names(await list(t, { p_sort: 'currency', p_order: 'desc' }))).toEqual(['delta hosting', 'Alpha Hosting', 'Gamma', 'Epsilon', 'Beta_Net'])
    expect(names(await list(t, { p_sort: 'credit_limit', p_order: 'desc' }))[0]).toBe('delta hosting')
    const page = await list(t, { p_cnt: '2', p_num: '2' })
    expect(page).toMatchObject({ p_num: 2, p_cnt: 2, p_elems: 5, p_sort: 'id' })
    expect(names(page)).toEqual(['Gamma', 'delta hosting'])
    const beyond = await list(t, { p_cnt: '2', p_num: '9' })
    expect(beyond).toMatchObject({ p_num: 3, p_elems: 5 })
    expect(names(beyond)).toEqual(['Epsilon'])
    const filteredPage = await list(t, { filter: 'on', currency: 'EUR', p_cnt: '1', p_num: '2' })
    expect(filteredPage).toMatchObject({ p_elems: 2 })
    expect(names(filteredPage)).toEqual(['Epsilon'])
    expect((await list(t, { p_sort: 'nonsense' })).p_sort).toBe('id')
    const row = (await list(t, { filter: 'on', name: 'Alpha' })).elem[0]
    expect(row).toMatchObject({ reseller: 'North', currency: 'USD', balance: '0.00', credit_limit: '0.00' })
  })
})

describe('clients: suspend, resume, archive, delete', () => {
  it('suspends and resumes; archives only without live services', async () => {
    const t = await makeTestApp()
    const id = await t.createAccount('Acme')
    const elid = String(id)
    expect(await t.data({ func: 'account.suspend', elid, ...asAdmin })).toEqual({ ok: true })
    expect((await accountRow(t, id))!.status).toBe('suspended')
    expect(await t.data({ func: 'account.resume', elid, ...asAdmin })).toEqual({ ok: true })
    expect((await accountRow(t, id))!.status).toBe('active')
    const item = await service(t, id, ItemStatus.active)
    for (const status of [ItemStatus.ordered, ItemStatus.active, ItemStatus.suspended, ItemStatus.processing]) {
      await t.db.update(items).set({ status }).where(eq(items.id, item))
      const refused = await t.data({ func: 'account.archive', elid, ...asAdmin })
      expect(refused.error, `service status ${status}`).toMatchObject({ type: 'value', object: 'elid', value: elid })
      expect(refused.error.msg).toContain('services')
      expect((await accountRow(t, id))!.status).toBe('active')
    }
    await t.db.update(items).set({ status: ItemStatus.deleted }).where(eq(items.id, item))
    expect(await t.data({ func: 'account.archive', elid, ...asAdmin })).toEqual({ ok: true })
    expect((await accountRow(t, id))!.status).toBe('archived')
    expect((await t.data({ func: 'account.edit', elid, ...asAdmin })).status).toBe('archived')
    // A group stops at the first refusal and changes nothing.
    const other = await t.createAccount('Beta')
    await service(t, other, ItemStatus.active)
    const third = await t.createAccount('Gamma')
    expect((await t.data({ func: 'account.archive', elid: `${third}, ${other}`, ...asAdmin })).error).toMatchObject({ type: 'value' })
    expect((await accountRow(t, third))!.status).toBe('active')
    // Vanished elements are skipped.
    expect(await t.data({ func: 'account.suspend', elid: '999', ...asAdmin })).toEqual({ ok: true })
  })

  it('deletes a client with everything that is its own, keeping the books straight', async () => {
    const t = await makeTestApp()
    const doomed = await t.createAccount('Doomed')
    const kept = await t.createAccount('Kept')
    await t.createUser('doomed-user', '16', 'user-secret-1', { account: String(doomed) })
    await t.createUser('kept-user', '16', 'user-secret-1', { account: String(kept) })
    for (const id of [doomed, kept]) {
      await creditedPayment(t, id, 5000, `P-${id}`)
      const item = await service(t, id, ItemStatus.active)
      const expense = await t.store.write((tx) => charge(tx, { accountId: id, currencyId: 1, itemId: item, amount: 1200, description: 'month', at: 0 }))
      const [invoice] = await t.db
        .insert(invoices)
        .values({ number: `I-${id}`, accountId: id, currencyId: 1, periodFrom: 0, periodTo: 1, amount: 1200, createdAt: 0 })
        .returning({ id: invoices.id })
      await t.db.update(expenses).set({ invoiceId: invoice.id }).where(eq(expenses.id, expense))
      await t.db.insert(xdrs).values({ itemId: item, accountId: id, startedAt: 0, quantity: 1, unitPrice: 1, cost: 0, expenseId: expense })
      await t.db.insert(accountFields).values({ accountId: id, name: 'contract', value: `C-${id}` })
    }
    const session = await t.login('doomed-user', 'user-secret-1')
    expect(await t.data({ func: 'account.delete', elid: String(doomed), ...asAdmin })).toEqual({ ok: true })
    for (const table of [payments, items, expenses, invoices, xdrs, accountFields]) {
      expect((await t.db.select().from(table)).map((r) => r.accountId)).toEqual([kept])
    }
    expect((await t.db.select().from(users)).map((u) => u.name).sort()).toEqual(['admin', 'kept-user'])
    expect((await t.db.select().from(accounts)).map((a) => a.name)).toEqual(['Kept'])
    expect((await accountRow(t, kept))!.balance).toBe(3800)
    expect(await balanceDrift(t.db)).toEqual([])
    expect((await t.data({ func: 'account', auth: session })).error).toMatchObject({ type: 'auth' })
    // Deleting what is gone is no error.
    expect(await t.data({ func: 'account.delete', elid: String(doomed), ...asAdmin })).toEqual({ ok: true })
  })
})
