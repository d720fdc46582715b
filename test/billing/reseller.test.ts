import { describe, expect, it } from 'vitest'
import { resellers } from '../../src/db/schema/index'
import { adminPassword, makeTestApp } from '../helpers'

const asAdmin = { authinfo: `admin:${adminPassword}` }

describe('resellers', () => {
  it('an admin creates, renames, filters, suspends, resumes and deletes them', async () => {
    const t = await makeTestApp()
    expect(await t.data({ func: 'reseller.edit', sok: 'ok', name: 'North Hosting', email: 'ops@north.example', ...asAdmin })).toEqual({ ok: true, id: 1 })
    expect(await t.data({ func: 'reseller.edit', sok: 'ok', name: 'South_Telecom', ...asAdmin })).toEqual({ ok: true, id: 2 })
    expect(await t.data({ func: 'reseller.edit', elid: '1', sok: 'ok', note: 'since 2019', ...asAdmin })).toEqual({ ok: true })
    expect(await t.data({ func: 'reseller.edit', elid: '1', ...asAdmin })).toMatchObject({ name: 'North Hosting', email: 'ops@north.example', note: 'since 2019', status: 'active' })
    const filtered = await t.data({ func: 'reseller', filter: 'on', name: '_', ...asAdmin })
    expect(filtered.elem.map((r: { name: string }) => r.name)).toEqual(['South_Telecom'])
    // Names match in any case, on either database.
    const anyCase = await t.data({ func: 'reseller', filter: 'on', name: 'sOUTH', ...asAdmin })
    expect(anyCase.elem.map((r: { name: string }) => r.name)).toEqual(['South_Telecom'])
    await t.data({ func: 'reseller.suspend', elid: '1, 2', ...asAdmin })
    expect((await t.data({ func: 'reseller', filter: 'on', status: 'suspended', ...asAdmin })).p_elems).toBe(2)
    await t.data({ func: 'reseller.resume', elid: '2', ...asAdmin })
    expect((await t.data({ func: 'reseller', filter: 'on', status: 'active', ...asAdmin })).elem[0].name).toBe('South_Telecom')
    expect(await t.data({ func: 'reseller.delete', elid: '1', ...asAdmin })).toEqual({ ok: true })
    expect((await t.db.select().from(resellers)).map((r) => r.name)).toEqual(['South_Telecom'])
  })

  it('refuses duplicates, bad e-mail, over-long names, and anyone below admin', async () => {
    const t = await makeTestApp()
    await t.createUser('res', '24', 'reseller-secret-1')
    await t.data({ func: 'reseller.edit', sok: 'ok', name: 'North', ...asAdmin })
    expect((await t.data({ func: 'reseller.edit', sok: 'ok', name: 'North', ...asAdmin })).error).toMatchObject({ type: 'exists', object: 'name' })
    expect((await t.data({ func: 'reseller.edit', sok: 'ok', name: 'East', email: 'nope', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'email' })
    expect((await t.data({ func: 'reseller.edit', sok: 'ok', name: 'x'.repeat(129), ...asAdmin })).error).toMatchObject({ type: 'value', object: 'name' })
    expect((await t.data({ func: 'reseller.edit', sok: 'ok', name: 'West', authinfo: 'res:reseller-secret-1' })).error).toMatchObject({ type: 'access', object: 'func' })
    expect((await t.db.select().from(resellers).orderBy(resellers.id)).map((r) => r.name)).toEqual(['res company', 'North'])
    // A reseller's staff sees its own reseller only.
    expect((await t.data({ func: 'reseller', authinfo: 'res:reseller-secret-1' })).elem.map((r: { name: string }) => r.name)).toEqual(['res company'])
  })
})
