import { describe, expect, it } from 'vitest'
import { defaultConfig, parseConfig } from '../../src/config'
import { accounts } from '../../src/db/schema/index'
import { adminPassword, makeTestApp } from '../helpers'
import { rpcClient } from './rpc'

describe('429 Too Many Requests', () => {
  it('beyond the requests one address may start in a second, with Retry-After; other addresses go on', async () => {
    const t = await makeTestApp({ rpcRatePerAddress: 3 })
    const rpc = rpcClient(t)
    const sid = await rpc.login()
    const request = { method: 'account.edit', params: { SID: sid, name: 'Flood', currency: 'USD', apply: 1 }, id: 1 }
    expect((await rpc.post(request)).res.status).toBe(200)
    expect((await rpc.post(request)).res.status).toBe(200)
    const refused = await rpc.post(request)
    expect(refused.res.status).toBe(429)
    expect(refused.res.headers.get('retry-after')).toBe('1')
    expect(refused.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Too many requests' } })
    // A refused request did nothing.
    expect(await t.db.select().from(accounts)).toHaveLength(2)
    expect((await rpc.post(request, { address: '192.0.2.1' })).res.status).toBe(200)
    t.clock.advance(1000)
    expect((await rpc.post(request)).res.status).toBe(200)
    // The URL protocol is not limited by this door's count.
    expect((await t.data({ func: 'account', auth: sid })).elem).toHaveLength(4)
  })

  it('beyond the requests in flight at once', async () => {
    const t = await makeTestApp({ rpcMaxInFlight: 1 })
    const rpc = rpcClient(t)
    // A login verifies a password, which takes a while: the second request comes meanwhile.
    const [slow, turnedAway] = await Promise.all([
      rpc.post({ method: 'currency', params: { auth: { login: 'admin', password: adminPassword } }, id: 1 }),
      rpc.post({ method: 'currency', params: {}, id: 2 }),
    ])
    expect(slow.res.status).toBe(200)
    expect(slow.body.result.code).toBe(true)
    expect(turnedAway.res.status).toBe(429)
    expect(turnedAway.res.headers.get('retry-after')).toBe('1')
    // Once answered, the slot is free again.
    expect((await rpc.post({ method: 'currency', params: {}, id: 3 })).res.status).toBe(200)
  })

  it('the limits are configurable, 0 turns them off, and the defaults are generous', () => {
    expect(defaultConfig.rpcMaxInFlight).toBeGreaterThanOrEqual(100)
    expect(defaultConfig.rpcRatePerAddress).toBeGreaterThanOrEqual(1000)
    const problems: string[] = []
    const config = parseConfig({ BILLGATE_RPC_MAX_IN_FLIGHT: '0', BILLGATE_RPC_RATE: '50' }, problems)
    expect(problems).toEqual([])
    expect(config).toMatchObject({ rpcMaxInFlight: 0, rpcRatePerAddress: 50 })
    parseConfig({ BILLGATE_RPC_RATE: '-1' }, problems)
    expect(problems).toEqual([expect.stringContaining('BILLGATE_RPC_RATE')])
  })
})
