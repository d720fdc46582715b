import { beforeAll, describe, expect, it } from 'vitest'
import { auditLog, sessions, users } from '../../src/db/schema/index'
import { adminPassword, execSql, makeTestApp, type TestApp } from '../helpers'

const asAdmin = { authinfo: `admin:${adminPassword}` }

describe('user list: paging, sorting, filters', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await makeTestApp()
    for (let i = 1; i <= 44; i++) await t.createUser(`user${String(i).padStart(2, '0')}`, i % 11 === 0 ? '24' : '16')
  })

  it('pages with p_num and p_cnt; p_elems is exact', async () => {
    const first = await t.data({ func: 'user', ...asAdmin, p_cnt: '10' })
    expect(first).toMatchObject({ p_num: 1, p_cnt: 10, p_elems: 45 })
    expect(first.elem).toHaveLength(10)
    const last = await t.data({ func: 'user', ...asAdmin, p_cnt: '10', p_num: '5' })
    expect(last.elem).toHaveLength(5)
    expect(last.elem.at(-1).name).toBe('user44')
  })

  it('clamps p_num beyond the last page to it, and p_cnt to 1000', async () => {
    const clamped = await t.data({ func: 'user', ...asAdmin, p_cnt: '20', p_num: '99' })
    expect(clamped.p_num).toBe(3)
    expect(clamped.elem).toHaveLength(5)
    expect((await t.data({ func: 'user', ...asAdmin, p_cnt: '5000' })).p_cnt).toBe(1000)
  })

  it('sorts by a column in either order and ignores unknown sort columns', async () => {
    const desc = await t.data({ func: 'user', ...asAdmin, p_sort: 'name', p_order: 'desc', p_cnt: '3' })
    expect(desc.elem.map((u: { name: string }) => u.name)).toEqual(['user44', 'user43', 'user42'])
    expect(desc).toMatchObject({ p_sort: 'name', p_order: 'desc' })
    const unknown = await t.data({ func: 'user', ...asAdmin, p_sort: 'password_hash', p_cnt: '2' })
    expect(unknown.p_sort).toBe('id')
    expect(unknown.elem[0].id).toBe(1)
  })

  it('filters with filter=on and column values', async () => {
    const resellers = await t.data({ func: 'user', ...asAdmin, filter: 'on', level: '24' })
    expect(resellers.elem.map((u: { name: string }) => u.name)).toEqual(['user11', 'user22', 'user33', 'user44'])
    expect(resellers.p_elems).toBe(4)
    const byName = await t.data({ func: 'user', ...asAdmin, filter: 'on', name: 'user1' })
    expect(byName.p_elems).toBe(10)
    expect((await t.data({ func: 'user', ...asAdmin, filter: 'on', name: 'USER1' })).p_elems).toBe(10)
    // Without filter=on, column values do not filter.
    expect((await t.data({ func: 'user', ...asAdmin, level: '24' })).p_elems).toBe(45)
    // % and _ are literal.
    expect((await t.data({ func: 'user', ...asAdmin, filter: 'on', name: '%' })).p_elems).toBe(0)
  })
})

describe('user.edit', () => {
  it('creates, reads and updates a user; the password needs its confirmation', async () => {
    const t = await makeTestApp()
    const mismatch = await t.data({ func: 'user.edit', sok: 'ok', name: 'ivan', passwd: 'secret-one-1', confirm: 'secret-two-2', ...asAdmin })
    expect(mismatch.error).toMatchObject({ type: 'value', object: 'confirm' })
    expect((await t.data({ func: 'user', ...asAdmin })).p_elems).toBe(1)
    const id = await t.createUser('ivan', '16', 'user-secret-1', { realname: 'Ivan', email: 'ivan@example.com' })
    expect(await t.data({ func: 'user.edit', elid: String(id), ...asAdmin })).toMatchObject({
      elid: id, name: 'ivan', realname: 'Ivan', email: 'ivan@example.com', level: 16, status: 'active',
    })
    expect(await t.data({ func: 'user.edit', elid: String(id), sok: 'ok', realname: 'Ivan Petrov', ...asAdmin })).toEqual({ ok: true })
    expect((await t.data({ func: 'user.edit', elid: String(id), ...asAdmin })).realname).toBe('Ivan Petrov')
  })

  it('requires name and password on create, refuses a taken name, short passwords and bad e-mail', async () => {
    const t = await makeTestApp()
    expect((await t.data({ func: 'user.edit', sok: 'ok', passwd: 'secret-one-1', confirm: 'secret-one-1', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'name' })
    expect((await t.data({ func: 'user.edit', sok: 'ok', name: 'ivan', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'passwd' })
    expect((await t.data({ func: 'user.edit', sok: 'ok', name: 'admin', passwd: 'secret-one-1', confirm: 'secret-one-1', ...asAdmin })).error).toMatchObject({ type: 'exists', object: 'name', value: 'admin' })
    expect((await t.data({ func: 'user.edit', sok: 'ok', name: 'ivan', passwd: 'short', confirm: 'short', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'passwd' })
    expect((await t.data({ func: 'user.edit', sok: 'ok', name: 'ivan', email: 'not-mail', passwd: 'secret-one-1', confirm: 'secret-one-1', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'email' })
  })

  it('changing a password ends the user\'s other sessions but keeps the one making the change', async () => {
    const t = await makeTestApp()
    await t.createUser('ivan')
    const a = await t.login('ivan', 'user-secret-1')
    const b = await t.login('ivan', 'user-secret-1')
    const id = (await t.data({ func: 'user', ...asAdmin, filter: 'on', name: 'ivan' })).elem[0].id
    // A user may not open the user list, but an admin changes the password.
    const admin = await t.login()
    await t.data({ func: 'user.edit', elid: String(id), sok: 'ok', passwd: 'brand-new-1', confirm: 'brand-new-1', auth: admin })
    expect((await t.data({ func: 'session', auth: a })).error.object).toBe('session')
    expect((await t.data({ func: 'session', auth: b })).error.object).toBe('session')
    expect((await t.data({ func: 'session', auth: admin })).elem).toBeDefined()
  })

  it('answers a missing elid with missed/elid, both to read and to update', async () => {
    const t = await makeTestApp()
    expect((await t.data({ func: 'user.edit', elid: '42', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'elid', value: '42' })
    expect((await t.data({ func: 'user.edit', elid: '42', sok: 'ok', realname: 'x', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'elid' })
  })

  it('limits the levels: a reseller creates only users; nobody grants above itself', async () => {
    const t = await makeTestApp()
    await t.createUser('res', '24', 'reseller-secret-1')
    const res = { authinfo: 'res:reseller-secret-1' }
    expect((await t.data({ func: 'user.edit', sok: 'ok', name: 'c2', level: '28', passwd: 'client-secret-1', confirm: 'client-secret-1', ...res })).error).toMatchObject({ type: 'access', object: 'level' })
    expect((await t.data({ func: 'user.edit', sok: 'ok', name: 'c1', passwd: 'client-secret-1', confirm: 'client-secret-1', ...res })).ok).toBe(true)
    // The reseller cannot see or change the admin.
    expect((await t.data({ func: 'user.edit', elid: '1', ...res })).error).toMatchObject({ type: 'access', object: 'elid' })
    expect((await t.data({ func: 'user.delete', elid: '1', ...res })).error).toMatchObject({ type: 'access' })
  })
})

describe('group operations', () => {
  it('suspend, resume and delete act on every elid of the list', async () => {
    const t = await makeTestApp()
    const ids = [await t.createUser('a1'), await t.createUser('a2'), await t.createUser('a3')]
    expect(await t.data({ func: 'user.suspend', elid: ids.join(', '), ...asAdmin })).toEqual({ ok: true })
    const suspended = await t.data({ func: 'user', ...asAdmin, filter: 'on', status: 'suspended' })
    expect(suspended.elem.map((u: { id: number }) => u.id)).toEqual(ids)
    await t.data({ func: 'user.resume', elid: `${ids[0]},${ids[2]}`, ...asAdmin })
    expect((await t.data({ func: 'user', ...asAdmin, filter: 'on', status: 'suspended' })).elem.map((u: { id: number }) => u.id)).toEqual([ids[1]])
    expect(await t.data({ func: 'user.delete', elid: `${ids[0]}, ${ids[1]}`, ...asAdmin })).toEqual({ ok: true })
    expect((await t.data({ func: 'user', ...asAdmin })).elem.map((u: { name: string }) => u.name)).toEqual(['admin', 'a3'])
  })

  it('answers ok for a group delete of elements that no longer exist', async () => {
    const t = await makeTestApp()
    expect(await t.data({ func: 'user.delete', elid: '777', ...asAdmin })).toEqual({ ok: true })
  })

  it('is all-or-nothing: one refused element leaves every element as it was', async () => {
    const t = await makeTestApp()
    const id = await t.createUser('victim')
    const reply = await t.data({ func: 'user.delete', elid: `${id}, 1`, ...asAdmin })
    expect(reply.error).toMatchObject({ type: 'access', object: 'lastadmin' })
    expect((await t.data({ func: 'user', ...asAdmin })).p_elems).toBe(2)
  })

  it('never leaves the panel without an active admin', async () => {
    const t = await makeTestApp()
    expect((await t.data({ func: 'user.suspend', elid: '1', ...asAdmin })).error.object).toBe('lastadmin')
    expect((await t.data({ func: 'user.edit', elid: '1', sok: 'ok', level: '16', ...asAdmin })).error.object).toBe('lastadmin')
    const second = await t.createUser('admin2', '28', 'admin2-secret-1')
    expect(await t.data({ func: 'user.suspend', elid: String(second), ...asAdmin })).toEqual({ ok: true })
    expect((await t.data({ func: 'user.delete', elid: '1', ...asAdmin })).error.object).toBe('lastadmin')
    await t.data({ func: 'user.resume', elid: String(second), ...asAdmin })
    expect(await t.data({ func: 'user.delete', elid: '1', ...asAdmin })).toEqual({ ok: true })
    expect(await t.db.select().from(sessions)).toHaveLength(0)
  })

  it('needs an elid', async () => {
    const t = await makeTestApp()
    expect((await t.data({ func: 'user.delete', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'elid' })
  })
})

describe('audit log', () => {
  it('records writes with who, address, function, masked parameters and result; admins can list it', async () => {
    const t = await makeTestApp()
    await t.createUser('ivan', '16', 'ivan-secret-1')
    await t.data({ func: 'user.edit', sok: 'ok', name: 'ivan', passwd: 'x-secret-123', confirm: 'x-secret-123', ...asAdmin })
    await t.data({ func: 'user', ...asAdmin })
    const rows = await t.db.select().from(auditLog).orderBy(auditLog.id)
    expect(rows.map((r) => [r.func, r.result])).toEqual([
      ['user.edit', 'ok'],
      ['user.edit', 'exists'],
    ])
    expect(rows[0]).toMatchObject({ actor: 'admin', actingAs: 'admin', address: '127.0.0.1' })
    const params = JSON.parse(rows[0].params)
    expect(params).toMatchObject({ name: 'ivan', passwd: '***', confirm: '***', authinfo: '***', sok: 'ok' })
    expect(JSON.stringify(rows)).not.toContain('ivan-secret-1')
    expect(JSON.stringify(rows)).not.toContain(adminPassword)

    const listed = await t.data({ func: 'audit', ...asAdmin, p_sort: 'id', p_order: 'desc' })
    expect(listed.elem[0]).toMatchObject({ function: 'user.edit', result: 'exists', actor: 'admin' })
    expect((await t.data({ func: 'audit', ...asAdmin, filter: 'on', result: 'ok' })).p_elems).toBe(1)
    expect((await t.data({ func: 'audit', authinfo: 'ivan:ivan-secret-1' })).error).toMatchObject({ type: 'access', object: 'func' })
  })

  it('records logins, failed ones too, without the password', async () => {
    const t = await makeTestApp()
    await t.login()
    await t.data({ func: 'auth', username: 'admin', password: 'wrong-password' })
    const rows = await t.db.select().from(auditLog).orderBy(auditLog.id)
    expect(rows.map((r) => [r.func, r.actor, r.result, r.detail])).toEqual([
      ['auth', 'admin', 'ok', ''],
      ['auth', 'admin', 'auth', 'badpassword'],
    ])
    expect(JSON.stringify(rows)).not.toContain('wrong-password')
  })
})

describe('writes and their audit entries are one transaction', () => {
  it('a write whose audit entry cannot be stored is undone and answered with an internal error, without details', async () => {
    const t = await makeTestApp()
    await execSql(t.store, 'DROP TABLE audit_log')
    const { res, text } = await t.call({
      func: 'user.edit', sok: 'ok', name: 'ghost', passwd: 'ghost-secret-1', confirm: 'ghost-secret-1', out: 'JSONdata', ...asAdmin,
    })
    expect(res.status).toBe(500)
    expect(JSON.parse(text).error).toMatchObject({ type: 'internal' })
    expect(text).not.toMatch(/audit_log|SQLITE|no such table/)
    expect((await t.db.select().from(users)).map((u) => u.name)).toEqual(['admin'])
    expect(t.errors.length).toBeGreaterThan(0)
  })
})
