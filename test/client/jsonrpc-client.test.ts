import { describe, expect, it } from 'vitest'
import { createClient, RpcProtocolError } from '../../src/client/index'
import { sessions } from '../../src/db/schema/index'
import { adminPassword } from '../helpers'
import { listening } from './listening'

describe('the JSON-RPC client', () => {
  it('logs in with the first call, then reuses the session, by name or through the proxy', async () => {
    const { t, url } = await listening()
    const api = createClient({ url, login: 'admin', password: adminPassword })
    const created = await api.call<{ id: number }>('reseller.edit', { sok: 'ok', name: 'North' })
    expect(created.code).toBe(true)
    expect(created.data.id).toBe(1)
    const listed = await api.companies.list({})
    expect(listed.code).toBe(true)
    expect(JSON.stringify(listed.data)).toContain('North')
    const refused = await api.call('reseller.edit', { sok: 'ok', name: 'North' })
    expect(refused).toMatchObject({ code: false, errors: [{ code: 'exists', field: 'name' }] })
    expect(await t.db.select().from(sessions)).toHaveLength(1)
    expect(api.sessionId).toBeDefined()
  })

  it('sends batches, logging in first when it has no session', async () => {
    const { url } = await listening()
    const api = createClient({ url, login: 'admin', password: adminPassword })
    const results = await api.batch([
      { method: 'reseller.edit', params: { sok: 'ok', name: 'North' } },
      { method: 'reseller.edit', params: { sok: 'ok', name: 'South' } },
      { method: 'reseller', params: {} },
    ])
    expect(results.map((r) => r.code)).toEqual([true, true, true])
    expect(JSON.stringify(results[2].data)).toContain('South')
  })

  it('logs in again once when the session has expired', async () => {
    const { t, url } = await listening()
    const api = createClient({ url, login: 'admin', password: adminPassword })
    await api.call('user')
    const first = api.sessionId
    t.clock.advance((t.config.sessionIdle + 1) * 1000)
    expect((await api.call('user')).code).toBe(true)
    expect(api.sessionId).not.toBe(first)
  })

  it('reports a wrong password as a failed call and an unknown method as a protocol error', async () => {
    const { url } = await listening()
    const wrong = createClient({ url, login: 'admin', password: 'not-the-password', lang: 'ru' })
    const reply = await wrong.call('user')
    expect(reply.code).toBe(false)
    expect(reply.errors[0]).toMatchObject({ code: 'auth' })
    expect(reply.errors[0].message).toMatch(/[А-Яа-я]/)
    const api = createClient({ url, login: 'admin', password: adminPassword })
    await expect(api.call('no.such.method')).rejects.toBeInstanceOf(RpcProtocolError)
  })
})
