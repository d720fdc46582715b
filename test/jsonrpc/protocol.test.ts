import { describe, expect, it } from 'vitest'
import { accounts } from '../../src/db/schema/index'
import { execSql, makeTestApp } from '../helpers'
import { rpcClient } from './rpc'

async function setup() {
  const t = await makeTestApp()
  const rpc = rpcClient(t)
  const sid = await rpc.login()
  return { t, rpc, sid }
}

describe('requests and replies', () => {
  it('answers with or without "jsonrpc", at /jsonrpc/ and /jsonrpc, in the envelope', async () => {
    const { rpc, sid } = await setup()
    for (const path of ['/jsonrpc/', '/jsonrpc']) {
      const { res, body } = await rpc.post({ method: 'currency', params: { SID: sid }, id: 'a1' }, { path })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/json; charset=UTF-8')
      expect(body).toEqual({
        jsonrpc: '2.0',
        id: 'a1',
        result: { code: true, session_id: sid, messages: [], return: expect.objectContaining({ total: 3 }), errors: [] },
      })
    }
    const withVersion = await rpc.post({ jsonrpc: '2.0', method: 'currency', params: { SID: sid }, id: 7 })
    expect(withVersion.body.result.return.rows.map((r: { code: string }) => r.code).sort()).toEqual(['EUR', 'RUB', 'USD'])
    expect(withVersion.body.id).toBe(7)
  })

  it('answers a batch in order, one entry per call that has an id', async () => {
    const { t, rpc, sid } = await setup()
    const { body } = await rpc.post([
      { method: 'account.edit', params: { SID: sid, name: 'First', currency: 'USD', sok: 'ok' }, id: 1 },
      { method: 'account.edit', params: { SID: sid, name: 'Second', currency: 'EUR', apply: 1 } },
      { method: 'account', params: { SID: sid }, id: 3 },
    ])
    expect(body).toHaveLength(2)
    expect(body[0]).toMatchObject({ id: 1, result: { code: true, return: { ok: true, id: 1 } } })
    // The notification ran before the list was read.
    expect(body[1].id).toBe(3)
    expect(body[1].result.return.rows.map((r: { name: string }) => r.name)).toEqual(['First', 'Second'])
    expect(await t.db.select().from(accounts)).toHaveLength(2)
  })

  it('runs notifications and answers nothing for them: 204 when nothing is left to answer', async () => {
    const { t, rpc, sid } = await setup()
    const single = await rpc.post({ method: 'account.edit', params: { SID: sid, name: 'Quiet', currency: 'USD', apply: 1 } })
    expect(single.res.status).toBe(204)
    expect(single.text).toBe('')
    const batch = await rpc.post([
      { method: 'account.edit', params: { SID: sid, name: 'Quiet 2', currency: 'USD', apply: 1 } },
      { method: 'nosuch.method', params: {} },
    ])
    expect(batch.res.status).toBe(204)
    expect((await t.db.select().from(accounts).orderBy(accounts.id)).map((a) => a.name)).toEqual(['Quiet', 'Quiet 2'])
  })

  it('mixes results, application errors and protocol errors in one batch, each in its place', async () => {
    const { rpc, sid } = await setup()
    const { res, body } = await rpc.post([
      { method: 'currency', params: { SID: sid }, id: 1 },
      { method: 'account.edit', params: { SID: sid, elid: 999 }, id: 2 },
      { method: 'no.such', params: { SID: sid }, id: 3 },
      42,
      { method: 'currency', params: [sid], id: 5 },
      { method: 'account.edit', params: { SID: sid, elid: 999 } },
      { method: 'currency', params: { SID: sid }, id: 7 },
    ])
    expect(res.status).toBe(200)
    expect(body.map((e: { id: unknown }) => e.id)).toEqual([1, 2, 3, null, 5, 7])
    expect(body[0].result.code).toBe(true)
    expect(body[1].result).toMatchObject({ code: false, errors: [{ code: 'missed', field: 'elid', value: '999' }] })
    expect(body[2].error).toMatchObject({ code: -32601, data: { method: 'no.such' } })
    expect(body[3].error.code).toBe(-32600)
    expect(body[4].error.code).toBe(-32602)
    expect(body[5].result.code).toBe(true)
  })
})

describe('protocol errors', () => {
  it('-32700 for a body that is not JSON or not UTF-8, with id null and HTTP 200', async () => {
    const { rpc } = await setup()
    for (const body of ['{"method": "currency", ', 'null null', new Uint8Array([0x7b, 0xff, 0x7d])]) {
      const res = await rpc.post(body)
      expect(res.res.status).toBe(200)
      expect(res.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } })
    }
  })

  it('-32600 for what is not a request: wrong shapes, an empty or oversized batch', async () => {
    const { rpc } = await setup()
    const cases: [unknown, unknown][] = [
      ['"text"', null],
      [{ params: {}, id: 1 }, 1],
      [{ method: 5, id: 2 }, 2],
      [{ method: 'currency', id: { no: 1 } }, null],
      [{ jsonrpc: '1.0', method: 'currency', id: 3 }, 3],
      [{ method: 'currency', params: 'text', id: 4 }, 4],
      [[], null],
      [Array.from({ length: 101 }, (_, i) => ({ method: 'currency', id: i })), null],
    ]
    for (const [request, id] of cases) {
      const { res, body } = await rpc.post(typeof request === 'string' ? request : request)
      expect(res.status).toBe(200)
      expect(body, JSON.stringify(request).slice(0, 80)).toMatchObject({ id, error: { code: -32600, message: 'Invalid Request' } })
    }
  })

  it('-32601 for a method that is neither a function nor an alias', async () => {
    const { rpc, sid } = await setup()
    const entry = await rpc.call('clients.nosuch', { SID: sid })
    expect(entry.error).toEqual({ code: -32601, message: 'Method not found', data: { method: 'clients.nosuch' } })
    expect(entry.result).toBeUndefined()
  })

  it('-32602 for a file, which only the file channel sends, naming where it is', async () => {
    const { rpc, sid } = await setup()
    const download = await rpc.call('payment.download', { SID: sid })
    expect(download.error).toMatchObject({ code: -32602, data: { method: 'payment.download', message: 'files come from the file channel: /admin/payments/download' } })
    const csv = await rpc.call('xdr', { SID: sid, out: 'csv' })
    expect(csv.error).toMatchObject({ code: -32602, data: { message: expect.stringContaining('files come from the file channel') } })
    expect((await rpc.call('xdr', { SID: sid })).result).toMatchObject({ code: true })
  })

  it('-32602 for positional params and parameters that cannot be read; bad values are application errors', async () => {
    const { rpc, sid } = await setup()
    expect((await rpc.post({ method: 'currency', params: [1, 2], id: 1 })).body.error.code).toBe(-32602)
    const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`p${i}`, i]))
    const tooMany = await rpc.call('currency', { SID: sid, ...many })
    expect(tooMany.error).toMatchObject({ code: -32602, data: { message: 'The request has too many parameters' } })
    const badValue = await rpc.call('account.edit', { SID: sid, name: 'X', currency: 'usd', apply: 1 })
    expect(badValue.result).toMatchObject({ code: false, errors: [{ code: 'value', field: 'currency', value: 'usd' }] })
  })

  it('-32603 for an internal failure, with no stack or internals; the failure is logged', async () => {
    const { t, rpc, sid } = await setup()
    await execSql(t.store, 'alter table resellers rename to resellers_gone')
    const { res, text, body } = await rpc.post({ method: 'reseller', params: { SID: sid }, id: 9 })
    expect(res.status).toBe(200)
    expect(body).toEqual({ jsonrpc: '2.0', id: 9, error: { code: -32603, message: 'Internal error', data: { message: expect.any(String) } } })
    expect(text).not.toMatch(/resellers|sqlite|\.ts:|at /i)
    expect(t.errors).toHaveLength(1)
  })

  it('refuses GET with 405 and a body over the limit with 413, both as JSON-RPC errors', async () => {
    const t = await makeTestApp({ bodyLimit: 2048 })
    const get = await t.request('/jsonrpc/')
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    expect(((await get.json()) as { error: { code: number } }).error.code).toBe(-32600)
    const rpc = rpcClient(t)
    const filler = JSON.stringify({ method: 'currency', params: { filler: 'x'.repeat(4096) }, id: 1 })
    // A declared length is refused before the body is read; a body of unknown length as it streams.
    const declared = await rpc.post(filler, { headers: { 'Content-Length': String(filler.length) } })
    const streamed = await rpc.post(filler)
    for (const big of [declared, streamed]) {
      expect(big.res.status).toBe(413)
      expect(big.body).toMatchObject({ id: null, error: { code: -32600, data: { message: 'The request body is too large' } } })
    }
    const small = JSON.stringify({ method: 'currency', params: {}, id: 2 })
    expect((await rpc.post(small, { headers: { 'Content-Length': String(small.length) } })).body.result.code).toBe(false)
    expect((await rpc.post(small)).body.result.code).toBe(false)
  })
})

describe('language', () => {
  it('localises messages with lang, else Accept-Language, else the user\'s language', async () => {
    const { t, rpc, sid } = await setup()
    const en = await rpc.call('account.edit', { SID: sid, elid: 999 })
    expect(en.result!.errors[0].message).toBe('Object not found')
    const ru = await rpc.call('account.edit', { SID: sid, elid: 999, lang: 'ru' })
    expect(ru.result!.errors[0].message).toMatch(/[а-я]/)
    const header = await rpc.call('account.edit', { SID: sid, elid: 999 }, { headers: { 'Accept-Language': 'de-DE, ru;q=0.8, en;q=0.5' } })
    expect(header.result!.errors[0].message).toBe(ru.result!.errors[0].message)
    const parse = await rpc.post('{', { headers: { 'Accept-Language': 'ru' } })
    expect(parse.body.error.data.message).toMatch(/[а-я]/)
    await t.createUser('ivan', '16', 'user-secret-1', { language: 'ru' })
    const ivan = await rpc.login('ivan', 'user-secret-1')
    const own = await rpc.call('payment.edit', { SID: ivan, elid: 999 })
    expect(own.result!.errors[0].message).toBe(ru.result!.errors[0].message)
    const asked = await rpc.call('payment.edit', { SID: ivan, elid: 999, lang: 'en' })
    expect(asked.result!.errors[0].message).toBe('Object not found')
  })
})
