import { describe, expect, it } from 'vitest'
import { currencies, expenses, invoices, payments, resellers, users } from '../../src/db/schema/index'
import { adminPassword, makeTestApp, type TestApp } from '../helpers'

const asAdmin = { authinfo: `admin:${adminPassword}` }
const codes = async (t: TestApp) => (await t.db.select().from(currencies)).map((c) => c.code).sort()

describe('a currency in use cannot be deleted', () => {
  it('refuses one used by a client, a payment method or a tariff, with a localised message', async () => {
    const t = await makeTestApp()
    await t.data({ func: 'currency.edit', sok: 'ok', code: 'GBP', name: 'Pound sterling', ...asAdmin })
    await t.createAccount('Acme', { currency: 'EUR' })
    await t.data({ func: 'paymethod.edit', sok: 'ok', name: 'Bank', currency: 'RUB', ...asAdmin })
    await t.data({ func: 'pricelist.edit', sok: 'ok', name: 'VDS', product_type: 'vds', currency: 'USD', ...asAdmin })
    for (const [id, code] of [['1', 'USD'], ['2', 'EUR'], ['3', 'RUB']]) {
      const reply = await t.data({ func: 'currency.delete', elid: id, ...asAdmin })
      expect(reply.error, code).toMatchObject({ type: 'value', object: 'elid', value: id })
      expect(reply.error.msg).toContain(code)
    }
    const ru = await t.data({ func: 'currency.delete', elid: '2', lang: 'ru', ...asAdmin })
    expect(ru.error.msg).toMatch(/Валюта EUR/)
    expect(await codes(t)).toEqual(['EUR', 'GBP', 'RUB', 'USD'])
    expect(await t.data({ func: 'currency.delete', elid: '4', ...asAdmin })).toEqual({ ok: true })
    expect(await codes(t)).toEqual(['EUR', 'RUB', 'USD'])
    // Once nothing uses it, it may go.
    await t.data({ func: 'paymethod.delete', elid: '1', ...asAdmin })
    expect(await t.data({ func: 'currency.delete', elid: '3', ...asAdmin })).toEqual({ ok: true })
  })

  it('refuses one used only by payments, invoices or expenses', async () => {
    const t = await makeTestApp()
    const acme = await t.createAccount('Acme', { currency: 'EUR' })
    await t.db.insert(payments).values({ number: 'P-1', accountId: acme, amount: 1, currencyId: 1, createdAt: 0 })
    await t.db.insert(invoices).values({ number: 'I-1', accountId: acme, currencyId: 3, periodFrom: 0, periodTo: 1, amount: 0, createdAt: 0 })
    await t.data({ func: 'currency.edit', sok: 'ok', code: 'GBP', name: 'Pound sterling', ...asAdmin })
    await t.db.insert(expenses).values({ accountId: acme, amount: 0, currencyId: 4, createdAt: 0 })
    for (const id of ['1', '3', '4']) {
      expect((await t.data({ func: 'currency.delete', elid: id, ...asAdmin })).error, id).toMatchObject({ type: 'value', object: 'elid' })
    }
    expect(await codes(t)).toEqual(['EUR', 'GBP', 'RUB', 'USD'])
  })
})

describe('a reseller with clients cannot be deleted', () => {
  it('refuses until its clients are moved away, then deletes it with its staff', async () => {
    const t = await makeTestApp()
    const north = await t.createReseller('North')
    const client = await t.createAccount('Acme', { reseller: String(north) })
    await t.createUser('nstaff', '24', 'north-secret-1', { reseller: String(north) })
    const reply = await t.data({ func: 'reseller.delete', elid: String(north), ...asAdmin })
    expect(reply.error).toMatchObject({ type: 'value', object: 'elid', value: String(north) })
    expect(reply.error.msg).toContain('North')
    expect((await t.data({ func: 'reseller.delete', elid: String(north), lang: 'ru', ...asAdmin })).error.msg).toMatch(/реселлера North/)
    expect((await t.db.select().from(resellers)).map((r) => r.name)).toEqual(['North'])
    await t.data({ func: 'account.edit', elid: String(client), sok: 'ok', reseller: '', ...asAdmin })
    expect(await t.data({ func: 'reseller.delete', elid: String(north), ...asAdmin })).toEqual({ ok: true })
    expect(await t.db.select().from(resellers)).toEqual([])
    expect((await t.db.select().from(users)).map((u) => u.name)).toEqual(['admin'])
  })
})
