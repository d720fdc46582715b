import { describe, expect, it } from 'vitest'
import { balanceDrift } from '../../src/billing/ledger'
import { ItemStatus, provisioningDeliveries } from '../../src/db/schema/index'
import { eventIds } from '../../src/events/catalog'
import { makeTestApp } from '../helpers'
import { addHandler, catalogue, eventsSince, must, pay, refused, told } from './emission-world'

describe('events from the billing functions (URL protocol)', () => {
  it('tells every event of the table, with the object as the API returns it', async () => {
    const t = await makeTestApp()
    const all = await addHandler(t.db, '*')
    const { tariff } = await catalogue(t)
    const seen = async () => new Set((await told(t.db)).map((d) => d.event))
    const last = async () => (await told(t.db)).at(-1)!

    // Clients: created, changed (only what changed), custom fields.
    const client = Number((await must(t, { func: 'account.edit', sok: 'ok', name: 'Acme', currency: 'USD', email: 'a@example.net' })).id)
    const form = await must(t, { func: 'account.edit', elid: String(client) })
    const { elid: _elid, ...shown } = form
    expect(await told(t.db)).toEqual([
      expect.objectContaining({ event: 'clients.create', objectId: client, objectKey: `clients:${client}`, handlerId: all, dt: '2026-11-24T12:00:00+00:00' }),
    ])
    expect((await last()).data).toMatchObject({ id: client, name: 'Acme', email: 'a@example.net', currency: 'USD', balance: '0.00', credit_limit: '0.00', status: 'active' })
    for (const [name, value] of Object.entries((await last()).data)) if (name !== 'id' && name in shown) expect(String(value), name).toBe(String(shown[name]))

    let mark = (await told(t.db)).length
    await must(t, { func: 'account.edit', sok: 'ok', elid: String(client), name: 'Acme Ltd', note: 'vip', email: 'a@example.net' })
    expect((await told(t.db)).slice(mark)).toEqual([expect.objectContaining({ event: 'clients.update', objectId: client, data: { id: client, name: 'Acme Ltd', note: 'vip' } })])
    // Saving what is already there changes nothing and tells nothing.
    await must(t, { func: 'account.edit', sok: 'ok', elid: String(client), name: 'Acme Ltd' })
    expect(await told(t.db)).toHaveLength(mark + 1)

    mark = (await told(t.db)).length
    await must(t, { func: 'account.customfields.edit', sok: 'ok', plid: String(client), name: 'sip_trunk', value: 'T1' })
    await must(t, { func: 'account.customfields.edit', sok: 'ok', plid: String(client), elid: 'sip_trunk', value: 'T2' })
    await must(t, { func: 'account.customfields.edit', sok: 'ok', plid: String(client), elid: 'sip_trunk', name: 'trunk', value: 'T2' })
    await must(t, { func: 'account.customfields.delete', plid: String(client), elid: 'trunk' })
    expect((await told(t.db)).slice(mark).map((d) => [d.event, d.objectId, d.data])).toEqual([
      ['clients.custom_fields.update', client, { id: client, fields: [{ id: 'sip_trunk', value: 'T1' }] }],
      ['clients.custom_fields.update', client, { id: client, fields: [{ id: 'sip_trunk', value: 'T2' }] }],
      ['clients.custom_fields.update', client, { id: client, fields: [{ id: 'sip_trunk', value: null }, { id: 'trunk', value: 'T2' }] }],
      ['clients.custom_fields.update', client, { id: client, fields: [{ id: 'trunk', value: null }] }],
    ])

    // Client users: never the password.
    mark = (await told(t.db)).length
    const password = 'very-secret-pass-1'
    const user = await t.createUser('acme-user', '16', password, { account: String(client), realname: 'Ann' })
    await t.createUser('staff', '24')
    await t.createUser('loose-user', '16')
    await must(t, { func: 'user.edit', sok: 'ok', elid: String(user), realname: 'Ann B' })
    await must(t, { func: 'user.edit', sok: 'ok', elid: String(user), passwd: 'another-pass-2', confirm: 'another-pass-2' })
    await must(t, { func: 'user.suspend', elid: String(user) })
    await must(t, { func: 'user.resume', elid: String(user) })
    const users = (await told(t.db)).slice(mark)
    expect(users.map((d) => [d.event, d.objectId])).toEqual([
      ['clients.accounts.create', user],
      ['clients.accounts.update', user],
      ['clients.accounts.update', user],
      ['clients.accounts.update', user],
    ])
    expect(users[0]!.objectKey).toBe(`clients.accounts:${user}`)
    expect(users[0]!.data).toEqual({ id: user, name: 'acme-user', realname: 'Ann', email: '', level: 16, language: '', allowed_addresses: '', reseller: '', account: client, status: 'active' })
    expect(users.slice(1).map((d) => d.data)).toEqual([{ id: user, realname: 'Ann B' }, { id: user, status: 'suspended' }, { id: user, status: 'active' }])
    expect(JSON.stringify(users)).not.toMatch(/passw|hash|secret/i)

    // Payments and the balance: paid 10, then a service costs 14.99 and takes it below zero.
    mark = (await told(t.db)).length
    const payment = Number((await must(t, { func: 'payment.edit', sok: 'ok', account: String(client), amount: '10' })).id)
    await must(t, { func: 'payment.edit', sok: 'ok', elid: String(payment), sender: 'Bank' })
    await must(t, { func: 'payment.setpaid', elid: String(payment) })
    expect(await eventsSince(t.db, mark)).toEqual([`payments.create ${payment}`, `payments.update ${payment}`, `payments.update ${payment}`])
    expect((await last()).data).toMatchObject({ id: payment, amount: '10.00', sender: 'Bank', status: 4, currency: 'USD', paid: '2026-11-24 12:00:00' })

    await must(t, { func: 'account.edit', sok: 'ok', elid: String(client), credit_limit: '100' })
    mark = (await told(t.db)).length
    const ordered = await must(t, { func: 'item.order', account: String(client), pricelist: String(tariff), period: '1', name: 'vds1' })
    const item = Number(ordered.id)
    expect(await eventsSince(t.db, mark)).toEqual([`clients.subscriptions.assign ${item}`, `clients.balance_zero ${client}`, `clients.subscriptions.activate ${item}`])
    const [assigned, , activated] = (await told(t.db)).slice(mark)
    expect(assigned!.data).toEqual({ id: item, account: client, pricelist: tariff, period: '1', name: 'vds1', auto_renew: true, status: '1', expires: '', cost: '9.99' })
    expect(activated!.data).toMatchObject({ id: item, status: '2', expires: '2026-12-24' })
    expect((await told(t.db)).find((d) => d.event === 'clients.balance_zero')!.data).toEqual({})
    const itemForm = await must(t, { func: 'item.edit', elid: String(item) })
    expect(itemForm).toMatchObject({ name: 'vds1', status: '2', expires: '2026-12-24', cost: '9.99' })

    // The client pays its debt: back to zero or above, once.
    mark = (await told(t.db)).length
    const second = await pay(t, client, '20')
    expect(await eventsSince(t.db, mark)).toEqual([`payments.create ${second}`, `clients.balance_notzero ${client}`, `payments.update ${second}`])

    mark = (await told(t.db)).length
    await must(t, { func: 'item.suspend', elid: String(item) })
    await must(t, { func: 'item.resume', elid: String(item) })
    await must(t, { func: 'service.prolong', elid: String(item) })
    await must(t, { func: 'item.delete', elid: String(item) })
    expect(await eventsSince(t.db, mark)).toEqual([
      `clients.subscriptions.deactivate ${item}`,
      `clients.subscriptions.activate ${item}`,
      `clients.subscriptions.renew ${item}`,
      `clients.subscriptions.close ${item}`,
    ])
    expect((await told(t.db)).slice(mark).map((d) => d.data.status)).toEqual(['3', '2', '2', '4'])
    expect((await told(t.db)).slice(mark)[2]!.data.expires).toBe('2027-01-24')

    // Invoices.
    mark = (await told(t.db)).length
    const invoice = Number((await must(t, { func: 'invoice.generate', account: String(client), from: '2026-11-01', to: '2026-11-30' })).id)
    await must(t, { func: 'invoice.setpaid', elid: String(invoice) })
    expect(await eventsSince(t.db, mark)).toEqual([`invoices.create ${invoice}`, `invoices.paid ${invoice}`])
    const invoiceForm = await must(t, { func: 'invoice.edit', elid: String(invoice) })
    const { elid: _i, ...invoiceShown } = invoiceForm
    expect((await told(t.db)).at(-1)!.data).toEqual({ id: invoice, ...invoiceShown, account: client })
    expect((await told(t.db)).at(-2)!.data).toMatchObject({ status: 'new', paid: '', amount: '24.98' })
    expect((await told(t.db)).at(-1)!.objectKey).toBe(`invoices:${invoice}`)

    // A new payment deleted; the client suspended, resumed and archived, then deleted.
    mark = (await told(t.db)).length
    const dropped = Number((await must(t, { func: 'payment.edit', sok: 'ok', account: String(client), amount: '1' })).id)
    await must(t, { func: 'payment.delete', elid: String(dropped) })
    expect(await eventsSince(t.db, mark)).toEqual([`payments.create ${dropped}`, `payments.delete ${dropped}`])
    expect((await last()).data).toMatchObject({ id: dropped, amount: '1.00', status: 1 })

    mark = (await told(t.db)).length
    await must(t, { func: 'account.suspend', elid: String(client) })
    await must(t, { func: 'account.resume', elid: String(client) })
    await must(t, { func: 'account.archive', elid: String(client) })
    expect((await told(t.db)).slice(mark).map((d) => [d.event, d.data])).toEqual([
      ['clients.update', { id: client, status: 'suspended' }],
      ['clients.update', { id: client, status: 'active' }],
      ['clients.archive', {}],
    ])
    mark = (await told(t.db)).length
    await must(t, { func: 'user.delete', elid: String(user) })
    expect(await eventsSince(t.db, mark)).toEqual([`clients.accounts.delete ${user}`])

    expect((await seen()).size).toBeLessThan(eventIds.length) // clients.delete still to come
    const other = Number((await must(t, { func: 'account.edit', sok: 'ok', name: 'Gone', currency: 'USD' })).id)
    await must(t, { func: 'account.delete', elid: String(other) })
    expect((await told(t.db)).at(-1)).toMatchObject({ event: 'clients.delete', objectId: other, data: {} })

    expect([...(await seen())].sort()).toEqual([...eventIds].sort())
    expect(await balanceDrift(t.db)).toEqual([])
  })

  it('deleting a client closes its open services and removes its users first', async () => {
    const t = await makeTestApp()
    const { tariff } = await catalogue(t)
    const client = await t.createAccount('Acme', { credit_limit: '100' })
    const item = Number((await must(t, { func: 'item.order', account: String(client), pricelist: String(tariff), period: '1' })).id)
    const closed = Number((await must(t, { func: 'item.order', account: String(client), pricelist: String(tariff), period: '1' })).id)
    await must(t, { func: 'item.delete', elid: String(closed) })
    const user = await t.createUser('acme-user', '16', 'user-secret-1', { account: String(client) })
    await addHandler(t.db, '*')
    await must(t, { func: 'account.delete', elid: String(client) })
    expect(await eventsSince(t.db, 0)).toEqual([`clients.subscriptions.close ${item}`, `clients.accounts.delete ${user}`, `clients.delete ${client}`])
    expect((await told(t.db))[0]!.data).toMatchObject({ id: item, status: String(ItemStatus.deleted), account: client })
  })

  it('a user that becomes, or stops being, a client\'s user is created or deleted for handlers', async () => {
    const t = await makeTestApp()
    const a = await t.createAccount('A')
    const b = await t.createAccount('B')
    const user = await t.createUser('floating', '16')
    await addHandler(t.db, '*')
    await must(t, { func: 'user.edit', sok: 'ok', elid: String(user), account: String(a) })
    await must(t, { func: 'user.edit', sok: 'ok', elid: String(user), account: String(b) })
    await must(t, { func: 'user.edit', sok: 'ok', elid: String(user), account: '' })
    expect((await told(t.db)).map((d) => [d.event, d.data])).toEqual([
      ['clients.accounts.create', expect.objectContaining({ id: user, account: a, name: 'floating' })],
      ['clients.accounts.update', { id: user, account: b }],
      ['clients.accounts.delete', {}],
    ])
  })

  it('moving a client to another reseller tells of its users\' new reseller', async () => {
    const t = await makeTestApp()
    const reseller = await t.createReseller('R')
    const client = await t.createAccount('A')
    const user = await t.createUser('a-user', '16', 'user-secret-1', { account: String(client) })
    await addHandler(t.db, '*')
    await must(t, { func: 'account.edit', sok: 'ok', elid: String(client), reseller: String(reseller) })
    expect((await told(t.db)).map((d) => [d.event, d.data])).toEqual([
      ['clients.update', { id: client, reseller }],
      ['clients.accounts.update', { id: user, reseller }],
    ])
  })

  it('a refused change tells nothing', async () => {
    const t = await makeTestApp()
    const { tariff } = await catalogue(t)
    const client = await t.createAccount('Acme')
    const paid = await pay(t, client, '3')
    const item = Number((await must(t, { func: 'item.order', account: String(client), pricelist: String(tariff), period: '1' })).id)
    const other = await t.createAccount('Other')
    const eur = await t.createAccount('Euro', { currency: 'EUR' })
    await addHandler(t.db, '*')
    await refused(t, { func: 'payment.edit', sok: 'ok', account: String(client), amount: '-5' })
    await refused(t, { func: 'payment.delete', elid: String(paid) })
    await refused(t, { func: 'service.prolong', elid: String(item) }) // ordered, not active
    await refused(t, { func: 'account.edit', sok: 'ok', elid: String(client), currency: 'EUR' })
    await refused(t, { func: 'invoice.generate', account: String(client), from: '2020-01-01', to: '2020-01-31' })
    await refused(t, { func: 'user.edit', sok: 'ok', name: 'x', account: String(client), passwd: 'short', confirm: 'short' })
    await refused(t, { func: 'account.archive', elid: String(client) })
    // A group that fails on its second element undoes the first one's change and its events.
    await refused(t, { func: 'account.archive', elid: `${other}, ${client}` })
    // An order for a tariff in another currency.
    await refused(t, { func: 'item.order', account: String(eur), pricelist: String(tariff), period: '1' })
    expect(await t.db.select().from(provisioningDeliveries)).toEqual([])
  })

  it('tells only enabled after-handlers, and each only of its events', async () => {
    const t = await makeTestApp()
    const all = await addHandler(t.db, '*', { name: 'all' })
    const payments = await addHandler(t.db, 'payments.create,clients.balance_notzero', { name: 'payments' })
    const off = await addHandler(t.db, '*', { status: 'disabled', name: 'off' })
    const before = await addHandler(t.db, '*', { stage: 'before', name: 'before' })
    const client = await t.createAccount('Acme', { credit_limit: '10' })
    await must(t, { func: 'expense.edit', sok: 'ok', account: String(client), amount: '5', description: 'x' })
    const payment = await pay(t, client, '6')
    expect(await eventsSince(t.db, 0, all)).toEqual([`clients.create ${client}`, `payments.create ${payment}`, `clients.balance_notzero ${client}`, `payments.update ${payment}`])
    expect(await eventsSince(t.db, 0, payments)).toEqual([`payments.create ${payment}`, `clients.balance_notzero ${client}`])
    expect(await told(t.db, off)).toEqual([])
    expect(await told(t.db, before)).toEqual([])
  })
})
