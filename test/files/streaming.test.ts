import { mkdtempSync, rmSync } from 'node:fs'
import { request, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { makeConfig } from '../../src/config'
import { accounts, ItemStatus, items, pricelists } from '../../src/db/schema/index'
import { openStore, type Store } from '../../src/db/store'
import { ensureAdmin } from '../../src/auth/admin'
import { createTestDatabase } from '../db/pg-database'
import { adminPassword, execSql, testBackend } from '../helpers'

const records = 200_000
const start = Date.UTC(2026, 0, 1)

let store: Store
let server: ServerType
let origin: string
const cleanups: (() => unknown)[] = []
const logged: unknown[] = []

/** A database file (the export reads through a connection of its own), or a database on the PostgreSQL test server. */
async function target(): Promise<string> {
  if (testBackend === 'pg') {
    const database = await createTestDatabase({ migrated: true })
    cleanups.push(database.drop)
    return database.url
  }
  const dir = mkdtempSync(join(tmpdir(), 'billgate-files-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'billgate.sqlite')
}

/** A real server with many usage records. */
beforeAll(async () => {
  const dbPath = await target()
  store = await openStore(dbPath)
  await ensureAdmin(store, adminPassword, start)
  const { db } = store
  const account = (await db.insert(accounts).values({ name: 'Streamed, Inc.', currencyId: 1, createdAt: 0 }).returning({ id: accounts.id }))[0].id
  const tariff = (await db.insert(pricelists).values({ name: 'Traffic', productType: 'traffic', currencyId: 1, createdAt: 0 }).returning({ id: pricelists.id }))[0].id
  const item = (await db.insert(items).values({ accountId: account, pricelistId: tariff, period: 1, status: ItemStatus.active, createdAt: 0, cost: 0 }).returning({ id: items.id }))[0].id
  // One statement on either database: the record number i costs i / 400 cents, rounded.
  await execSql(
    store,
    `with recursive n(i) as (select 0 union all select i + 1 from n where i < ${records - 1})
     insert into xdrs (item_id, account_id, started_at, quantity, unit_price, cost)
     select ${item}, ${account}, ${start} + i * 1000, i, 2500, (i + 200) / 400 from n order by i`,
  )
  const { serveOptions } = createApp({ config: makeConfig({ dbPath }), store, log: (_m, err) => logged.push(err) })
  server = serve({ ...serveOptions, port: 0, hostname: '127.0.0.1' })
  await new Promise<void>((resolve) => server.once('listening', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await store.close()
  for (const cleanup of cleanups.reverse()) await cleanup()
})

const exportPath = `/admin/xdrs/download?${new URLSearchParams({ 'auth[login]': 'admin', 'auth[password]': adminPassword })}`

function open(path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => request(`${origin}${path}`, resolve).on('error', reject).end())
}

/** A URL-protocol call; resolves when its whole reply is in. */
async function urlCall(): Promise<{ status: number; body: string }> {
  const res = await fetch(`${origin}/billmgr?${new URLSearchParams({ func: 'currency', out: 'JSONdata', authinfo: `admin:${adminPassword}` })}`)
  return { status: res.status, body: await res.text() }
}

const lineCount = (chunk: Buffer) => {
  let n = 0
  for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++
  return n
}

describe('a large export over a real socket', () => {
  it('arrives in many chunks, complete, while the server answers other requests', async () => {
    const res = await open(exportPath)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=UTF-8; header=present')
    expect(res.headers['transfer-encoding']).toBe('chunked')
    let chunks = 0
    let lines = 0
    let tail = ''
    let finishedAt = 0
    const done = new Promise<void>((resolve, reject) => {
      res.on('data', (chunk: Buffer) => {
        chunks++
        lines += lineCount(chunk)
        tail = (tail + chunk.subarray(-200).toString('latin1')).slice(-200)
      })
      res.on('end', () => {
        finishedAt = performance.now()
        resolve()
      })
      res.on('error', reject)
    })
    const answered: number[] = []
    while (!finishedAt) {
      const reply = await urlCall()
      expect(reply.status).toBe(200)
      expect(JSON.parse(reply.body).elem.length).toBeGreaterThan(0)
      if (!finishedAt) answered.push(performance.now())
    }
    await done
    expect(lines).toBe(records + 1)
    expect(chunks).toBeGreaterThan(20)
    expect(tail.endsWith(`${records},1,1,"Streamed, Inc.",2026-01-03 07:33:19,${records - 1},0.0025,5.00,USD,\r\n`)).toBe(true)
    expect(answered.length).toBeGreaterThan(0)
    expect(logged).toEqual([])
  })

  it('waits for a reader that stops reading, serving others meanwhile, then goes on', async () => {
    const res = await open(exportPath)
    let received = 0
    const first = new Promise<void>((resolve) => res.once('data', () => resolve()))
    res.on('data', (chunk: Buffer) => {
      received += chunk.length
    })
    await first
    res.pause()
    await new Promise((resolve) => setTimeout(resolve, 300))
    const whilePaused = received
    expect((await urlCall()).status).toBe(200)
    expect(received).toBe(whilePaused)
    const end = new Promise<void>((resolve) => res.on('end', () => resolve()))
    res.resume()
    await end
    // What the server sent while nobody read stayed in the socket's buffers, far from the whole file.
    expect(whilePaused).toBeLessThan(received / 2)
  })

  it('stops when the client goes away, and keeps serving', async () => {
    const res = await open(exportPath)
    await new Promise<void>((resolve) => res.once('data', () => resolve()))
    res.destroy()
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect((await urlCall()).status).toBe(200)
    const again = await open(exportPath)
    let lines = 0
    again.on('data', (chunk: Buffer) => {
      lines += lineCount(chunk)
    })
    await new Promise<void>((resolve) => again.on('end', () => resolve()))
    expect(lines).toBe(records + 1)
    expect(logged).toEqual([])
  })
})
