import { describe, expect, it } from 'vitest'
import { adminPassword, makeTestApp } from '../helpers'

const asAdmin = { authinfo: `admin:${adminPassword}` }

describe('currencies', () => {
  it('are seeded with USD, EUR and RUB, readable by every user', async () => {
    const t = await makeTestApp()
    await t.createUser('ivan')
    const list = await t.data({ func: 'currency', authinfo: 'ivan:user-secret-1' })
    expect(list.elem.map((c: { code: string }) => c.code)).toEqual(['EUR', 'RUB', 'USD'])
    expect(list.elem[2]).toMatchObject({ code: 'USD', name: 'US Dollar', places: 2 })
  })

  it('an admin adds one; code and places are fixed afterwards, the name may change', async () => {
    const t = await makeTestApp()
    const created = await t.data({ func: 'currency.edit', sok: 'ok', code: 'KZT', name: 'Tenge', places: '2', ...asAdmin })
    expect(created).toEqual({ ok: true, id: 4 })
    expect(await t.data({ func: 'currency.edit', elid: '4', ...asAdmin })).toMatchObject({ code: 'KZT', name: 'Tenge', places: 2 })
    expect(await t.data({ func: 'currency.edit', elid: '4', sok: 'ok', name: 'Kazakh Tenge', ...asAdmin })).toEqual({ ok: true })
    expect((await t.data({ func: 'currency.edit', elid: '4', sok: 'ok', places: '3', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'places' })
    expect((await t.data({ func: 'currency.edit', elid: '4', sok: 'ok', code: 'KZX', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'code' })
    expect((await t.data({ func: 'currency.edit', elid: '4', ...asAdmin })).name).toBe('Kazakh Tenge')
  })

  it('refuses bad codes, taken codes, impossible places, and non-admins', async () => {
    const t = await makeTestApp()
    await t.createUser('ivan')
    for (const code of ['usd', 'US', 'USDT', '12$', '<b>']) {
      expect((await t.data({ func: 'currency.edit', sok: 'ok', code, name: 'x', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'code' })
    }
    expect((await t.data({ func: 'currency.edit', sok: 'ok', code: 'USD', name: 'x', ...asAdmin })).error).toMatchObject({ type: 'exists', object: 'code' })
    expect((await t.data({ func: 'currency.edit', sok: 'ok', code: 'XAU', name: 'Gold', places: '9', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'places' })
    expect((await t.data({ func: 'currency.edit', sok: 'ok', code: 'XAU', name: 'Gold', authinfo: 'ivan:user-secret-1' })).error).toMatchObject({ type: 'access', object: 'func' })
    expect((await t.data({ func: 'currency', ...asAdmin })).p_elems).toBe(3)
  })

  it('deletes as a group operation', async () => {
    const t = await makeTestApp()
    await t.data({ func: 'currency.edit', sok: 'ok', code: 'KZT', name: 'Tenge', ...asAdmin })
    expect(await t.data({ func: 'currency.delete', elid: '4, 99', ...asAdmin })).toEqual({ ok: true })
    expect((await t.data({ func: 'currency', ...asAdmin })).p_elems).toBe(3)
  })
})
