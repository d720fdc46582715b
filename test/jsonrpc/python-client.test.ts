import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { serve, type ServerType } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { payments, sessions } from '../../src/db/schema/index'
import { adminPassword, makeTestApp, type TestApp } from '../helpers'

const script = fileURLToPath(new URL('../fixtures/jerasoft_client.py', import.meta.url))
const run = promisify(execFile)

let server: ServerType
let base: string
let t: TestApp

beforeAll(async () => {
  t = await makeTestApp()
  await new Promise<void>((resolve, reject) => {
    server = serve({ ...t.serveOptions, port: 0, hostname: '127.0.0.1' }, (info) => {
      base = `http://127.0.0.1:${info.port}`
      resolve()
    })
    server.once('error', reject)
  })
})

afterAll(async () => {
  await new Promise<void>((resolve) => {
    ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
    server.close(() => resolve())
  })
  await t.store.close()
})

describe('a script written like JeraSoft\'s Python sample library', () => {
  it('logs in with auth, goes on with SID, and reads the replies it expects', async () => {
    const { stdout } = await run('python3', [script, `${base}/jsonrpc/`, 'admin', adminPassword], { timeout: 30_000 })
    const seen = JSON.parse(stdout)
    expect(seen.sent).toEqual(['auth', 'SID', 'SID', 'SID', 'SID', 'SID'])
    expect(seen.same_session).toBe(true)
    expect(seen.add).toEqual({ code: true, data: { id: 1 } })
    expect(seen.editForm).toMatchObject({ code: true, messages: [] })
    expect(seen.editForm.client).toMatchObject({ id: 1, name: 'Python Customer', c_email: 'py@example.net', credit: '250.00', status: 'active' })
    expect(seen.editForm.client.c_dt).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00$/)
    expect(seen.payment).toEqual({ id: 1 })
    expect(seen.payments).toMatchObject({ total: 1, limit: 10, offset: 0 })
    expect(seen.payments.rows[0]).toMatchObject({ id: 1, id_clients: 1, amount: '19.99', status: 1 })
    expect(seen.missing).toMatchObject({ code: false, errors: [{ code: 'missed', field: 'id_clients', value: '999999' }] })
    expect(seen.unknown).toBe(-32601)
    // One login for the whole script: one session, and what it did is in the database.
    expect(await t.db.select().from(sessions)).toHaveLength(1)
    expect(await t.db.select().from(payments)).toEqual([expect.objectContaining({ amount: 1999, note: 'from python' })])
  })
})
