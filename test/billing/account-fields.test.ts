import { describe, expect, it } from 'vitest'
import { accountFields } from '../../src/db/schema/index'
import { adminPassword, makeTestApp } from '../helpers'

const asAdmin = { authinfo: `admin:${adminPassword}` }
const asNorth = { authinfo: 'nstaff:north-secret-1' }
const asAnna = { authinfo: 'anna:user-secret-1' }
const asBoris = { authinfo: 'boris:user-secret-1' }

/** Two resellers' clients, North's staff, and a user of each client. */
async function world() {
  const t = await makeTestApp()
  const north = await t.createReseller('North')
  const south = await t.createReseller('South')
  const northClient = String(await t.createAccount('North client', { reseller: String(north) }))
  const southClient = String(await t.createAccount('South client', { reseller: String(south) }))
  await t.createUser('nstaff', '24', 'north-secret-1', { reseller: String(north) })
  await t.createUser('anna', '16', 'user-secret-1', { account: northClient })
  await t.createUser('boris', '16', 'user-secret-1', { account: southClient })
  const setField = (plid: string, name: string, value: string, who: Record<string, string> = asAdmin, elid?: string) =>
    t.data({ func: 'account.customfields.edit', sok: 'ok', plid, name, value, ...(elid ? { elid } : {}), ...who })
  const fields = () => t.db.select().from(accountFields).orderBy(accountFields.accountId, accountFields.name)
  return { t, northClient, southClient, setField, fields }
}

describe('clients: custom fields', () => {
  it('are created, listed, renamed, changed and deleted per client', async () => {
    const { t, northClient, southClient, setField, fields } = await world()
    expect(await setField(northClient, 'contract', 'C-2024-17')).toEqual({ ok: true, id: 'contract' })
    expect(await setField(northClient, 'vat_id', 'RU7701', asNorth)).toEqual({ ok: true, id: 'vat_id' })
    expect(await setField(southClient, 'contract', 'S-1')).toEqual({ ok: true, id: 'contract' })
    const listed = await t.data({ func: 'account.customfields', elid: northClient, ...asAdmin })
    expect(listed).toMatchObject({ p_elems: 2, elem: [{ name: 'contract', value: 'C-2024-17' }, { name: 'vat_id', value: 'RU7701' }] })
    expect((await t.data({ func: 'account.customfields', elid: northClient, p_sort: 'value', p_order: 'desc', p_cnt: '1', ...asAdmin })).elem).toEqual([
      { name: 'vat_id', value: 'RU7701' },
    ])
    expect(await t.data({ func: 'account.customfields.edit', plid: northClient, elid: 'contract', ...asAdmin })).toMatchObject({ elid: 'contract', name: 'contract', value: 'C-2024-17' })
    expect(await setField(northClient, 'contract_no', 'C-2024-18', asAdmin, 'contract')).toEqual({ ok: true })
    expect((await t.data({ func: 'account.customfields.edit', plid: northClient, elid: 'contract', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'elid' })
    expect(await t.data({ func: 'account.customfields.delete', plid: northClient, elid: 'contract_no, vat_id, nonexistent', ...asAdmin })).toEqual({ ok: true })
    expect(await fields()).toEqual([{ accountId: Number(southClient), name: 'contract', value: 'S-1' }])
  })

  it('client users read their own, and change none', async () => {
    const { t, northClient, southClient, setField, fields } = await world()
    await setField(northClient, 'contract', 'C-1')
    await setField(southClient, 'contract', 'S-1')
    expect((await t.data({ func: 'account.customfields', elid: northClient, ...asAnna })).elem).toEqual([{ name: 'contract', value: 'C-1' }])
    expect((await t.data({ func: 'account.customfields.edit', plid: northClient, elid: 'contract', ...asAnna })).value).toBe('C-1')
    expect((await setField(northClient, 'contract', 'forged', asAnna, 'contract')).error).toMatchObject({ type: 'access', object: 'func' })
    expect((await setField(northClient, 'extra', 'x', asAnna)).error).toMatchObject({ type: 'access', object: 'func' })
    expect((await t.data({ func: 'account.customfields.delete', plid: northClient, elid: 'contract', ...asAnna })).error).toMatchObject({ type: 'access', object: 'func' })
    // Another client's fields: refused, never shown.
    for (const reply of [
      await t.data({ func: 'account.customfields', elid: southClient, ...asAnna }),
      await t.data({ func: 'account.customfields.edit', plid: southClient, elid: 'contract', ...asAnna }),
      await t.data({ func: 'account.customfields', elid: southClient, ...asNorth }),
      await t.data({ func: 'account.customfields.edit', plid: southClient, elid: 'contract', ...asNorth }),
    ]) {
      expect(reply.error).toMatchObject({ type: 'access' })
      expect(JSON.stringify(reply)).not.toContain('S-1')
    }
    expect((await t.data({ func: 'account.customfields', elid: northClient, ...asBoris })).error).toMatchObject({ type: 'access', object: 'elid' })
    expect((await setField(southClient, 'contract', 'forged', asNorth, 'contract')).error).toMatchObject({ type: 'access', object: 'plid' })
    expect((await t.data({ func: 'account.customfields.delete', plid: southClient, elid: 'contract', ...asNorth })).error).toMatchObject({ type: 'access', object: 'plid' })
    expect((await fields()).map((f) => f.value).sort()).toEqual(['C-1', 'S-1'])
  })

  it('refuse bad names, long values, duplicates and unknown clients, storing nothing', async () => {
    const { t, northClient, setField, fields } = await world()
    await setField(northClient, 'contract', 'C-1')
    for (const [name, value, type, object] of [
      ['1st', 'x', 'value', 'name'],
      ['has space', 'x', 'value', 'name'],
      ['x'.repeat(65), 'x', 'value', 'name'],
      ['', 'x', 'missed', 'name'],
      ['notes', 'x'.repeat(1001), 'value', 'value'],
      ['contract', 'again', 'exists', 'name'],
    ]) {
      const reply = await setField(northClient, name, value)
      expect(reply.error, name).toMatchObject({ type, object })
      expect(reply.error.msg).not.toBe('')
    }
    expect((await setField('999', 'contract', 'x')).error).toMatchObject({ type: 'missed', object: 'plid', value: '999' })
    expect((await t.data({ func: 'account.customfields.edit', sok: 'ok', name: 'contract', value: 'x', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'plid' })
    expect((await t.data({ func: 'account.customfields', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'elid' })
    expect((await t.data({ func: 'account.customfields', elid: '999', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'elid', value: '999' })
    expect((await t.data({ func: 'account.customfields', elid: 'abc', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'elid' })
    expect(await fields()).toEqual([{ accountId: Number(northClient), name: 'contract', value: 'C-1' }])
    const ru = await t.data({ ...{ func: 'account.customfields.edit', sok: 'ok', plid: northClient, name: 'contract', value: 'y' }, lang: 'ru', ...asAdmin })
    expect(ru.error.msg).toMatch(/[А-Яа-я]/)
  })

  it('are set many at once; a name given twice takes its last value', async () => {
    const { t, northClient, setField, fields } = await world()
    await setField(northClient, 'contract', 'C-1')
    const many = Array.from({ length: 1200 }, (_, i) => ({ name: `f${i}`, value: String(i) }))
    const given = [...many, { name: 'contract', value: 'C-2' }, { name: 'contract', value: 'C-3' }]
    const reply = await t.data({ func: 'account.customfields.update', plid: northClient, fields: JSON.stringify(given), ...asAdmin })
    expect(reply).toEqual({ saved: 1202 })
    const stored = await fields()
    expect(stored).toHaveLength(1201)
    expect(stored.find((f) => f.name === 'contract')!.value).toBe('C-3')
    expect(stored.find((f) => f.name === 'f1199')!.value).toBe('1199')
  })

  it('the panel comes back to the list with plid', async () => {
    const { t, northClient, setField } = await world()
    await setField(northClient, 'contract', 'C-1')
    expect((await t.data({ func: 'account.customfields', plid: northClient, ...asAdmin })).elem).toEqual([{ name: 'contract', value: 'C-1' }])
  })
})
