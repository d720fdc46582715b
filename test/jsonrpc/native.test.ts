import { describe, expect, it } from 'vitest'
import { accounts, payments } from '../../src/db/schema/index'
import { jerasoftMethods } from '../../src/doors/jsonrpc/aliases'
import { makeTestApp } from '../helpers'
import { rpcClient } from './rpc'

async function setup() {
  const t = await makeTestApp()
  const rpc = rpcClient(t)
  const sid = await rpc.login()
  return { t, rpc, sid }
}

describe('functions under their own names', () => {
  it('a form: fields with typed values; sok or apply saves; id after a create', async () => {
    const { t, rpc, sid } = await setup()
    const created = await rpc.ok('account.edit', { SID: sid, name: 'Typed', currency: 'USD', credit_limit: 25, apply: 1 })
    expect(created).toEqual({ ok: true, id: 1 })
    expect(await rpc.ok('account.edit', { SID: sid, elid: 1, note: 'changed', sok: 'ok' })).toEqual({ ok: true })
    // apply: 0 (or false) does not save: the form is shown.
    const shown = await rpc.ok('account.edit', { SID: sid, elid: 1, note: 'not saved', apply: 0 })
    expect(shown).toEqual({
      elid: 1,
      name: 'Typed',
      email: '',
      reseller: null,
      currency: 'USD',
      credit_limit: '25.00',
      language: '',
      allowed_addresses: '',
      note: 'changed',
      status: 'active',
      balance: '0.00',
      created: '2026-11-24 12:00:00+00',
    })
    const tariff = await rpc.ok('pricelist.edit', { SID: sid, name: 'T', product_type: 'vds', currency: 'USD', price_1: '1', orderable: false, sok: true })
    const form = await rpc.ok('pricelist.edit', { SID: sid, elid: tariff.id })
    expect(form).toMatchObject({ elid: tariff.id, orderable: false, active: true, price_1: '1.00', price_3: null })
    expect((await t.db.select().from(accounts).orderBy(accounts.id))[0].note).toBe('changed')
  })

  it('a list: rows with total and paging; numbers as numbers, flags as booleans, UTC timestamps', async () => {
    const { rpc, sid } = await setup()
    for (const name of ['One', 'Two', 'Three']) await rpc.ok('account.edit', { SID: sid, name, currency: 'USD', apply: 1 })
    await rpc.ok('payment.edit', { SID: sid, account: 2, amount: '12.30', apply: 1 })
    await rpc.ok('payment.setpaid', { SID: sid, elid: 1 })
    const page = await rpc.ok('account', { SID: sid, p_cnt: 2, p_num: 2, p_sort: 'name', p_order: 'asc' })
    expect(page).toEqual({
      rows: [{ id: 2, name: 'Two', email: '', reseller: '', currency: 'USD', balance: '12.30', credit_limit: '0.00', status: 'active', created: '2026-11-24 12:00:00+00' }],
      total: 3,
      p_num: 2,
      p_cnt: 2,
      p_sort: 'name',
      p_order: 'asc',
    })
    const paid = await rpc.ok('payment', { SID: sid })
    expect(paid.rows[0]).toMatchObject({ id: 1, account: 2, status: 4, paid: '2026-11-24 12:00:00+00', amount: '12.30' })
    const tariffs = await rpc.ok('pricelist', { SID: sid })
    expect(tariffs).toMatchObject({ rows: [], total: 0 })
    const filtered = await rpc.ok('account', { SID: sid, filter: 'on', name: 'T' })
    expect(filtered.rows.map((r: { name: string }) => r.name)).toEqual(['Two', 'Three'])
  })

  it('a group takes elid as a list or an array', async () => {
    const { t, rpc, sid } = await setup()
    for (const name of ['A', 'B', 'C']) await rpc.ok('account.edit', { SID: sid, name, currency: 'USD', apply: 1 })
    expect(await rpc.ok('account.suspend', { SID: sid, elid: [1, 2] })).toEqual({ ok: true })
    expect(await rpc.ok('account.resume', { SID: sid, elid: '2, 3' })).toEqual({ ok: true })
    expect((await t.db.select().from(accounts).orderBy(accounts.id)).map((a) => a.status)).toEqual(['suspended', 'active', 'active'])
  })

  it('an action answers its own values; func=auth as a method answers the new session', async () => {
    const { t, rpc, sid } = await setup()
    await rpc.ok('account.edit', { SID: sid, name: 'A', currency: 'USD', apply: 1 })
    const rated = await rpc.ok('xdr.rate', { SID: sid, todate: '2026-11-30' })
    expect(rated).toEqual({ expenses: 0, records: 0, total: '' })
    const entry = await rpc.call('auth', { username: 'admin', password: 'admin-secret-1' })
    expect(entry.result!.session_id).toBe(entry.result!.return.auth)
    expect(await t.db.select().from(payments)).toEqual([])
  })

  it('owners see only their own: other clients are access errors, lists never show them', async () => {
    const { t, rpc, sid } = await setup()
    const mine = (await rpc.ok('account.edit', { SID: sid, name: 'Mine', currency: 'USD', apply: 1 })).id
    const theirs = (await rpc.ok('account.edit', { SID: sid, name: 'Theirs', currency: 'USD', apply: 1 })).id
    await rpc.ok('payment.edit', { SID: sid, account: theirs, amount: '5', apply: 1 })
    await t.createUser('client', '16', 'user-secret-1', { account: String(mine) })
    const user = await rpc.login('client', 'user-secret-1')
    expect((await rpc.ok('clients.list', { SID: user })).rows.map((r: { id: number }) => r.id)).toEqual([mine])
    const other = await rpc.call('clients.editForm', { SID: user, id_clients: theirs })
    expect(other.result).toMatchObject({ code: false, return: null, errors: [{ code: 'access', field: 'id_clients' }] })
    expect((await rpc.ok('payments.list', { SID: user })).rows).toEqual([])
    expect((await rpc.call('payments.editForm', { SID: user, id_payments: 1 })).result!.errors[0].code).toBe('access')
    const pay = await rpc.call('payments.add', { SID: user, id_clients: theirs, amount: '5', apply: 1 })
    expect(pay.result!.errors[0]).toMatchObject({ code: 'access', field: 'id_clients' })
    expect(await t.db.select().from(payments)).toHaveLength(1)
  })
})

describe('system.methods and rpc.discover', () => {
  it('lists what the caller may call, functions and JeraSoft names, with typed parameters and levels', async () => {
    const { t, rpc, sid } = await setup()
    const { methods, params } = await rpc.ok('system.methods', { SID: sid })
    const byName = new Map<string, any>(methods.map((m: { name: string }) => [m.name, m]))
    expect(params.map((p: { name: string }) => p.name)).toEqual(['SID', 'auth', 'su', 'lang', 'idempotency_key'])
    const edit = byName.get('payment.edit')
    expect(edit).toMatchObject({ function: 'payment.edit', kind: 'form', level: 16, title: expect.any(String) })
    expect(edit.params.find((p: { name: string }) => p.name === 'amount')).toEqual({ name: 'amount', type: 'money', required: true, label: 'Amount' })
    const status = edit.params.find((p: { name: string }) => p.name === 'status')
    expect(status).toMatchObject({ type: 'enum', readonly: true, values: expect.arrayContaining([{ value: '4', label: expect.any(String) }]) })
    for (const name of Object.keys(jerasoftMethods)) expect(byName.has(name), name).toBe(true)
    const clientsEdit = byName.get('clients.edit')
    expect(clientsEdit.function).toBe('account.edit')
    expect(clientsEdit.params.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['id_clients', 'apply', 'c_email', 'credit', 'id_companies']))
    expect(clientsEdit.params.map((p: { name: string }) => p.name)).not.toContain('elid')
    const clientsList = byName.get('clients.list')
    expect(clientsList.params.slice(0, 2).map((p: { name: string }) => p.name)).toEqual(['limit', 'offset'])
    expect(clientsList.columns.map((c: { name: string }) => c.name)).toContain('balance')
    expect(byName.get('clients.fieldsUpdate').params.map((p: { name: string }) => p.name)).toEqual(['id_clients', 'fields'])
    expect(byName.get('clients.packagesAdd').params.find((p: { name: string }) => p.name === 'period')).toMatchObject({ required: false, default: '1' })
    // A client user sees only what it may call.
    await t.createUser('ivan')
    const ivan = await rpc.login('ivan', 'user-secret-1')
    const own = (await rpc.ok('system.methods', { SID: ivan })).methods.map((m: { name: string }) => m.name)
    expect(own).toContain('payments.list')
    expect(own).not.toContain('companies.list')
    expect(own).not.toContain('user.edit')
  })

  it('is localised with lang', async () => {
    const { rpc, sid } = await setup()
    const ru = await rpc.ok('system.methods', { SID: sid, lang: 'ru' })
    const payment = ru.methods.find((m: { name: string }) => m.name === 'payment.edit')
    expect(payment.title).toMatch(/[а-я]/i)
    expect(payment.params.find((p: { name: string }) => p.name === 'amount').label).toMatch(/[а-я]/i)
    expect(ru.params[0].label).toMatch(/[а-я]/i)
  })

  it('rpc.discover is an OpenRPC document of the same methods', async () => {
    const { rpc, sid } = await setup()
    const doc = await rpc.ok('rpc.discover', { SID: sid })
    expect(doc.openrpc).toBe('1.2.6')
    const list = doc.methods.find((m: { name: string }) => m.name === 'payments.list')
    expect(list).toMatchObject({ paramStructure: 'by-name', 'x-function': 'payment', 'x-access-level': 16 })
    expect(list.params).toContainEqual({ name: 'limit', summary: expect.any(String), required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: '100' } })
    expect(list.params).toContainEqual({ $ref: '#/components/contentDescriptors/SID' })
    const edit = doc.methods.find((m: { name: string }) => m.name === 'account.edit')
    expect(edit.params.find((p: { name: string }) => p.name === 'currency').schema).toMatchObject({ type: 'string' })
    expect(edit.params.find((p: { name: string }) => p.name === 'status').schema).toMatchObject({ enum: ['active', 'suspended', 'archived'], readOnly: true })
    expect(doc.components.contentDescriptors.SID).toMatchObject({ name: 'SID', required: false })
  })
})

describe('the reply cache', () => {
  it('keeps list replies of this door apart per shape, and never past a change', async () => {
    const { t, rpc, sid } = await setup()
    await rpc.ok('account.edit', { SID: sid, name: 'Cached', currency: 'USD', apply: 1 })
    const before = t.dispatcher.replies.size
    const first = await rpc.post({ method: 'account', params: { SID: sid }, id: 1 })
    expect(t.dispatcher.replies.size).toBe(before + 1)
    const second = await rpc.post({ method: 'account', params: { SID: sid }, id: 2 })
    expect(t.dispatcher.replies.size).toBe(before + 1)
    expect(second.body.result).toEqual(first.body.result)
    expect(second.body.id).toBe(2)
    // The JeraSoft shape of the same list is kept on its own, and the URL protocol's too.
    expect((await rpc.ok('clients.list', { SID: sid })).rows[0].name).toBe('Cached')
    expect(t.dispatcher.replies.size).toBe(before + 2)
    expect((await t.data({ func: 'account', auth: sid })).elem[0].name).toBe('Cached')
    await rpc.ok('account.edit', { SID: sid, elid: 1, name: 'Renamed', apply: 1 })
    expect((await rpc.ok('account', { SID: sid })).rows[0].name).toBe('Renamed')
    expect((await rpc.ok('clients.list', { SID: sid })).rows[0].name).toBe('Renamed')
  })
})
