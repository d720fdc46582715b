import { describe, expect, it } from 'vitest'
import { payments } from '../../src/db/schema/index'
import { makeTestApp } from '../helpers'
import { rpcClient } from './rpc'

/** The very same request text sent again: each time it is a call of its own. */
describe('a request sent again, byte for byte', () => {
  async function setup() {
    const t = await makeTestApp()
    const rpc = rpcClient(t)
    const sid = await rpc.login()
    const account = await t.createAccount('Acme')
    return { t, rpc, sid, account }
  }

  it('a write is done each time; a notification is done each time and answered with nothing', async () => {
    const { t, rpc, sid, account } = await setup()
    const text = JSON.stringify({ jsonrpc: '2.0', method: 'payment.edit', params: { SID: sid, account, amount: '5.00', apply: 1 }, id: 9 })
    const ids = []
    for (let i = 0; i < 3; i++) {
      const { body } = await rpc.post(text)
      expect(body).toMatchObject({ id: 9, result: { code: true } })
      ids.push(body.result.return.id)
    }
    expect(new Set(ids).size).toBe(3)
    const notification = JSON.stringify({ jsonrpc: '2.0', method: 'payment.edit', params: { SID: sid, account, amount: '1.00', apply: 1 } })
    for (let i = 0; i < 2; i++) {
      const { res, text: reply } = await rpc.post(notification)
      expect(res.status).toBe(204)
      expect(reply).toBe('')
    }
    expect(await t.db.select().from(payments)).toHaveLength(5)
  })

  it('each time in the language its own request asks for, with its own session checked afresh', async () => {
    const { rpc, sid } = await setup()
    const text = JSON.stringify({ jsonrpc: '2.0', method: 'payment.edit', params: { SID: sid, amount: '5.00', apply: 1 }, id: 1 })
    const en = (await rpc.post(text, { headers: { 'Accept-Language': 'en' } })).body
    const ru = (await rpc.post(text, { headers: { 'Accept-Language': 'ru' } })).body
    expect(en.result.code).toBe(false)
    expect(ru.result.errors[0].field).toBe(en.result.errors[0].field)
    expect(en.result.errors[0].message).not.toMatch(/[а-я]/)
    expect(ru.result.errors[0].message).toMatch(/[а-я]/)
    const list = JSON.stringify({ jsonrpc: '2.0', method: 'account', params: { SID: sid }, id: 2 })
    expect((await rpc.post(list)).body.result.code).toBe(true)
    await rpc.ok('logout', { SID: sid })
    const after = (await rpc.post(list)).body
    expect(after.result).toMatchObject({ code: false, session_id: null })
  })

  it('a JeraSoft call with its renamed and paged parameters reads the same each time, also in a batch', async () => {
    const { rpc, sid } = await setup()
    for (const name of ['B', 'C', 'D']) await rpc.ok('clients.add', { SID: sid, name, currency: 'EUR', apply: 1 })
    const text = JSON.stringify({ jsonrpc: '2.0', method: 'clients.list', params: { SID: sid, limit: 2, offset: 2 }, id: 3 })
    const first = (await rpc.post(text)).body
    expect(first.result.return).toMatchObject({ total: 4, limit: 2, offset: 2 })
    expect(first.result.return.rows.map((r: { name: string }) => r.name)).toEqual(['C', 'D'])
    await rpc.ok('clients.add', { SID: sid, name: 'E', currency: 'EUR', apply: 1 })
    const again = (await rpc.post(text)).body
    expect(again.result.return).toMatchObject({ total: 5, limit: 2, offset: 2 })
    const batch = (await rpc.post(`[${text},${text}]`)).body
    expect(batch.map((e: { result: { return: unknown } }) => e.result.return)).toEqual([again.result.return, again.result.return])
  })
})
