import { describe, expect, it } from 'vitest'
import { createUrlClient } from '../../src/client/index'
import { sessions } from '../../src/db/schema/index'
import { adminPassword } from '../helpers'
import { listening } from './listening'

describe('the URL-protocol client', () => {
  it('logs in once, reuses its session, and returns data or typed problems', async () => {
    const { t, url } = await listening()
    const api = createUrlClient({ url, login: 'admin', password: adminPassword })
    const users = await api.call<{ elem: { name: string }[] }>('user')
    expect(users.code).toBe(true)
    expect(users.data.elem.map((u) => u.name)).toEqual(['admin'])
    const created = await api.call<{ id: number }>('reseller.edit', { sok: 'ok', name: 'North' })
    expect(created).toMatchObject({ code: true, data: { ok: true, id: 1 } })
    const refused = await api.call('reseller.edit', { sok: 'ok', name: 'North' })
    expect(refused).toMatchObject({ code: false, errors: [{ code: 'exists', field: 'name', value: 'North' }] })
    expect(refused.errors[0].message).toContain('North')
    expect(await t.db.select().from(sessions)).toHaveLength(1)
    expect(api.sessionId).toMatch(/^[0-9a-f]{32}$/)
  })

  it('logs in again once when its session has expired', async () => {
    const { t, url } = await listening()
    const api = createUrlClient({ url, login: 'admin', password: adminPassword, lang: 'ru' })
    await api.call('user')
    const first = api.sessionId
    t.clock.advance((t.config.sessionIdle + 1) * 1000)
    const again = await api.call<{ elem: unknown[] }>('user')
    expect(again.code).toBe(true)
    expect(api.sessionId).not.toBe(first)
  })

  it('answers a wrong password with the auth problem, localised', async () => {
    const { url } = await listening()
    const api = createUrlClient({ url, login: 'admin', password: 'wrong-password', lang: 'ru' })
    const reply = await api.call('user')
    expect(reply).toMatchObject({ code: false, errors: [{ code: 'auth', field: 'badpassword' }] })
    expect(reply.errors[0].message).toMatch(/[А-Яа-я]/)
    expect(api.sessionId).toBeUndefined()
  })
})
