import http from 'node:http'
import { describe, expect, it } from 'vitest'
import { payments } from '../../src/db/schema/index'
import { listening } from '../client/listening'
import { adminPassword } from '../helpers'

interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/** A raw HTTP request over the socket: what Node's route in front of the app answers. */
function send(url: string, path: string, method: string, body?: string, options: { chunked?: boolean; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers }
    if (body !== undefined && !options.chunked) headers['content-length'] = String(Buffer.byteLength(body))
    const req = http.request(`${url}${path}`, { method, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
    })
    req.on('error', reject)
    if (body !== undefined && options.chunked) {
      for (let i = 0; i < body.length; i += 16 * 1024) req.write(body.slice(i, i + 16 * 1024))
      req.end()
    } else req.end(body)
  })
}

const auth = { login: 'admin', password: adminPassword }

describe('JSON-RPC answered by Node before the app', () => {
  it('answers calls with the door\'s headers, at /jsonrpc/, /jsonrpc and with a query', async () => {
    const { url } = await listening()
    for (const path of ['/jsonrpc/', '/jsonrpc', '/jsonrpc/?trace=1']) {
      const r = await send(url, path, 'POST', JSON.stringify({ jsonrpc: '2.0', method: 'currency', params: { auth }, id: 7 }))
      expect(r.status).toBe(200)
      expect(r.headers['content-type']).toBe('application/json; charset=UTF-8')
      expect(r.headers['x-content-type-options']).toBe('nosniff')
      expect(r.headers['content-security-policy']).toBeDefined()
      const reply = JSON.parse(r.body)
      expect(reply).toMatchObject({ jsonrpc: '2.0', id: 7, result: { code: true } })
      expect(reply.result.return.rows.map((c: { code: string }) => c.code).sort()).toEqual(['EUR', 'RUB', 'USD'])
    }
  })

  it('answers a notification with 204 and no body, and still acts on it', async () => {
    const { t, url } = await listening()
    const account = await t.createAccount('Acme')
    const r = await send(url, '/jsonrpc/', 'POST', JSON.stringify({ jsonrpc: '2.0', method: 'payment.edit', params: { auth, account, amount: '5.00', apply: 1 } }))
    expect(r.status).toBe(204)
    expect(r.body).toBe('')
    expect(await t.db.select().from(payments)).toHaveLength(1)
  })

  it('sends a kept list again with each call\'s own id and session, its length exact, alone or in a batch', async () => {
    const { t, url } = await listening()
    await t.createAccount('Ёлка')
    const login = await send(url, '/jsonrpc/', 'POST', JSON.stringify({ jsonrpc: '2.0', method: 'auth', params: { auth }, id: 0 }))
    const sid = JSON.parse(login.body).result.session_id as string
    const other = JSON.parse((await send(url, '/jsonrpc/', 'POST', JSON.stringify({ jsonrpc: '2.0', method: 'auth', params: { auth }, id: 0 }))).body).result.session_id as string
    expect(other).not.toBe(sid)
    const list = (id: unknown, session: string) => send(url, '/jsonrpc/', 'POST', JSON.stringify({ jsonrpc: '2.0', method: 'account', params: { SID: session }, id }))
    const answers = [await list(1, sid), await list(1, sid), await list('two', sid), await list(1, other), await list(1, sid)]
    const expected: [unknown, string][] = [[1, sid], [1, sid], ['two', sid], [1, other], [1, sid]]
    for (const [i, a] of answers.entries()) {
      expect(a.status).toBe(200)
      expect(Number(a.headers['content-length'])).toBe(Buffer.byteLength(a.body))
      expect(a.headers['x-content-type-options']).toBe('nosniff')
      const reply = JSON.parse(a.body)
      expect(reply.id).toEqual(expected[i][0])
      expect(reply.result.session_id).toBe(expected[i][1])
      expect(reply.result.return.rows[0].name).toBe('Ёлка')
    }
    expect(answers[1].body).toBe(answers[0].body)
    const batch = await send(url, '/jsonrpc/', 'POST', JSON.stringify([{ jsonrpc: '2.0', method: 'account', params: { SID: sid }, id: 1 }, { jsonrpc: '2.0', method: 'account', params: { SID: sid }, id: 2 }]))
    const entries = JSON.parse(batch.body)
    expect(entries.map((e: { id: number }) => e.id)).toEqual([1, 2])
    expect(entries[1].result.return).toEqual(JSON.parse(answers[0].body).result.return)
    // A logged-out session gets no kept reply, whatever was kept for it.
    await send(url, '/jsonrpc/', 'POST', JSON.stringify({ jsonrpc: '2.0', method: 'logout', params: { SID: sid }, id: 3 }))
    const after = JSON.parse((await list(1, sid)).body)
    expect(after.result.code).toBe(false)
  })

  it('refuses a body over the limit, declared or chunked, with 413 and a JSON-RPC error; then serves again', async () => {
    const { t, url } = await listening({ bodyLimit: 4096 })
    const account = await t.createAccount('Acme')
    const big = JSON.stringify({ jsonrpc: '2.0', method: 'payment.edit', params: { auth, account, amount: '5.00', note: 'x'.repeat(64 * 1024), apply: 1 }, id: 1 })
    for (const chunked of [false, true]) {
      const r = await send(url, '/jsonrpc/', 'POST', big, { chunked })
      expect(r.status).toBe(413)
      expect(JSON.parse(r.body)).toMatchObject({ id: null, error: { code: -32600 } })
    }
    expect(await t.db.select().from(payments)).toHaveLength(0)
    const small = await send(url, '/jsonrpc/', 'POST', JSON.stringify({ jsonrpc: '2.0', method: 'currency', params: { auth }, id: 2 }), { chunked: true })
    expect(JSON.parse(small.body).result.code).toBe(true)
  })

  it('gives parse errors for broken JSON, localised, and 405 for GET (the app)', async () => {
    const { url } = await listening()
    const r = await send(url, '/jsonrpc/', 'POST', '{"jsonrpc": ', { headers: { 'accept-language': 'ru' } })
    expect(r.status).toBe(200)
    const reply = JSON.parse(r.body)
    expect(reply.error.code).toBe(-32700)
    expect(reply.error.data.message).toMatch(/[а-я]/)
    const get = await send(url, '/jsonrpc/', 'GET')
    expect(get.status).toBe(405)
    expect(get.headers.allow).toBe('POST')
  })

  it('turns calls away with 429 and Retry-After when too many are in flight', async () => {
    const { url } = await listening({ rpcMaxInFlight: 1 })
    const call = () => send(url, '/jsonrpc/', 'POST', JSON.stringify({ jsonrpc: '2.0', method: 'auth', params: { auth }, id: 1 }))
    // Logging in hashes a password: long enough for the others to find it in flight.
    const answers = await Promise.all(Array.from({ length: 6 }, call))
    const refused = answers.filter((a) => a.status === 429)
    expect(refused.length).toBeGreaterThan(0)
    expect(refused[0].headers['retry-after']).toBe('1')
    expect(JSON.parse(refused[0].body).error.code).toBe(-32000)
    expect(answers.some((a) => a.status === 200)).toBe(true)
  })
})
