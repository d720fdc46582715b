import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { sessions, users } from '../../src/db/schema/index'
import { firstRow } from '../../src/db/query'
import { adminPassword, makeTestApp } from '../helpers'

describe('func=auth and sessions', () => {
  it('starts a session: 128-bit id, cookie billmgrses5 HttpOnly SameSite=Lax, level in the reply', async () => {
    const t = await makeTestApp()
    const { res, text } = await t.call({ func: 'auth', username: 'admin', password: adminPassword, out: 'xml' })
    const m = /<auth id="([0-9a-f]{32})" level="28">\1<\/auth>/.exec(text)
    expect(m).not.toBeNull()
    const cookie = res.headers.get('set-cookie')!
    expect(cookie).toContain(`billmgrses5=${m![1]}`)
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Lax/)
    expect(cookie).not.toMatch(/Secure/)
    expect(text).toContain('<tparams>')
    expect(text).not.toContain(adminPassword)
  })

  it('marks the cookie Secure behind a trusted TLS proxy', async () => {
    const t = await makeTestApp({ trustedProxies: ['10.0.0.1'] })
    const { res } = await t.call(
      { func: 'auth', username: 'admin', password: adminPassword, out: 'xml' },
      { address: '10.0.0.1', headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' } },
    )
    expect(res.headers.get('set-cookie')).toMatch(/Secure/)
  })

  it('stores only a hash of the session id and a scrypt hash of the password', async () => {
    const t = await makeTestApp()
    const sid = await t.login()
    const stored = await t.db.select().from(sessions)
    expect(stored).toHaveLength(1)
    expect(JSON.stringify(stored)).not.toContain(sid)
    const admin = (await firstRow(t.db.select().from(users).where(eq(users.name, 'admin'))))!
    expect(admin.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/)
    expect(admin.passwordHash).not.toContain(adminPassword)
  })

  it('accepts the session as auth= and as the cookie', async () => {
    const t = await makeTestApp()
    const sid = await t.login()
    expect((await t.data({ func: 'user', auth: sid })).elem).toHaveLength(1)
    const viaCookie = await t.call({ func: 'user', out: 'JSONdata' }, { headers: { cookie: `billmgrses5=${sid}` } })
    expect(JSON.parse(viaCookie.text).elem).toHaveLength(1)
  })

  it('expires a session after the idle time; requests and keepalive refresh it', async () => {
    const t = await makeTestApp({ sessionIdle: 60 })
    const sid = await t.login()
    t.clock.advance(50_000)
    expect((await t.data({ func: 'keepalive', auth: sid })).ok).toBe(true)
    t.clock.advance(50_000)
    expect((await t.data({ func: 'user', auth: sid })).elem).toBeDefined()
    t.clock.advance(61_000)
    expect((await t.data({ func: 'user', auth: sid })).error).toMatchObject({ type: 'auth', object: 'session' })
    // Gone for good, even if time were to run back.
    expect(await t.db.select().from(sessions)).toHaveLength(0)
  })

  it('answers an unknown session and a missing one with auth/session', async () => {
    const t = await makeTestApp()
    expect((await t.data({ func: 'user', auth: 'f'.repeat(32) })).error).toMatchObject({ type: 'auth', object: 'session' })
    expect((await t.data({ func: 'user' })).error).toMatchObject({ type: 'auth', object: 'session' })
  })

  it('lists own sessions; an admin sees all; ids are handles, never the tokens', async () => {
    const t = await makeTestApp()
    await t.createUser('ivan')
    const admin = await t.login()
    const ivan = await t.login('ivan', 'user-secret-1')
    const mine = await t.data({ func: 'session', auth: ivan })
    expect(mine.elem).toHaveLength(1)
    expect(mine.elem[0]).toMatchObject({ username: 'ivan', current: true })
    const all = await t.data({ func: 'session', auth: admin })
    expect(all.elem.map((s: { username: string }) => s.username).sort()).toEqual(['admin', 'ivan'])
    expect(JSON.stringify(all)).not.toContain(ivan)
  })

  it('session.delete ends a session (logout); users may end only their own', async () => {
    const t = await makeTestApp()
    await t.createUser('ivan')
    const admin = await t.login()
    const ivan = await t.login('ivan', 'user-secret-1')
    const adminHandle = (await t.data({ func: 'session', auth: admin })).elem.find((s: { username: string }) => s.username === 'admin').id
    expect((await t.data({ func: 'session.delete', elid: adminHandle, auth: ivan })).error).toMatchObject({ type: 'access' })
    expect((await t.data({ func: 'session.delete', elid: ivan, auth: ivan })).ok).toBe(true)
    expect((await t.data({ func: 'user', auth: ivan })).error).toMatchObject({ type: 'auth', object: 'session' })
    expect((await t.data({ func: 'user', auth: admin })).elem).toBeDefined()
  })
})

describe('authinfo', () => {
  it('authenticates one call from an allowed address', async () => {
    const t = await makeTestApp()
    const reply = await t.data({ func: 'user', authinfo: `admin:${adminPassword}` })
    expect(reply.elem).toHaveLength(1)
  })

  it('splits on the first colon, so passwords may contain colons', async () => {
    const t = await makeTestApp()
    await t.createUser('colon', '16', 'pa:ss:word-1')
    expect((await t.data({ func: 'session', authinfo: 'colon:pa:ss:word-1' })).elem).toBeDefined()
  })

  it('is refused from an address outside the allowed ranges, even with the right password', async () => {
    const t = await makeTestApp({ authinfoAllow: ['127.0.0.0/8', '192.0.2.0/24'] })
    expect((await t.data({ func: 'user', authinfo: `admin:${adminPassword}` }, { address: '192.0.2.77' })).elem).toHaveLength(1)
    const refused = await t.data({ func: 'user', authinfo: `admin:${adminPassword}` }, { address: '198.51.100.7' })
    expect(refused.error).toMatchObject({ type: 'auth', object: 'authinfo' })
    expect(refused.error.msg).toContain('198.51.100.7')
  })

  it('understands IPv6 ranges and IPv4-mapped socket addresses', async () => {
    const t = await makeTestApp({ authinfoAllow: ['2001:db8::/32', '127.0.0.1'] })
    expect((await t.data({ func: 'user', authinfo: `admin:${adminPassword}` }, { address: '2001:db8::5' })).elem).toBeDefined()
    expect((await t.data({ func: 'user', authinfo: `admin:${adminPassword}` }, { address: '::ffff:127.0.0.1' })).elem).toBeDefined()
    expect((await t.data({ func: 'user', authinfo: `admin:${adminPassword}` }, { address: '2001:db9::5' })).error.object).toBe('authinfo')
  })

  it('believes X-Forwarded-For only from a trusted proxy', async () => {
    const t = await makeTestApp({ trustedProxies: ['10.0.0.1'] })
    const viaProxy = await t.data(
      { func: 'user', authinfo: `admin:${adminPassword}` },
      { address: '10.0.0.1', headers: { 'x-forwarded-for': '127.0.0.1' } },
    )
    expect(viaProxy.elem).toBeDefined()
    const forged = await t.data(
      { func: 'user', authinfo: `admin:${adminPassword}` },
      { address: '198.51.100.7', headers: { 'x-forwarded-for': '127.0.0.1' } },
    )
    expect(forged.error.object).toBe('authinfo')
  })

  it('answers a wrong password with badpassword and stops working after a password change', async () => {
    const t = await makeTestApp()
    await t.createUser('ivan', '16', 'old-secret-1')
    expect((await t.data({ func: 'session', authinfo: 'ivan:old-secret-1' })).elem).toBeDefined()
    expect((await t.data({ func: 'session', authinfo: 'ivan:wrong' })).error).toMatchObject({ type: 'auth', object: 'badpassword' })
    const id = (await t.data({ func: 'user', authinfo: `admin:${adminPassword}`, filter: 'on', name: 'ivan' })).elem[0].id
    await t.data({ func: 'user.edit', elid: String(id), sok: 'ok', passwd: 'new-secret-1', confirm: 'new-secret-1', authinfo: `admin:${adminPassword}` })
    expect((await t.data({ func: 'session', authinfo: 'ivan:old-secret-1' })).error.object).toBe('badpassword')
    expect((await t.data({ func: 'session', authinfo: 'ivan:new-secret-1' })).elem).toBeDefined()
  })

  it("enforces a user's own allowed addresses for authinfo and sessions", async () => {
    const t = await makeTestApp({ authinfoAllow: ['0.0.0.0/0'] })
    await t.createUser('ivan', '16', 'user-secret-1', { allowed_addresses: '192.0.2.0/24' })
    expect((await t.data({ func: 'session', authinfo: 'ivan:user-secret-1' }, { address: '192.0.2.10' })).elem).toBeDefined()
    const refused = await t.data({ func: 'session', authinfo: 'ivan:user-secret-1' }, { address: '198.51.100.1' })
    expect(refused.error).toMatchObject({ type: 'auth', object: 'address' })
    expect(refused.error.msg).toContain('198.51.100.1')
    const login = await t.data({ func: 'auth', username: 'ivan', password: 'user-secret-1' }, { address: '198.51.100.1' })
    expect(login.error.object).toBe('address')
  })
})

describe('failed logins are slowed and then locked', () => {
  it('locks a login at the failing address, and the address, until the window passes', async () => {
    const t = await makeTestApp({ lockout: { slowAfter: 2, delayStep: 5, maxPerLogin: 4, maxPerAddress: 6, window: 60 } })
    await t.createUser('ivan')
    for (let i = 0; i < 4; i++) {
      expect((await t.data({ func: 'auth', username: 'ivan', password: 'bad' })).error.object).toBe('badpassword')
    }
    // Locked even with the right password there, but not from another address.
    const locked = await t.data({ func: 'auth', username: 'ivan', password: 'user-secret-1' })
    expect(locked.error).toMatchObject({ type: 'auth', object: 'locked' })
    expect((await t.data({ func: 'auth', username: 'ivan', password: 'user-secret-1' }, { address: '192.0.2.1' })).auth).toBeDefined()
    // Two more failures for other logins from the same address lock the address.
    await t.data({ func: 'auth', username: 'nobody1', password: 'bad' })
    await t.data({ func: 'auth', username: 'nobody2', password: 'bad' })
    expect((await t.data({ func: 'auth', username: 'admin', password: adminPassword })).error.object).toBe('locked')
    expect((await t.data({ func: 'auth', username: 'admin', password: adminPassword }, { address: '192.0.2.1' })).auth).toBeDefined()
    t.clock.advance(61_000)
    expect((await t.data({ func: 'auth', username: 'ivan', password: 'user-secret-1' })).auth).toBeDefined()
  })

  it('slows answers to repeated failures', async () => {
    const t = await makeTestApp({ lockout: { slowAfter: 1, delayStep: 150, maxPerLogin: 100, maxPerAddress: 100 } })
    await t.data({ func: 'auth', username: 'admin', password: 'bad' })
    const start = performance.now()
    await t.data({ func: 'auth', username: 'admin', password: 'bad' })
    await t.data({ func: 'auth', username: 'admin', password: 'bad' })
    // 150 ms then 300 ms of added delay.
    expect(performance.now() - start).toBeGreaterThanOrEqual(440)
  })
})

describe('suspended users', () => {
  it('cannot log in, and their sessions end at once', async () => {
    const t = await makeTestApp()
    const id = await t.createUser('ivan')
    const ivan = await t.login('ivan', 'user-secret-1')
    await t.data({ func: 'user.suspend', elid: String(id), authinfo: `admin:${adminPassword}` })
    expect((await t.data({ func: 'session', auth: ivan })).error).toMatchObject({ type: 'auth', object: 'session' })
    expect((await t.data({ func: 'auth', username: 'ivan', password: 'user-secret-1' })).error.object).toBe('suspended')
    expect((await t.data({ func: 'session', authinfo: 'ivan:user-secret-1' })).error.object).toBe('suspended')
    await t.data({ func: 'user.resume', elid: String(id), authinfo: `admin:${adminPassword}` })
    expect((await t.data({ func: 'auth', username: 'ivan', password: 'user-secret-1' })).auth).toBeDefined()
  })
})

describe('one-time key login', () => {
  const key = 'k3y-0123456789abcdef'

  it('an admin issues a key; it logs the user in once, sets the cookie, and is then spent', async () => {
    const t = await makeTestApp()
    await t.createUser('vasya')
    const admin = await t.login()
    expect(await t.data({ func: 'session.newkey', username: 'vasya', key, auth: admin })).toEqual({ ok: true })
    const { res, text } = await t.call({ func: 'auth', username: 'vasya', key, checkcookie: 'no', out: 'xml' })
    expect(text).toMatch(/<auth id="[0-9a-f]{32}" level="16">/)
    expect(res.headers.get('set-cookie')).toContain('billmgrses5=')
    expect((await t.data({ func: 'auth', username: 'vasya', key })).error).toMatchObject({ type: 'auth', object: 'key' })
  })

  it('works without username, refuses a wrong username, and expires', async () => {
    const t = await makeTestApp({ keyTtl: 60 })
    await t.createUser('vasya')
    const admin = await t.login()
    await t.data({ func: 'session.newkey', username: 'vasya', key, auth: admin })
    expect((await t.data({ func: 'auth', username: 'admin', key })).error.object).toBe('key')
    await t.data({ func: 'session.newkey', username: 'vasya', key, auth: admin })
    expect((await t.data({ func: 'auth', key })).auth).toBeDefined()
    await t.data({ func: 'session.newkey', username: 'vasya', key, auth: admin })
    t.clock.advance(61_000)
    expect((await t.data({ func: 'auth', key })).error.object).toBe('key')
  })

  it('redirects a browser (no out) into the panel', async () => {
    const t = await makeTestApp()
    await t.createUser('vasya')
    await t.data({ func: 'session.newkey', username: 'vasya', key, authinfo: `admin:${adminPassword}` })
    const res = await t.request(`/billmgr?func=auth&username=vasya&key=${key}&checkcookie=no`)
    expect([302, 303]).toContain(res.status)
    expect(res.headers.get('location')).toMatch(/^\/billmgr/)
    expect(res.headers.get('set-cookie')).toContain('billmgrses5=')
  })

  it('needs a key of 16 or more characters, and admin rights over the user', async () => {
    const t = await makeTestApp()
    await t.createUser('vasya')
    await t.createUser('other-admin', '28')
    const admin = await t.login()
    expect((await t.data({ func: 'session.newkey', username: 'vasya', key: 'short', auth: admin })).error).toMatchObject({ type: 'value', object: 'key' })
    expect((await t.data({ func: 'session.newkey', username: 'other-admin', key, auth: admin })).error).toMatchObject({ type: 'access' })
    const vasya = await t.login('vasya', 'user-secret-1')
    expect((await t.data({ func: 'session.newkey', username: 'admin', key, auth: vasya })).error).toMatchObject({ type: 'access', object: 'func' })
  })
})
