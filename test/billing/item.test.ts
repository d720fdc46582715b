import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { settleAccount } from '../../src/billing/services'
import { accounts, expenses, items, pricelists } from '../../src/db/schema/index'
import { browser, csrfOf } from '../panel/client'
import { adminPassword } from '../helpers'
import { asAdmin, day, servicesWorld } from './services-fixture'

describe('ordering a service', () => {
  it('activates it when the client can pay: setup fee and first period as two expenses', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    await w.pay(acme, 100_00)
    const vds = await w.tariff()
    const reply = await w.order({ account: String(acme), pricelist: String(vds), period: '1', name: 'web1.example' })
    expect(reply).toEqual({ id: 1, status: 2, expires: '2026-12-24' })
    expect(await w.item(1)).toMatchObject({ accountId: acme, pricelistId: vds, name: 'web1.example', period: 1, status: 2, cost: 10_50, autoRenew: true, expiresAt: Date.UTC(2026, 11, 24, 12) })
    expect((await w.chargesOf(1)).map((e) => [e.amount, e.description])).toEqual([
      [5_00, 'Setup: VDS-1'],
      [10_50, 'VDS-1, 1 month, until 2026-12-24'],
    ])
    expect(await w.balance(acme)).toBe(100_00 - 15_50)
    const listed = await w.t.data({ func: 'item', ...asAdmin })
    expect(listed.elem).toEqual([
      {
        id: 1,
        name: 'web1.example',
        account: acme,
        account_name: 'Acme',
        pricelist: 'VDS-1',
        product_type: 'vds',
        period: 1,
        status: 2,
        created: expect.stringMatching(/^2026-11-24 \d\d:00:00$/),
        expires: '2026-12-24',
        auto_renew: true,
        cost: '10.50',
      },
    ])
    await w.books()
  })

  it('leaves it ordered, charging nothing, when the client cannot pay; the credit limit counts', async () => {
    const w = await servicesWorld()
    const poor = await w.client('Poor')
    await w.pay(poor, 15_49)
    const trusted = await w.client('Trusted', { creditLimit: 20_00 })
    const vds = await w.tariff()
    expect(await w.order({ account: String(poor), pricelist: String(vds), period: '1', auto_renew: 'off' })).toEqual({ id: 1, status: 1, expires: '' })
    expect(await w.item(1)).toMatchObject({ status: 1, expiresAt: null, autoRenew: false })
    expect(await w.chargesOf(1)).toEqual([])
    expect(await w.balance(poor)).toBe(15_49)
    expect((await w.order({ account: String(trusted), pricelist: String(vds), period: '1' })).status).toBe(2)
    expect(await w.balance(trusted)).toBe(-15_50)
    await w.books()
  })

  it('settleAccount activates ordered services in order while the money lasts', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    const vds = await w.tariff()
    for (let i = 0; i < 3; i++) await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    const statuses = async () => (await w.t.db.select().from(items).orderBy(items.id)).map((i) => i.status)
    expect(await statuses()).toEqual([1, 1, 1])
    await w.pay(acme, 40_00)
    expect(await w.t.store.write((tx) => settleAccount(tx, acme, w.t.clock()))).toEqual({ activated: 2, resumed: 0 })
    expect(await statuses()).toEqual([2, 2, 1])
    expect(await w.balance(acme)).toBe(40_00 - 2 * 15_50)
    expect((await w.chargesOf(2)).map((e) => e.description)).toEqual(['Setup: VDS-1', 'VDS-1, 1 month, until 2026-12-24'])
    await w.books()
  })

  it('describes charges in the client\'s language', async () => {
    const w = await servicesWorld()
    const ivan = await w.client('Иван', { lang: 'ru' })
    await w.pay(ivan, 100_00)
    const vds = await w.tariff({ setup_fee: '0' })
    await w.order({ account: String(ivan), pricelist: String(vds), period: '12' })
    expect((await w.chargesOf(1)).map((e) => e.description)).toEqual(['VDS-1, 12 месяцев, до 2027-11-24'])
  })

  it('refuses bad orders with typed errors, storing and charging nothing', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    await w.pay(acme, 1000_00)
    const paused = await w.client('Paused', { status: 'suspended' })
    await w.pay(paused, 1000_00)
    const vds = await w.tariff()
    const euro = await w.tariff({ name: 'Euro VDS', currency: 'EUR' })
    const hidden = await w.tariff({ name: 'Old VDS', orderable: 'off' })
    const cases: [Record<string, string>, string, string][] = [
      [{ account: '999', pricelist: String(vds), period: '1' }, 'missed', 'account'],
      [{ account: 'x', pricelist: String(vds), period: '1' }, 'value', 'account'],
      [{ account: String(acme), pricelist: '999', period: '1' }, 'missed', 'pricelist'],
      [{ account: String(acme), pricelist: String(vds), period: '3' }, 'value', 'period'],
      [{ account: String(acme), pricelist: String(vds), period: '2' }, 'value', 'period'],
      [{ account: String(acme), pricelist: String(vds) }, 'missed', 'period'],
      [{ account: String(acme), pricelist: String(euro), period: '1' }, 'value', 'pricelist'],
      [{ account: String(acme), pricelist: String(hidden), period: '1' }, 'value', 'pricelist'],
      [{ account: String(paused), pricelist: String(vds), period: '1' }, 'value', 'account'],
      [{ account: String(acme), pricelist: String(vds), period: '1', name: 'x'.repeat(129) }, 'value', 'name'],
      [{ account: String(acme), pricelist: String(vds), period: '1', auto_renew: 'maybe' }, 'value', 'auto_renew'],
      [{ pricelist: String(vds), period: '1' }, 'missed', 'account'],
    ]
    for (const [params, type, object] of cases) {
      const reply = await w.order(params)
      expect(reply.error, JSON.stringify(params)).toMatchObject({ type, object })
      expect(reply.error.msg).not.toMatch(/errors:|\[object/)
    }
    const unknown = await w.order({ account: String(acme), pricelist: '999', period: '1' })
    expect(unknown.error.msg).toBe('Tariff plan "999" does not exist')
    const ru = await w.t.data({ func: 'item.order', lang: 'ru', account: String(acme), pricelist: String(vds), period: '3', ...asAdmin })
    expect(ru.error.msg).toBe('Тарифный план не предлагает период 3 мес.')
    expect(await w.t.db.select().from(items)).toEqual([])
    expect(await w.t.db.select().from(expenses)).toEqual([])
    expect(await w.balance(acme)).toBe(1000_00)
    await w.books()
  })

  it('item.edit views a service, creates one by ordering, and changes only its name and auto-renewal', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    await w.pay(acme, 100_00)
    const vds = await w.tariff()
    const blank = await w.t.data({ func: 'item.edit', ...asAdmin })
    expect(blank).toMatchObject({ elid: '', auto_renew: true })
    const created = await w.t.data({ func: 'item.edit', sok: 'ok', account: String(acme), pricelist: String(vds), period: '1', name: 'db1', ...asAdmin })
    expect(created).toEqual({ ok: true, id: 1 })
    expect(await w.t.data({ func: 'item.edit', elid: '1', ...asAdmin })).toMatchObject({
      elid: 1,
      account: acme,
      pricelist: vds,
      period: '1',
      name: 'db1',
      auto_renew: true,
      status: '2',
      expires: '2026-12-24',
      cost: '10.50',
    })
    expect(await w.t.data({ func: 'item.edit', elid: '1', sok: 'ok', name: 'db-main', auto_renew: 'off', account: String(acme), period: '1', ...asAdmin })).toEqual({ ok: true })
    expect(await w.item(1)).toMatchObject({ name: 'db-main', autoRenew: false, period: 1, status: 2 })
    expect((await w.t.data({ func: 'item.edit', elid: '1', sok: 'ok', period: '12', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'period' })
    expect((await w.t.data({ func: 'item.edit', elid: '1', sok: 'ok', pricelist: '7', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'pricelist' })
    expect((await w.t.data({ func: 'item.edit', elid: '1', sok: 'ok', name: 'y'.repeat(200), ...asAdmin })).error).toMatchObject({ type: 'value', object: 'name' })
    expect((await w.t.data({ func: 'item.edit', elid: '42', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'elid' })
    expect(await w.item(1)).toMatchObject({ name: 'db-main', period: 1, pricelistId: vds })
    await w.books()
  })
})

describe('renewing a service by hand', () => {
  it('service.prolong charges a period from the current expiry and answers newexpiredate', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    await w.pay(acme, 200_00)
    const vds = await w.tariff()
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    expect(await w.t.data({ func: 'service.prolong', elid: '1', ...asAdmin })).toEqual({ newexpiredate: '2027-01-24' })
    expect(await w.t.data({ func: 'service.prolong', elid: '1', period: '12', ...asAdmin })).toEqual({ newexpiredate: '2028-01-24' })
    expect((await w.chargesOf(1)).map((e) => [e.amount, e.description])).toEqual([
      [5_00, 'Setup: VDS-1'],
      [10_50, 'VDS-1, 1 month, until 2026-12-24'],
      [10_50, 'VDS-1, 1 month, until 2027-01-24'],
      [100_00, 'VDS-1, 12 months, until 2028-01-24'],
    ])
    expect(await w.item(1)).toMatchObject({ period: 1, expiresAt: Date.UTC(2028, 0, 24, 12) })
    expect(await w.balance(acme)).toBe(200_00 - 5_00 - 3 * 10_50 + 10_50 - 100_00)
    await w.books()
  })

  it('refuses without money, for a period not offered, and for services not active or suspended', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    await w.pay(acme, 20_00)
    const vds = await w.tariff()
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    const before = await w.balance(acme)
    const poor = await w.t.data({ func: 'service.prolong', elid: '1', ...asAdmin })
    expect(poor.error).toMatchObject({ type: 'value', object: 'balance', value: '10.50 USD' })
    expect(poor.error.msg).toBe('Not enough money: 10.50 USD is needed, the balance and credit limit allow 4.50 USD')
    expect((await w.t.data({ func: 'service.prolong', elid: '1', period: '6', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'period' })
    expect((await w.t.data({ func: 'service.prolong', elid: '2', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'elid' })
    expect((await w.t.data({ func: 'service.prolong', elid: '99', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'elid' })
    expect((await w.t.data({ func: 'service.prolong', elid: 'abc', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'elid' })
    await w.t.data({ func: 'item.delete', elid: '1', ...asAdmin })
    await w.pay(acme, 100_00)
    expect((await w.t.data({ func: 'service.prolong', elid: '1', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'elid' })
    expect(await w.balance(acme)).toBe(before + 100_00)
    expect((await w.item(1)).expiresAt).toBe(Date.UTC(2026, 11, 24, 12))
    await w.books()
  })
})

describe('suspending, resuming and closing', () => {
  it('an operator suspends and resumes; closing keeps what was paid', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    await w.pay(acme, 100_00)
    const vds = await w.tariff()
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    expect(await w.t.data({ func: 'item.suspend', elid: '1, 2', ...asAdmin })).toEqual({ ok: true })
    expect([await w.item(1), await w.item(2)].map((i) => [i.status, i.suspendReason])).toEqual([[3, ''], [3, '']])
    expect(await w.t.data({ func: 'item.resume', elid: '1', ...asAdmin })).toEqual({ ok: true })
    expect((await w.item(1)).status).toBe(2)
    const paid = await w.balance(acme)
    expect(await w.t.data({ func: 'item.delete', elid: '1, 2, 77', ...asAdmin })).toEqual({ ok: true })
    expect([(await w.item(1)).status, (await w.item(2)).status]).toEqual([4, 4])
    expect(await w.balance(acme)).toBe(paid)
    expect((await w.t.data({ func: 'item.resume', elid: '1', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'elid', value: '1' })
    expect((await w.t.data({ func: 'item.suspend', elid: '2', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'elid' })
    expect((await w.t.data({ func: 'item', filter: 'on', status: '4', ...asAdmin })).elem.map((i: { id: number }) => i.id)).toEqual([1, 2])
    await w.books()
  })

  it('resuming a service suspended for non-payment whose time ended renews it first, or is refused', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    await w.pay(acme, 15_50)
    const vds = await w.tariff()
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    w.t.clock.advance(31 * day)
    expect(await w.t.data({ func: 'item.renewal', ...asAdmin })).toEqual({ renewed: 0, suspended: 1, expired: 0 })
    expect(await w.item(1)).toMatchObject({ status: 3, suspendReason: 'nopay' })
    const refused = await w.t.data({ func: 'item.resume', elid: '1', ...asAdmin })
    expect(refused.error).toMatchObject({ type: 'value', object: 'balance' })
    expect(await w.item(1)).toMatchObject({ status: 3, suspendReason: 'nopay', expiresAt: Date.UTC(2026, 11, 24, 12) })
    await w.pay(acme, 10_50)
    expect(await w.t.data({ func: 'item.resume', elid: '1', ...asAdmin })).toEqual({ ok: true })
    expect(await w.item(1)).toMatchObject({ status: 2, suspendReason: '', expiresAt: Date.UTC(2027, 0, 24, 12) })
    expect(await w.balance(acme)).toBe(0)
    await w.books()
  })
})

describe('who sees and changes which services', () => {
  async function owners() {
    const w = await servicesWorld()
    const north = await w.t.createReseller('North')
    const south = await w.t.createReseller('South')
    const northClient = await w.client('North client', { resellerId: north })
    const southClient = await w.client('South client', { resellerId: south })
    const otherNorth = await w.client('Other north client', { resellerId: north })
    for (const c of [northClient, southClient, otherNorth]) await w.pay(c, 100_00)
    await w.t.createUser('nstaff', '24', 'north-secret-1', { reseller: String(north) })
    await w.t.createUser('bob', '16', 'user-secret-1', { account: String(northClient) })
    const vds = await w.tariff()
    for (const c of [northClient, southClient, otherNorth]) await w.order({ account: String(c), pricelist: String(vds), period: '1', name: `svc-${c}` })
    return { w, northClient, southClient, otherNorth, vds }
  }
  const asNorth = { authinfo: 'nstaff:north-secret-1' }
  const asBob = { authinfo: 'bob:user-secret-1' }
  const ids = (reply: { elem?: { id: number }[] }) => (reply.elem ?? []).map((e) => e.id)

  it("a reseller's staff sees and manages only its own clients' services", async () => {
    const { w, southClient, vds } = await owners()
    expect(ids(await w.t.data({ func: 'item', ...asNorth }))).toEqual([1, 3])
    expect(ids(await w.t.data({ func: 'item', filter: 'on', account: String(southClient), ...asNorth }))).toEqual([])
    for (const func of ['item.edit', 'item.suspend', 'item.resume', 'item.delete', 'service.prolong']) {
      const reply = await w.t.data({ func, elid: '2', ...asNorth })
      expect(reply.error, func).toMatchObject({ type: 'access', object: 'elid' })
      expect(JSON.stringify(reply)).not.toContain('svc-')
    }
    expect((await w.order({ account: String(southClient), pricelist: String(vds), period: '1' }, asNorth)).error).toMatchObject({ type: 'access', object: 'account' })
    expect(await w.t.data({ func: 'item.suspend', elid: '3', ...asNorth })).toEqual({ ok: true })
    expect((await w.item(2)).status).toBe(2)
    expect((await w.item(3)).status).toBe(3)
  })

  it('a client user orders for its own client only, sees only its services, and cannot suspend', async () => {
    const { w, northClient, otherNorth, vds } = await owners()
    expect(await w.order({ pricelist: String(vds), period: '1' }, asBob)).toEqual({ id: 4, status: 2, expires: '2026-12-24' })
    expect((await w.item(4)).accountId).toBe(northClient)
    expect((await w.order({ account: String(otherNorth), pricelist: String(vds), period: '1' }, asBob)).error).toMatchObject({ type: 'access', object: 'account' })
    expect(ids(await w.t.data({ func: 'item', ...asBob }))).toEqual([1, 4])
    expect((await w.t.data({ func: 'item.edit', elid: '3', ...asBob })).error).toMatchObject({ type: 'access', object: 'elid' })
    expect((await w.t.data({ func: 'item.suspend', elid: '1', ...asBob })).error).toMatchObject({ type: 'access', object: 'func' })
    expect((await w.t.data({ func: 'item.renewal', ...asBob })).error).toMatchObject({ type: 'access', object: 'func' })
    expect(await w.t.data({ func: 'item.edit', elid: '1', sok: 'ok', auto_renew: 'off', ...asBob })).toEqual({ ok: true })
    expect(await w.t.data({ func: 'service.prolong', elid: '1', ...asBob })).toEqual({ newexpiredate: '2027-01-24' })
    expect((await w.t.data({ func: 'item', su: 'bob', ...asNorth })).elem.map((e: { id: number }) => e.id)).toEqual([1, 4])
    await w.books()
  })
})

describe('the service list', () => {
  it('filters by client, tariff, status, product type and expiry, sorts and pages in SQL', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    const zeta = await w.client('Zeta')
    await w.pay(acme, 1000_00)
    const vds = await w.tariff()
    const hosting = await w.tariff({ name: 'Hosting S', product_type: 'hosting', setup_fee: '0', price_1: '3', price_12: '30' })
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    await w.order({ account: String(acme), pricelist: String(hosting), period: '12' })
    await w.order({ account: String(zeta), pricelist: String(hosting), period: '1' })
    const list = (params: Record<string, string>) => w.t.data({ func: 'item', ...asAdmin, ...params })
    const ids = async (params: Record<string, string>) => (await list(params)).elem.map((e: { id: number }) => e.id)
    expect(await ids({ filter: 'on', account: String(acme) })).toEqual([1, 2])
    expect(await ids({ filter: 'on', pricelist: String(hosting) })).toEqual([2, 3])
    expect(await ids({ filter: 'on', status: '1' })).toEqual([3])
    expect(await ids({ filter: 'on', product_type: 'hosting', status: '2' })).toEqual([2])
    expect(await ids({ filter: 'on', expires_from: '2026-12-24', expires_to: '2026-12-24' })).toEqual([1])
    expect(await ids({ filter: 'on', expires_from: '2027-01-01' })).toEqual([2])
    expect(await ids({ filter: 'on', expires_to: '2026-12-23' })).toEqual([])
    expect(await ids({ p_sort: 'account_name', p_order: 'desc' })).toEqual([3, 2, 1])
    expect(await ids({ p_sort: 'expires', p_order: 'desc' })).toEqual([2, 1, 3])
    const page = await list({ p_cnt: '2', p_num: '2' })
    expect(page.elem.map((e: { id: number }) => e.id)).toEqual([3])
    expect(page.p_elems).toBe(3)
    expect((await list({ filter: 'on', expires_from: '2026-13-01' })).error).toMatchObject({ type: 'value', object: 'expires_from' })
    expect((await list({ filter: 'on', status: '9' })).error).toMatchObject({ type: 'value', object: 'status' })
    const { text } = await w.t.call({ func: 'item', out: 'xml', ...asAdmin })
    expect(text).toContain('<pricelist>Hosting S</pricelist>')
    expect(text).toContain('<cost>30.00</cost>')
    expect(text).toContain('<p_elems>3</p_elems>')
  })
})

describe('tariffs that services use', () => {
  it('cannot be deleted; unused ones can', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    const vds = await w.tariff()
    const spare = await w.tariff({ name: 'Spare' })
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    const refused = await w.t.data({ func: 'pricelist.delete', elid: `${spare}, ${vds}`, ...asAdmin })
    expect(refused.error).toMatchObject({ type: 'value', object: 'elid', value: String(vds) })
    expect(refused.error.msg).toBe(`The tariff plan ${vds} has services: it cannot be deleted`)
    expect(await w.t.db.select().from(pricelists)).toHaveLength(2)
    expect(await w.t.data({ func: 'pricelist.delete', elid: String(spare), ...asAdmin })).toEqual({ ok: true })
    expect(await w.t.db.select().from(pricelists).where(eq(pricelists.id, vds))).toHaveLength(1)
    expect(await w.t.db.select().from(accounts)).toHaveLength(1)
  })
})

describe('services in the panel', () => {
  it('lists them with status labels, orders through the form and closes them with a group button', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    await w.pay(acme, 100_00)
    const vds = await w.tariff()
    const b = browser(w.t)
    expect((await b.post({ func: 'auth', username: 'admin', password: adminPassword })).res.status).toBe(303)
    const form = await b.get('/billmgr?func=item.edit')
    expect(form.res.status).toBe(200)
    expect(form.html).toContain('VDS-1 (USD)')
    const ordered = await b.post({ func: 'item.edit', sok: 'ok', csrf: csrfOf(form.html), account: String(acme), pricelist: String(vds), period: '1', name: 'panel-vm', auto_renew: 'on' })
    expect(ordered.res.status).toBe(303)
    expect(ordered.res.headers.get('location')).toBe('/billmgr?func=item')
    const list = await b.get('/billmgr?func=item')
    expect(list.html).toContain('panel-vm')
    expect(list.html).toContain('<td>Active</td>')
    const closed = await b.post({ func: 'item.delete', elid: '1', csrf: csrfOf(list.html) })
    expect(closed.res.status).toBe(303)
    expect((await b.get('/billmgr?func=item')).html).toContain('<td>Deleted</td>')
    const expensesPage = await b.get('/billmgr?func=expense')
    expect(expensesPage.html).toContain('Setup: VDS-1')
    await w.books()
  })
})
