import { describe, expect, it } from 'vitest'
import { auditLog, sessions } from '../../src/db/schema/index'
import { adminPassword, makeTestApp } from '../helpers'
import { rpcClient } from './rpc'

describe('auth and SID', () => {
  it('auth {login, password} starts a session like func=auth; every reply carries it', async () => {
    const t = await makeTestApp()
    const rpc = rpcClient(t)
    const first = await rpc.call('currency', { auth: { login: 'admin', password: adminPassword } })
    expect(first.result).toMatchObject({ code: true, errors: [] })
    const sid = first.result!.session_id!
    expect(sid).toMatch(/^[0-9a-f]{32}$/)
    const rows = await t.db.select().from(sessions)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ userId: 1, address: '127.0.0.1' })
    // The login is audited as func=auth is.
    expect((await t.db.select().from(auditLog)).filter((r) => r.func === 'auth')).toEqual([expect.objectContaining({ actor: 'admin', result: 'ok' })])
    const next = await rpc.call('currency', { SID: sid })
    expect(next.result).toMatchObject({ code: true, session_id: sid })
    expect(await t.db.select().from(sessions)).toHaveLength(1)
  })

  it('accepts form-style auth[login] / auth[password] keys', async () => {
    const t = await makeTestApp()
    const entry = await rpcClient(t).call('currency', { 'auth[login]': 'admin', 'auth[password]': adminPassword })
    expect(entry.result!.code).toBe(true)
    expect(entry.result!.session_id).toBeTruthy()
  })

  it('a bad password is an application error, with no session', async () => {
    const t = await makeTestApp()
    const entry = await rpcClient(t).call('currency', { auth: { login: 'admin', password: 'wrong-password' } })
    expect(entry.result).toEqual({
      code: false,
      session_id: null,
      messages: [],
      return: null,
      errors: [{ code: 'auth', field: 'badpassword', value: '', message: 'Invalid username or password' }],
    })
    expect(await t.db.select().from(sessions)).toHaveLength(0)
  })

  it('without credentials a call is refused as the URL protocol refuses it', async () => {
    const t = await makeTestApp()
    const entry = await rpcClient(t).call('currency', {})
    expect(entry.result).toMatchObject({ code: false, session_id: null, errors: [{ code: 'auth', field: 'session' }] })
  })

  it('a SID works as auth= on /billmgr, and a URL-protocol session works as SID', async () => {
    const t = await makeTestApp()
    const rpc = rpcClient(t)
    const rpcSession = await rpc.login()
    const listed = await t.data({ func: 'currency', auth: rpcSession })
    expect(listed.elem).toHaveLength(3)
    const urlSession = await t.login()
    const entry = await rpc.call('currency', { SID: urlSession })
    expect(entry.result).toMatchObject({ code: true, session_id: urlSession })
    // Both are one user's sessions in the one table: each lists the other.
    const own = await rpc.ok('session', { SID: rpcSession })
    expect(own.rows).toHaveLength(2)
    expect(own.rows.filter((r: { current: boolean }) => r.current)).toHaveLength(1)
  })

  it('an idle session expires for both doors alike; an ended one is refused at once', async () => {
    const t = await makeTestApp({ sessionIdle: 600 })
    const rpc = rpcClient(t)
    const sid = await rpc.login()
    t.clock.advance(599_000)
    expect((await rpc.call('currency', { SID: sid })).result!.code).toBe(true)
    t.clock.advance(601_000)
    const expired = await rpc.call('currency', { SID: sid })
    expect(expired.result).toMatchObject({ code: false, session_id: null, errors: [{ code: 'auth', field: 'session' }] })
    expect((await t.data({ func: 'currency', auth: sid })).error).toMatchObject({ type: 'auth' })

    const again = await rpc.login()
    const ended = await rpc.call('session.delete', { SID: again, elid: again })
    expect(ended.result).toMatchObject({ code: true, session_id: null })
    expect((await rpc.call('currency', { SID: again })).result!.code).toBe(false)
  })

  it('failed logins lock the login as they do for func=auth', async () => {
    const t = await makeTestApp({ lockout: { maxPerLogin: 3, slowAfter: 10 } })
    const rpc = rpcClient(t)
    for (let i = 0; i < 3; i++) {
      expect((await rpc.call('currency', { auth: { login: 'admin', password: 'nope' } })).result!.errors[0].field).toBe('badpassword')
    }
    const locked = await rpc.call('currency', { auth: { login: 'admin', password: adminPassword } })
    expect(locked.result).toMatchObject({ code: false, errors: [{ code: 'auth', field: 'locked' }] })
    // The URL door shares the count.
    expect((await t.data({ func: 'auth', username: 'admin', password: adminPassword })).error.object).toBe('locked')
  })
})

describe('allowed addresses', () => {
  it("a user's own list: logins and sessions from elsewhere fail, naming the address", async () => {
    const t = await makeTestApp()
    const rpc = rpcClient(t)
    await t.createUser('ivan', '16', 'user-secret-1', { allowed_addresses: '192.0.2.0/24, 2001:db8::/32' })
    const inside = await rpc.call('currency', { auth: { login: 'ivan', password: 'user-secret-1' } }, { address: '192.0.2.10' })
    expect(inside.result!.code).toBe(true)
    expect((await rpc.call('currency', { auth: { login: 'ivan', password: 'user-secret-1' } }, { address: '2001:db8::1' })).result!.code).toBe(true)
    const outside = await rpc.call('currency', { auth: { login: 'ivan', password: 'user-secret-1' } }, { address: '198.51.100.1' })
    expect(outside.result).toMatchObject({ code: false, session_id: null, errors: [{ code: 'auth', field: 'address', value: '198.51.100.1' }] })
    expect(outside.result!.errors[0].message).toContain('198.51.100.1')
    // A session started inside cannot be used from outside.
    const moved = await rpc.call('currency', { SID: inside.result!.session_id }, { address: '198.51.100.1' })
    expect(moved.result).toMatchObject({ code: false, errors: [{ code: 'auth', field: 'address' }] })
    // authinfo on the URL door obeys the same list.
    const authinfo = await t.data({ func: 'currency', authinfo: 'ivan:user-secret-1' }, { address: '198.51.100.1' })
    expect(authinfo.error).toMatchObject({ type: 'auth' })
  })

  it("a client's list applies to its users too", async () => {
    const t = await makeTestApp()
    const rpc = rpcClient(t)
    const account = await t.createAccount('Walled', { allowed_addresses: '203.0.113.0/24' })
    await t.createUser('walled', '16', 'user-secret-1', { account: String(account) })
    const outside = await rpc.call('payment', { auth: { login: 'walled', password: 'user-secret-1' } }, { address: '198.51.100.1' })
    expect(outside.result).toMatchObject({ code: false, errors: [{ code: 'auth', field: 'address', value: '198.51.100.1' }] })
    const inside = await rpc.call('payment', { auth: { login: 'walled', password: 'user-secret-1' } }, { address: '203.0.113.5' })
    expect(inside.result!.code).toBe(true)
  })
})

describe('su', () => {
  it('acts as another user with the same rules as the URL protocol', async () => {
    const t = await makeTestApp()
    const rpc = rpcClient(t)
    await t.createUser('ivan')
    const sid = await rpc.login()
    const asIvan = await rpc.call('user', { SID: sid, su: 'ivan' })
    expect(asIvan.result).toMatchObject({ code: false, session_id: sid, errors: [{ code: 'access', field: 'func' }] })
    expect((await rpc.call('session', { SID: sid, su: 'ivan' })).result!.code).toBe(true)
    const ivan = await rpc.login('ivan', 'user-secret-1')
    expect((await rpc.call('session', { SID: ivan, su: 'admin' })).result!.errors[0]).toMatchObject({ code: 'access', field: 'su' })
    expect((await t.db.select().from(auditLog)).filter((r) => r.func === 'session' && r.actor === 'admin' && r.actingAs === 'ivan')).toHaveLength(1)
  })
})
