import { describe, expect, it } from 'vitest'
import { Lockout, maxDelay } from '../../src/auth/lockout'
import { defaultConfig } from '../../src/config'
import { rpcClient } from '../jsonrpc/rpc'
import { adminPassword, makeTestApp, type TestApp } from '../helpers'

const attacker = '192.0.2.66'
const owner = '192.0.2.10'
// Small delay steps keep the slowing in play without slowing the tests.
const lockout = { window: 900, slowAfter: 3, delayStep: 1, maxPerLogin: 10, maxPerAddress: 30 }

async function urlLogin(t: TestApp, username: string, password: string, address: string) {
  return t.data({ func: 'auth', username, password }, { address })
}

async function fileLogin(t: TestApp, login: string, password: string, address: string) {
  const query = new URLSearchParams({ 'auth[login]': login, 'auth[password]': password })
  const res = await t.request(`/admin/payments/download?${query}`, { address })
  await res.text()
  return res.status
}

describe('failures for a login lock it only where they come from', () => {
  it('func=auth: wrong passwords for admin from one address do not refuse admin elsewhere', async () => {
    const t = await makeTestApp({ lockout })
    for (let i = 0; i < 12; i++) await urlLogin(t, 'admin', 'wrong', attacker)
    expect((await urlLogin(t, 'admin', adminPassword, owner)).auth).toBeDefined()
    expect((await urlLogin(t, 'admin', adminPassword, attacker)).error).toMatchObject({ type: 'auth', object: 'locked' })
  })

  it('authinfo: the same, from addresses allowed to use it', async () => {
    const t = await makeTestApp({ lockout, authinfoAllow: ['192.0.2.0/24'] })
    for (let i = 0; i < 12; i++) await t.data({ func: 'session', authinfo: 'admin:wrong' }, { address: attacker })
    expect((await t.data({ func: 'session', authinfo: `admin:${adminPassword}` }, { address: owner })).elem).toBeDefined()
    const locked = await t.data({ func: 'session', authinfo: `admin:${adminPassword}` }, { address: attacker })
    expect(locked.error).toMatchObject({ type: 'auth', object: 'locked' })
  })

  it('JSON-RPC auth {login, password}: the same', async () => {
    const t = await makeTestApp({ lockout })
    const rpc = rpcClient(t)
    for (let i = 0; i < 12; i++) await rpc.call('session', { auth: { login: 'admin', password: 'nope' } }, { address: attacker })
    expect(await rpc.login('admin', adminPassword, { address: owner })).toMatch(/^[0-9a-f]{32}$/)
    const locked = await rpc.call('session', { auth: { login: 'admin', password: adminPassword } }, { address: attacker })
    expect(locked.result).toMatchObject({ code: false, errors: [{ code: 'auth', field: 'locked' }] })
  })

  it("the file channel's auth[login]: the same", async () => {
    const t = await makeTestApp({ lockout })
    for (let i = 0; i < 12; i++) expect(await fileLogin(t, 'admin', 'wrong', attacker)).toBe(401)
    expect(await fileLogin(t, 'admin', adminPassword, owner)).toBe(200)
    expect(await fileLogin(t, 'admin', adminPassword, attacker)).toBe(401)
  })
})

describe('the failing address is locked', () => {
  it('for the login it failed at, then for every login once it passes the per-address maximum', async () => {
    const t = await makeTestApp({ lockout: { ...lockout, maxPerLogin: 4, maxPerAddress: 8, window: 60 } })
    await t.createUser('ivan')
    for (let i = 0; i < 4; i++) expect((await urlLogin(t, 'admin', 'wrong', attacker)).error.object).toBe('badpassword')
    expect((await urlLogin(t, 'admin', adminPassword, attacker)).error.object).toBe('locked')
    expect((await urlLogin(t, 'admin', adminPassword, owner)).auth).toBeDefined()
    // Other logins from that address still work until the address itself is locked.
    expect((await urlLogin(t, 'ivan', 'user-secret-1', attacker)).auth).toBeDefined()
    for (let i = 0; i < 4; i++) await urlLogin(t, `nobody${i}`, 'wrong', attacker)
    expect((await urlLogin(t, 'ivan', 'user-secret-1', attacker)).error).toMatchObject({ type: 'auth', object: 'locked' })
    expect((await t.data({ func: 'session', authinfo: 'ivan:user-secret-1' }, { address: attacker })).error).toBeDefined()
    expect((await urlLogin(t, 'ivan', 'user-secret-1', owner)).auth).toBeDefined()
    t.clock.advance(61_000)
    expect((await urlLogin(t, 'admin', adminPassword, attacker)).auth).toBeDefined()
  })
})

describe('failures spread over many addresses', () => {
  it('never refuse the right password from a clean address, and only slow the failing ones', async () => {
    const t = await makeTestApp({ lockout: { ...lockout, slowAfter: 1, maxPerLogin: 3, maxPerAddress: 100 } })
    const rpc = rpcClient(t)
    const addresses = Array.from({ length: 15 }, (_, i) => `198.51.100.${i + 1}`)
    for (const address of addresses) {
      await urlLogin(t, 'admin', 'wrong', address)
      await rpc.call('session', { auth: { login: 'admin', password: 'nope' } }, { address })
    }
    // 30 failures for admin, ten times the per-login maximum, none locking it anywhere.
    const { lockout: counts } = t.services.auth
    const now = t.clock()
    expect(counts.wait('admin', owner, now)).toBe(0)
    expect(counts.wait('admin', addresses[0]!, now)).toBeGreaterThan(0)
    expect((await urlLogin(t, 'admin', adminPassword, owner)).auth).toBeDefined()
    expect(await rpc.login('admin', adminPassword, { address: '203.0.113.7' })).toMatch(/^[0-9a-f]{32}$/)
    // An address that failed fewer times than the maximum is slowed, not refused.
    expect((await urlLogin(t, 'admin', adminPassword, addresses[0]!)).auth).toBeDefined()
  })
})

describe('a success', () => {
  it("clears its own (login, address) count but not the address's count", async () => {
    const t = await makeTestApp({ lockout: { ...lockout, maxPerLogin: 3, maxPerAddress: 7 } })
    for (let i = 0; i < 2; i++) await urlLogin(t, 'admin', 'wrong', owner)
    for (let i = 0; i < 2; i++) await urlLogin(t, 'admin', 'wrong', attacker)
    expect((await urlLogin(t, 'admin', adminPassword, attacker)).auth).toBeDefined()
    for (let i = 0; i < 2; i++) await urlLogin(t, 'admin', 'wrong', attacker)
    expect((await urlLogin(t, 'admin', adminPassword, attacker)).auth).toBeDefined()
    // Four failures counted for the address: three more lock it, the successes notwithstanding.
    for (let i = 0; i < 3; i++) await urlLogin(t, `nobody${i}`, 'wrong', attacker)
    expect((await urlLogin(t, 'admin', adminPassword, attacker)).error.object).toBe('locked')
  })

  it("elsewhere does not clear another address's count for that login", async () => {
    const t = await makeTestApp({ lockout: { ...lockout, maxPerLogin: 3 } })
    for (let i = 0; i < 2; i++) await urlLogin(t, 'admin', 'wrong', attacker)
    expect((await urlLogin(t, 'admin', adminPassword, owner)).auth).toBeDefined()
    await urlLogin(t, 'admin', 'wrong', attacker)
    expect((await urlLogin(t, 'admin', adminPassword, attacker)).error.object).toBe('locked')
    expect((await urlLogin(t, 'admin', adminPassword, owner)).auth).toBeDefined()
  })
})

describe('Lockout', () => {
  const config = { ...defaultConfig.lockout, window: 60, slowAfter: 1, delayStep: 1000 }

  it('keeps at most its limit of entries however many logins and addresses fail', () => {
    const counts = new Lockout(config, 100)
    const start = 1_000_000
    for (let i = 0; i < 10_000; i++) counts.fail(`login${i}`, `10.0.${i >> 8}.${i & 255}`, start + i)
    expect(counts.sizes()).toEqual({ addresses: 100, pairs: 100, logins: 100 })
    // The newest are the ones kept.
    for (let i = 0; i < config.maxPerLogin; i++) counts.fail('admin', '192.0.2.1', start + 10_000)
    expect(counts.isLocked('admin', '192.0.2.1', start + 10_000)).toBe(true)
  })

  it('drops expired entries as new ones come', () => {
    const counts = new Lockout(config, 1000)
    for (let i = 0; i < 500; i++) counts.fail(`login${i}`, `10.0.0.${i & 255}`, 0)
    expect(counts.sizes()).toEqual({ addresses: 256, pairs: 500, logins: 500 })
    counts.fail('admin', '192.0.2.1', 61_000)
    expect(counts.sizes()).toEqual({ addresses: 1, pairs: 1, logins: 1 })
  })

  it('bounds the keys of very long logins and addresses', () => {
    const counts = new Lockout({ ...config, maxPerLogin: 2 })
    const long = 'x'.repeat(100_000)
    counts.fail(long, long, 0)
    counts.fail(long, long, 0)
    expect(counts.isLocked(long, long, 0)).toBe(true)
    expect(counts.isLocked(`${long}y`, long, 0)).toBe(false)
  })

  it('slows a clean address for no one, and one attempt waits at most the cap in all', () => {
    const counts = new Lockout({ ...config, maxPerLogin: 1000, maxPerAddress: 1000 })
    for (let i = 0; i < 20; i++) counts.fail('admin', `10.0.0.${i}`, 0)
    expect(counts.wait('admin', '192.0.2.1', 0)).toBe(0)
    const waited = counts.wait('admin', '10.0.0.1', 0)
    expect(waited).toBe(maxDelay)
    expect(counts.fail('admin', '10.0.0.1', 0, waited)).toBe(0)
  })
})
