import { beforeAll, describe, expect, it } from 'vitest'
import { balanceDrift } from '../../src/billing/ledger'
import { accountFields, accounts, payments, resellers } from '../../src/db/schema/index'
import { jerasoftMethods } from '../../src/doors/jsonrpc/aliases'
import { adminPassword, makeTestApp, type TestApp } from '../helpers'
import { rpcClient } from './rpc'

/**
 * One operator, built through the JeraSoft methods themselves where they create things: a company,
 * clients, a tariff, an ordered service, payments, an invoice and usage records.
 */
let t: TestApp
let rpc: ReturnType<typeof rpcClient>
let sid: string
let company: number
let client: number
let tariff: number
const tested = new Set<string>()

async function js(method: string, params: Record<string, unknown> = {}) {
  tested.add(method)
  return rpc.call(method, { SID: sid, ...params })
}

async function jsOk(method: string, params: Record<string, unknown> = {}) {
  const entry = await js(method, params)
  expect(entry.result, `${method}: ${JSON.stringify(entry)}`).toMatchObject({ code: true, errors: [] })
  return entry.result!.return
}

beforeAll(async () => {
  t = await makeTestApp()
  rpc = rpcClient(t)
  sid = await rpc.login()
  company = (await jsOk('companies.add', { type: 10, name: 'TESTCOMPANY', id_companies: '', prepaid: 1, credit: '0.00', apply: 1 })).id
  client = (await jsOk('clients.add', { name: 'Customer A', id_companies: company, currency: 'USD', credit: '100', c_email: 'a@example.net', apply: 1 })).id
  tariff = (await rpc.ok('pricelist.edit', { SID: sid, name: 'VDS-1', product_type: 'vds', currency: 'USD', setup_fee: '5', price_1: '10.50', sok: 'ok' })).id
})

describe('clients', () => {
  it('clients.add creates with apply: 1 and answers its id; without apply it only shows the form', async () => {
    expect(client).toBe(1)
    const stored = (await t.db.select().from(accounts).orderBy(accounts.id))[0]
    expect(stored).toMatchObject({ name: 'Customer A', email: 'a@example.net', resellerId: company, creditLimit: 10000 })
    const shown = await jsOk('clients.add', { name: 'Not saved', currency: 'USD' })
    expect(shown.client).toMatchObject({ name: '', credit: '0' })
    expect(await t.db.select().from(accounts)).toHaveLength(1)
  })

  it('clients.addForm: the defaults of a new client, never saved', async () => {
    const form = await jsOk('clients.addForm', { apply: 1, name: 'Ignored', currency: 'USD' })
    expect(form).toEqual({
      client: { name: '', c_email: '', id_companies: null, currency: '', credit: '0', language: '', allowed_addresses: '', notes: '', status: null, balance: null, c_dt: null },
    })
    expect(await t.db.select().from(accounts)).toHaveLength(1)
  })

  it('clients.editForm: return.client with JeraSoft names, numbers and a UTC timestamp', async () => {
    const form = await jsOk('clients.editForm', { id_clients: client })
    expect(form.client).toEqual({
      id: client,
      name: 'Customer A',
      c_email: 'a@example.net',
      id_companies: company,
      currency: 'USD',
      credit: '100.00',
      language: '',
      allowed_addresses: '',
      notes: '',
      status: 'active',
      balance: '0.00',
      c_dt: '2026-11-24 12:00:00+00',
    })
    const missing = await js('clients.editForm', { id_clients: 999 })
    expect(missing.result).toMatchObject({ code: false, return: null, errors: [{ code: 'missed', field: 'id_clients', value: '999' }] })
  })

  it('clients.edit saves with apply: 1', async () => {
    expect(await jsOk('clients.edit', { id_clients: client, notes: 'VIP', credit: '150.5', apply: 1 })).toEqual({ id: client })
    expect((await t.db.select().from(accounts).orderBy(accounts.id))[0]).toMatchObject({ note: 'VIP', creditLimit: 15050 })
    const bad = await js('clients.edit', { id_clients: client, c_email: 'not-an-email', apply: 1 })
    expect(bad.result!.errors).toEqual([expect.objectContaining({ code: 'value', field: 'c_email', value: 'not-an-email' })])
  })

  it('clients.list: rows with JeraSoft names, paged by limit/offset, filtered by field', async () => {
    for (const name of ['Customer B', 'Customer C', 'Other D']) await jsOk('clients.add', { name, currency: 'EUR', apply: 1 })
    const all = await jsOk('clients.list')
    expect(all).toMatchObject({ total: 4, limit: 100, offset: 0 })
    expect(all.rows[0]).toEqual({
      id: client,
      name: 'Customer A',
      c_email: 'a@example.net',
      reseller: 'TESTCOMPANY',
      currency: 'USD',
      balance: '0.00',
      credit: '150.50',
      status: 'active',
      c_dt: '2026-11-24 12:00:00+00',
    })
    const page = await jsOk('clients.list', { limit: 2, offset: 2 })
    expect(page).toMatchObject({ total: 4, limit: 2, offset: 2 })
    expect(page.rows.map((r: { name: string }) => r.name)).toEqual(['Customer C', 'Other D'])
    // Past the end: no rows, so a script paging on stops.
    expect(await jsOk('clients.list', { limit: 2, offset: 6 })).toMatchObject({ rows: [], total: 4, offset: 6 })
    const misaligned = await js('clients.list', { limit: 2, offset: 3 })
    expect(misaligned.result!.errors).toEqual([expect.objectContaining({ code: 'value', field: 'offset', value: '3' })])
    const filtered = await jsOk('clients.list', { name: 'Customer', currency: 'EUR' })
    expect(filtered.rows.map((r: { name: string }) => r.name)).toEqual(['Customer B', 'Customer C'])
    expect((await jsOk('clients.list', { id_companies: company })).rows.map((r: { id: number }) => r.id)).toEqual([client])
  })

  it('clients.fieldsUpdate saves fields[i][id] / fields[i][value], creating what is new; clients.fieldsList lists them', async () => {
    const saved = await jsOk('clients.fieldsUpdate', { id_clients: client, fields: [{ id: 'contract', value: 'C-17' }, { id: 'manager', value: 'Olga' }] })
    expect(saved).toEqual({ saved: 2 })
    // Form-style keys, updating one and adding another.
    expect(await jsOk('clients.fieldsUpdate', { id_clients: client, 'fields[0][id]': 'contract', 'fields[0][value]': 'C-18', 'fields[1][id]': 'vat', 'fields[1][value]': 'no' })).toEqual({ saved: 2 })
    const list = await jsOk('clients.fieldsList', { id_clients: client })
    expect(list).toEqual({
      rows: [
        { id: 'contract', value: 'C-18' },
        { id: 'manager', value: 'Olga' },
        { id: 'vat', value: 'no' },
      ],
      total: 3,
      limit: 100,
      offset: 0,
    })
    const bad = await js('clients.fieldsUpdate', { id_clients: client, fields: [{ id: 'ok_name', value: '1' }, { id: 'bad name!', value: '2' }] })
    expect(bad.result!.errors).toEqual([expect.objectContaining({ code: 'value', field: 'fields[1][id]', value: 'bad name!' })])
    expect((await t.db.select().from(accountFields)).map((f) => f.name).sort()).toEqual(['contract', 'manager', 'vat'])
    const none = await js('clients.fieldsUpdate', { id_clients: client })
    expect(none.result!.errors).toEqual([expect.objectContaining({ code: 'missed', field: 'fields' })])
  })

  it('clients.fieldsUpdate is all or none: a bad field in the middle leaves every field as it was', async () => {
    const before = await t.db.select().from(accountFields).orderBy(accountFields.accountId, accountFields.name)
    const fields = [
      { id: 'contract', value: 'C-99' },
      { id: 'manager', value: 'x'.repeat(1001) },
      { id: 'brand_new', value: 'never' },
    ]
    const bad = await js('clients.fieldsUpdate', { id_clients: client, fields })
    expect(bad.result).toMatchObject({ code: false, errors: [{ code: 'value', field: 'fields[1][value]' }] })
    expect(await t.db.select().from(accountFields).orderBy(accountFields.accountId, accountFields.name)).toEqual(before)
    // The same through the URL protocol's function, which takes the fields as one JSON array.
    const url = await t.data({ func: 'account.customfields.update', authinfo: `admin:${adminPassword}`, plid: String(client), fields: JSON.stringify([{ name: 'contract', value: 'C-99' }, { name: 'bad name!' }]) })
    expect(url.error).toMatchObject({ type: 'value', object: 'fields[1][name]', value: 'bad name!' })
    expect(await t.db.select().from(accountFields).orderBy(accountFields.accountId, accountFields.name)).toEqual(before)
    expect(await t.data({ func: 'account.customfields.update', authinfo: `admin:${adminPassword}`, plid: String(client), fields: '{"contract": 1}' })).toMatchObject({ error: { type: 'value', object: 'fields' } })
    expect(await t.data({ func: 'account.customfields.update', authinfo: `admin:${adminPassword}`, plid: String(client), fields: JSON.stringify([{ name: 'contract', value: 'C-99' }]) })).toMatchObject({ saved: 1 })
    expect((await t.db.select().from(accountFields)).find((f) => f.name === 'contract')!.value).toBe('C-99')
  })

  it('clients.packagesAdd orders a tariff for the client; clients.packagesList lists its services', async () => {
    const ordered = await jsOk('clients.packagesAdd', { id_clients: client, id_packages: tariff })
    expect(ordered).toMatchObject({ id: 1, status: 2, expires: '2026-12-24' })
    const list = await jsOk('clients.packagesList', { id_clients: client })
    expect(list).toMatchObject({ total: 1, limit: 100, offset: 0 })
    expect(list.rows[0]).toMatchObject({ id: 1, id_clients: client, pricelist: 'VDS-1', period: 1, status: 2, auto_renew: true, cost: '10.50' })
    expect((await jsOk('clients.packagesList', { id_clients: 2 })).rows).toEqual([])
    expect(await balanceDrift(t.db)).toEqual([])
  })

  it('clients.archive and clients.delete act on id_clients', async () => {
    const spare = (await jsOk('clients.add', { name: 'Spare', currency: 'USD', apply: 1 })).id
    expect(await jsOk('clients.archive', { id_clients: spare })).toEqual({ ok: true })
    expect((await t.db.select().from(accounts)).find((a) => a.id === spare)!.status).toBe('archived')
    // A client with a live service cannot be archived: the error names id_clients.
    const refused = await js('clients.archive', { id_clients: client })
    expect(refused.result!.errors).toEqual([expect.objectContaining({ code: 'value', field: 'id_clients', value: String(client) })])
    expect(await jsOk('clients.delete', { id_clients: [spare] })).toEqual({ ok: true })
    expect((await t.db.select().from(accounts)).some((a) => a.id === spare)).toBe(false)
  })
})

describe('companies and packages', () => {
  it('companies.list, companies.editForm and companies.edit', async () => {
    const list = await jsOk('companies.list')
    expect(list).toEqual({ rows: [{ id: company, name: 'TESTCOMPANY', c_email: '', status: 'active', c_dt: '2026-11-24 12:00:00+00' }], total: 1, limit: 100, offset: 0 })
    expect(await jsOk('companies.editForm', { id_companies: company })).toEqual({ company: { id: company, name: 'TESTCOMPANY', c_email: '', notes: '', status: 'active' } })
    expect(await jsOk('companies.edit', { id_companies: company, name: 'TESTCOMPANY 2', apply: 1 })).toEqual({ id: company })
    expect((await t.db.select().from(resellers).orderBy(resellers.id))[0].name).toBe('TESTCOMPANY 2')
  })

  it('packages.list and packages.editForm (return.info)', async () => {
    const list = await jsOk('packages.list', { limit: 10 })
    expect(list).toMatchObject({ total: 1, limit: 10, offset: 0 })
    expect(list.rows[0]).toEqual({
      id: tariff, name: 'VDS-1', product_type: 'vds', currency: 'USD', setup_fee: '5.00', price_1: '10.50', price_3: null, price_6: null, price_12: null, orderable: true, active: true,
    })
    const form = await jsOk('packages.editForm', { id_packages: tariff })
    expect(form.info).toMatchObject({ id: tariff, name: 'VDS-1', setup_fee: '5.00', price_1: '10.50', price_3: null, orderable: true, active: true })
  })
})

describe('payments and invoices', () => {
  it('payments.add, payments.editForm, payments.edit, payments.list, payments.delete', async () => {
    const added = await jsOk('payments.add', { id_clients: client, amount: '40.25', notes: 'wire', apply: 1 })
    const id = added.id
    expect(typeof id).toBe('number')
    const form = await jsOk('payments.editForm', { id_payments: id })
    expect(form.payment).toEqual({
      id, id_clients: client, paymethod: null, amount: '40.25', number: String(id), sender: '', notes: 'wire', status: 1, currency: 'USD', c_dt: '2026-11-24 12:00:00+00', paid: null,
    })
    expect(await jsOk('payments.edit', { id_payments: id, sender: 'ACME', apply: 1 })).toEqual({ id })
    const list = await jsOk('payments.list', { id_clients: client })
    expect(list).toMatchObject({ total: 1, limit: 100, offset: 0 })
    expect(list.rows[0]).toMatchObject({ id, id_clients: client, amount: '40.25', status: 1, sender: 'ACME', c_dt: '2026-11-24 12:00:00+00', paid: null })
    const negative = await js('payments.add', { id_clients: client, amount: '-5', apply: 1 })
    expect(negative.result!.errors).toEqual([expect.objectContaining({ code: 'value', field: 'amount' })])
    const unknownClient = await js('payments.add', { id_clients: 999, amount: '5', apply: 1 })
    expect(unknownClient.result!.errors).toEqual([expect.objectContaining({ field: 'id_clients', value: '999' })])
    expect(await jsOk('payments.delete', { id_payments: id })).toEqual({ ok: true })
    expect(await t.db.select().from(payments)).toEqual([])
  })

  it('invoices.list and invoices.editForm', async () => {
    const issued = await rpc.ok('invoice.generate', { SID: sid, account: client, from: '2026-11-01', to: '2026-11-30' })
    const list = await jsOk('invoices.list', { id_clients: client })
    expect(list).toMatchObject({ total: 1, limit: 100, offset: 0 })
    expect(list.rows[0]).toMatchObject({ id: issued.id, number: issued.number, id_clients: client, amount: '15.50', status: 'new', paid: null, period_from: '2026-11-01' })
    const form = await jsOk('invoices.editForm', { id_invoices: issued.id })
    expect(form.invoice).toMatchObject({ id: issued.id, id_clients: client, account_name: 'Customer A', amount: '15.50', c_dt: '2026-11-24 12:00:00+00', paid: null })
  })

  it('xdrs.list: usage records in a time range, by limit/offset', async () => {
    const records = [0, 1, 2].map((i) => ({ item: 1, start: `2026-11-0${i + 1} 10:00:00`, quantity: 60, unit_price: '0.01' }))
    expect(await rpc.ok('xdr.import', { SID: sid, data: JSON.stringify(records) })).toEqual({ imported: 3 })
    const range = await jsOk('xdrs.list', { dt_from: '2026-11-02', dt_till: '2026-11-04', limit: 1 })
    expect(range).toMatchObject({ total: 2, limit: 1, offset: 0 })
    expect(range.rows).toEqual([
      { id: 2, item: 1, id_clients: client, account_name: 'Customer A', started: '2026-11-02 10:00:00+00', quantity: 60, unit_price: '0.01', cost: '0.60', currency: 'USD', expense: null },
    ])
    const next = await jsOk('xdrs.list', { dt_from: '2026-11-02', dt_till: '2026-11-04', limit: 1, offset: 1 })
    expect(next.rows.map((r: { id: number }) => r.id)).toEqual([3])
  })
})

describe('the table', () => {
  it('every JeraSoft method was called above', () => {
    expect([...tested].sort()).toEqual(Object.keys(jerasoftMethods).sort())
  })
})
