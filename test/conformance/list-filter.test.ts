import { describe, expect, it } from 'vitest'
import { listFilters } from '../../src/db/schema/index'
import { adminPassword, makeTestApp } from '../helpers'

const asAdmin = { authinfo: `admin:${adminPassword}` }
const names = (reply: { elem?: { name: string }[] }) => (reply.elem ?? []).map((e) => e.name)

describe('saved list filters (<list>.filter)', () => {
  it('saves a filter, applies it to the list until changed, and lets filter=on override it', async () => {
    const t = await makeTestApp()
    await t.createUser('anna', '16')
    await t.createUser('boris', '16')
    await t.createUser('res', '24')
    expect(names(await t.data({ func: 'user', ...asAdmin }))).toEqual(['admin', 'anna', 'boris', 'res'])

    expect(await t.data({ func: 'user.filter', sok: 'ok', level: '16', ...asAdmin })).toEqual({ ok: true })
    expect(names(await t.data({ func: 'user', ...asAdmin }))).toEqual(['anna', 'boris'])
    expect(await t.data({ func: 'user.filter', ...asAdmin })).toMatchObject({ elid: '', level: '16' })
    // An inline filter replaces the saved one for that call only.
    expect(names(await t.data({ func: 'user', filter: 'on', name: 'res', ...asAdmin }))).toEqual(['res'])
    expect(names(await t.data({ func: 'user', ...asAdmin }))).toEqual(['anna', 'boris'])

    // Saving again replaces the whole filter; saving nothing removes it.
    await t.data({ func: 'user.filter', sok: 'ok', name: 'bor', ...asAdmin })
    expect(names(await t.data({ func: 'user', ...asAdmin }))).toEqual(['boris'])
    await t.data({ func: 'user.filter', sok: 'ok', ...asAdmin })
    expect(names(await t.data({ func: 'user', ...asAdmin }))).toHaveLength(4)
    expect(await t.db.select().from(listFilters)).toEqual([])
  })

  it('keeps filters per user, refuses bad values and forgets a deleted user’s filters', async () => {
    const t = await makeTestApp()
    const resId = await t.createUser('res', '24', 'reseller-secret-1')
    await t.createUser('admin2', '28', 'admin2-secret-1')
    await t.data({ func: 'user.filter', sok: 'ok', level: '24', ...asAdmin })
    expect(names(await t.data({ func: 'user', authinfo: 'admin2:admin2-secret-1' }))).toHaveLength(3)
    expect((await t.data({ func: 'user.filter', sok: 'ok', level: '99', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'level' })
    expect(names(await t.data({ func: 'user', ...asAdmin }))).toEqual(['res'])
    await t.data({ func: 'user.filter', sok: 'ok', status: 'active', authinfo: 'res:reseller-secret-1' })
    expect(await t.db.select().from(listFilters)).toHaveLength(2)
    await t.data({ func: 'user.delete', elid: String(resId), ...asAdmin })
    expect((await t.db.select().from(listFilters)).map((f) => f.userId)).toEqual([1])
  })

  it('is declared for every filterable list, with a localised title', async () => {
    const t = await makeTestApp()
    const xml = await t.call({ func: 'user.filter', out: 'devel', lang: 'ru', ...asAdmin })
    expect(xml.text).toContain('Фильтр: Пользователи')
    expect((await t.data({ func: 'help.params', elid: 'pricelist.filter', ...asAdmin })).elem.map((e: { name: string }) => e.name)).toEqual(['product_type', 'active'])
    expect((await t.data({ func: 'currency.filter', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'func' })
  })
})
