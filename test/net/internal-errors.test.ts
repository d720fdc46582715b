import net, { type AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { describe, expect, it } from 'vitest'
import { listening } from '../client/listening'
import { adminPassword, makeTestApp, testBackend } from '../helpers'

const serverMessage = 'Internal error: the request was not completed; the administrator can find details in the server log'
const leaks = /\.ts:\d+|\bat \S+ \(|TypeError|database connection|sqlite/i

/**
 * A gateway on a real socket whose database is closed under it before its first call. On SQLite
 * the call fails before any function runs (the reply cache asks the file for its data version),
 * the way a fault of the server itself does; on PostgreSQL the database is first queried by the
 * call, whose JSON-RPC reply then carries the internal error under the call's own id.
 */
const beforeCall = testBackend === 'sqlite'
const closedDatabase = /database connection is not open|pool after calling end|Failed query/
async function broken() {
  const served = await listening()
  await served.t.store.close()
  return served
}

describe('an unexpected failure is logged and answered as the door answers errors', () => {
  it('JSON-RPC, answered by Node after reading the body: 500 with a JSON-RPC internal error', async () => {
    const { t, url } = await broken()
    const res = await fetch(`${url}/jsonrpc/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'currency', params: { auth: { login: 'admin', password: adminPassword } }, id: 5 }),
    })
    const text = await res.text()
    // On PostgreSQL the login's audit entry cannot be written either, and says so in the log.
    expect(t.errors).toHaveLength(beforeCall ? 1 : 2)
    for (const err of t.errors) expect(String(err)).toMatch(closedDatabase)
    expect(res.status).toBe(beforeCall ? 500 : 200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=UTF-8')
    expect(JSON.parse(text)).toEqual({ jsonrpc: '2.0', id: beforeCall ? null : 5, error: { code: -32603, message: 'Internal error', data: { message: serverMessage } } })
    expect(text).not.toMatch(leaks)
  })

  it('the URL protocol, GET and POST: 500 with the error in the format asked for', async () => {
    for (const method of ['GET', 'POST']) {
      const { t, url } = await broken()
      const params = `func=currency&authinfo=admin:${adminPassword}`
      const res =
        method === 'GET'
          ? await fetch(`${url}/billmgr?out=JSONdata&${params}`)
          : await fetch(`${url}/billmgr?out=JSONdata`, { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params })
      const text = await res.text()
      expect(res.status).toBe(500)
      expect(JSON.parse(text).error).toMatchObject({ type: 'internal', object: 'server', msg: serverMessage })
      expect(text).not.toMatch(leaks)
      expect(t.errors).toHaveLength(1)
    }
  })

  it('the file channel: 500 with its JSON failure', async () => {
    const { t, url } = await broken()
    const res = await fetch(`${url}/admin/payments/download?auth[login]=admin&auth[password]=${adminPassword}`)
    const text = await res.text()
    expect(res.status).toBe(500)
    expect(res.headers.get('x-vcs-status')).toBe('7')
    expect(JSON.parse(text)).toMatchObject({ code: false, errors: [{ code: 'internal', message: serverMessage }] })
    expect(text).not.toMatch(leaks)
    expect(t.errors).toHaveLength(1)
  })

  it('JSON-RPC through the app (not Node\'s route): the same JSON-RPC internal error', async () => {
    const { t } = await broken()
    const res = await t.request('/jsonrpc/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'currency', params: { SID: 'none' }, id: 6 }),
    })
    expect(res.status).toBe(beforeCall ? 500 : 200)
    expect(await res.json()).toEqual({ jsonrpc: '2.0', id: beforeCall ? null : 6, error: { code: -32603, message: 'Internal error', data: { message: serverMessage } } })
    expect(t.errors).toHaveLength(1)
    expect(String(t.errors[0])).toMatch(closedDatabase)
  })

  it('a JSON-RPC client that goes away mid-body is no failure: nothing is logged', async () => {
    const t = await makeTestApp()
    const server = serve({ ...t.serveOptions, port: 0, hostname: '127.0.0.1' })
    await new Promise((resolve) => server.once('listening', resolve))
    const closed = new Promise<void>((resolve) => server.once('connection', (s: net.Socket) => s.once('close', () => resolve())))
    const client = net.connect((server.address() as AddressInfo).port, '127.0.0.1')
    client.write('POST /jsonrpc/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"jsonrpc":', () => client.destroy())
    await closed
    // The request's failure is handled in callbacks queued by the close.
    await new Promise((resolve) => setImmediate(resolve))
    await new Promise<void>((resolve) => server.close(() => resolve()))
    expect(t.errors).toEqual([])
  })
})
