import { describe, expect, it } from 'vitest'
import { pricelists } from '../../src/db/schema/index'
import { adminPassword, makeTestApp } from '../helpers'

const asAdmin = { authinfo: `admin:${adminPassword}` }

describe('payment methods', () => {
  it('an admin creates, disables, enables and deletes them; users only read', async () => {
    const t = await makeTestApp()
    await t.createUser('ivan')
    const created = await t.data({ func: 'paymethod.edit', sok: 'ok', name: 'Bank transfer', currency: 'EUR', ...asAdmin })
    expect(created).toEqual({ ok: true, id: 1 })
    expect((await t.data({ func: 'paymethod', authinfo: 'ivan:user-secret-1' })).elem).toEqual([
      { id: 1, name: 'Bank transfer', currency: 'EUR', enabled: true },
    ])
    await t.data({ func: 'paymethod.disable', elid: '1', ...asAdmin })
    expect((await t.data({ func: 'paymethod.edit', elid: '1', ...asAdmin })).enabled).toBe(false)
    await t.data({ func: 'paymethod.enable', elid: '1', ...asAdmin })
    expect((await t.data({ func: 'paymethod', ...asAdmin })).elem[0].enabled).toBe(true)
    expect((await t.data({ func: 'paymethod.edit', sok: 'ok', name: 'x', currency: 'EUR', authinfo: 'ivan:user-secret-1' })).error.type).toBe('access')
    await t.data({ func: 'paymethod.delete', elid: '1', ...asAdmin })
    expect((await t.data({ func: 'paymethod', ...asAdmin })).elem).toEqual([])
  })

  it('refuses an unknown currency', async () => {
    const t = await makeTestApp()
    expect((await t.data({ func: 'paymethod.edit', sok: 'ok', name: 'Card', currency: 'XXX', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'currency', value: 'XXX' })
  })
})

describe('tariff plans', () => {
  const vds = { func: 'pricelist.edit', sok: 'ok', name: 'VDS-1', product_type: 'vds', currency: 'USD', setup_fee: '5', price_1: '10.50', price_12: '100', ...asAdmin }

  it('keep prices as integer minor units and show them with the currency places', async () => {
    const t = await makeTestApp()
    expect(await t.data(vds)).toEqual({ ok: true, id: 1 })
    const [row] = await t.db.select().from(pricelists)
    expect(row).toMatchObject({ setupFee: 500, price1: 1050, price3: null, price6: null, price12: 10000 })
    const listed = await t.data({ func: 'pricelist', ...asAdmin })
    expect(listed.elem[0]).toMatchObject({ name: 'VDS-1', currency: 'USD', setup_fee: '5.00', price_1: '10.50', price_3: '', price_12: '100.00', orderable: true, active: true })
    const { text } = await t.call({ func: 'pricelist', out: 'xml', ...asAdmin })
    expect(text).toContain('<price_1>10.50</price_1>')
  })

  it('update prices, clear a period, filter by type and activity; the currency stays', async () => {
    const t = await makeTestApp()
    await t.data(vds)
    await t.data({ ...vds, name: 'Hosting S', product_type: 'hosting', price_1: '3' })
    expect(await t.data({ func: 'pricelist.edit', elid: '1', sok: 'ok', price_1: '', price_3: '29.99', active: 'off', ...asAdmin })).toEqual({ ok: true })
    expect(await t.data({ func: 'pricelist.edit', elid: '1', ...asAdmin })).toMatchObject({ price_1: '', price_3: '29.99', active: false })
    expect((await t.data({ func: 'pricelist', filter: 'on', product_type: 'hosting', ...asAdmin })).elem.map((p: { name: string }) => p.name)).toEqual(['Hosting S'])
    expect((await t.data({ func: 'pricelist', filter: 'on', active: 'on', ...asAdmin })).elem.map((p: { name: string }) => p.name)).toEqual(['Hosting S'])
    expect((await t.data({ func: 'pricelist.edit', elid: '1', sok: 'ok', currency: 'EUR', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'currency' })
  })

  it('refuses negative, float-like and over-precise amounts, storing nothing', async () => {
    const t = await makeTestApp()
    for (const [field, value, object] of [
      ['price_1', '-10', 'price_1'],
      ['price_1', '1e3', 'price_1'],
      ['setup_fee', '1,5', 'setup_fee'],
      ['price_12', '10.505', 'price_12'],
      ['currency', 'ZZZ', 'currency'],
    ]) {
      const reply = await t.data({ ...vds, [field]: value })
      expect(reply.error?.object, `${field}=${value}`).toBe(object)
    }
    expect(await t.db.select().from(pricelists)).toEqual([])
  })
})
