import { spawn } from 'node:child_process'
import net from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { createTestDatabase, testPgUrl } from './db/pg-database'
import { pgRelay } from './db/pg-proxy'
import { root, serverScratch, startServer } from './server-process'

const { children } = serverScratch('billgate-server-pg-')
const drops: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const drop of drops) await drop()
})

/** A fresh, empty database on the test server: the server must migrate it itself. */
async function emptyDatabase(): Promise<URL> {
  const database = await createTestDatabase()
  drops.push(database.drop)
  return new URL(database.url)
}

/** A port on which nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe.skipIf(!testPgUrl)('the server on PostgreSQL', () => {
  it('migrates an empty database, creates the admin once, serves, and keeps its data across a restart', async () => {
    const url = await emptyDatabase()
    const first = await startServer({ BILLGATE_DB: url.href }, children)
    const password = /password: (\S+)/.exec(first.output())?.[1]
    expect(password).toBeDefined()
    expect(first.output()).toContain(`database ${url.searchParams.get('host') ?? url.hostname}`)
    const asAdmin = `authinfo=admin:${encodeURIComponent(password!)}&out=JSONdata`
    const created = await fetch(`${first.url}?func=user.edit&sok=ok&name=ivan&passwd=ivan-secret-1&confirm=ivan-secret-1&${asAdmin}`)
    expect(await created.json()).toEqual({ ok: true, id: 2 })
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)

    const second = await startServer({ BILLGATE_DB: url.href }, children)
    expect(second.output()).not.toMatch(/password:/)
    const list = await fetch(`${second.url}?func=user&${asAdmin}`)
    expect(((await list.json()) as { p_elems: number }).p_elems).toBe(2)
    second.child.kill('SIGTERM')
    expect(await second.exited).toBe(0)
  })

  it('exits 1 with a message naming the host when PostgreSQL cannot be reached, without the password', async () => {
    const port = await closedPort()
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', BILLGATE_DB: `postgres://billing:hunter2secret@127.0.0.1:${port}/billgate` },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.push(child)
    let output = ''
    child.stdout.on('data', (c: Buffer) => (output += c.toString()))
    child.stderr.on('data', (c: Buffer) => (output += c.toString()))
    const code = await new Promise((resolve) => child.on('exit', resolve))
    expect(code).toBe(1)
    expect(output).toContain(`127.0.0.1:${port}`)
    expect(output).not.toContain('hunter2secret')
    expect(output).not.toMatch(/\n\s+at /)
  })

  it('answers busy (503, Retry-After) while PostgreSQL is gone, does nothing half, and recovers by itself', async () => {
    const database = await emptyDatabase()
    const relay = await pgRelay()
    const url = new URL(`postgres://postgres@127.0.0.1:${relay.port}${database.pathname}`)
    const s = await startServer({ BILLGATE_DB: url.href, BILLGATE_ADMIN_PASSWORD: 'admin-secret-1' }, children)
    const asAdmin = 'authinfo=admin:admin-secret-1&out=JSONdata'
    const createAccount = (name: string) => fetch(`${s.url}?func=account.edit&sok=ok&name=${name}&currency=USD&${asAdmin}`)
    const accountCount = async () => ((await (await fetch(`${s.url}?func=account&${asAdmin}`)).json()) as { p_elems: number }).p_elems
    expect((await createAccount('before').then((r) => r.json())) as object).toMatchObject({ ok: true })

    await relay.cut()
    for (const res of [await createAccount('during'), await fetch(`${s.url}?func=account&${asAdmin}`)]) {
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
      expect(((await res.json()) as { error: object }).error).toMatchObject({ type: 'internal', object: 'busy' })
    }
    const rpc = await fetch(s.url.replace('/billmgr', '/jsonrpc/'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'clients.list', params: { auth: { login: 'admin', password: 'admin-secret-1' } } }),
    })
    expect(rpc.status).toBe(503)
    expect(rpc.headers.get('retry-after')).toMatch(/^\d+$/)

    await relay.restore()
    let count: number | undefined
    for (let i = 0; i < 50 && count === undefined; i++) {
      count = await accountCount().catch(() => undefined)
      if (count === undefined) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    // Only the account made before: the one refused while PostgreSQL was gone was not half made.
    expect(count).toBe(1)
    expect((await createAccount('after').then((r) => r.json())) as object).toMatchObject({ ok: true })
    expect(await accountCount()).toBe(2)
    s.child.kill('SIGTERM')
    expect(await s.exited).toBe(0)
    await relay.close()
  })
})
