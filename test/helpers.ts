import { createApp } from '../src/app'
import { makeConfig, type ConfigOverrides } from '../src/config'
import type pg from 'pg'
import { PgStore } from '../src/db/pg/store'
import { openStore, type Store } from '../src/db/store'
import { createTestDatabase, testPgUrl } from './db/pg-database'
import { ensureAdmin } from '../src/auth/admin'

export const adminPassword = 'admin-secret-1'

/** A clock tests can move. */
export function testClock(start = Date.UTC(2026, 10, 24, 12, 0, 0)) {
  let now = start
  const clock = () => now
  clock.advance = (ms: number) => {
    now += ms
  }
  return clock
}

export interface RequestOptions {
  /** The socket's peer address (default loopback). */
  address?: string
  method?: 'GET' | 'POST'
  body?: string | FormData | URLSearchParams | ArrayBuffer | Uint8Array
  headers?: Record<string, string>
}

/** Which database tests run on: PostgreSQL when `BILLGATE_TEST_PG` names a server, else SQLite. */
export const testBackend: 'sqlite' | 'pg' = testPgUrl ? 'pg' : 'sqlite'

/**
 * A fresh, migrated, empty store of the backend under test: SQLite in memory, or a database of its
 * own on the PostgreSQL test server (dropped at the end of the run).
 */
export async function openTestStore(): Promise<Store> {
  if (testBackend === 'sqlite') return openStore(':memory:')
  const { url } = await createTestDatabase({ migrated: true })
  // Test files make many apps: their idle connections must not add up to the server's limit.
  return PgStore.open(url, { max: 5, idleTimeoutMillis: 500 })
}

/** Runs SQL text (one or more statements) as it is, on either database: for tests that set up what no function does. */
export async function execSql(store: Store, text: string): Promise<void> {
  if (store.dialect === 'sqlite') store.db.$client.exec(text)
  else await (store.db.$client as unknown as pg.Pool).query(text)
}

/** A gateway on a fresh database (see openTestStore), with the admin `admin`. */
export async function makeTestApp(overrides: ConfigOverrides = {}) {
  const config = makeConfig({ dbPath: ':memory:', adminPassword, ...overrides })
  const store = await openTestStore()
  const db = store.db
  const clock = testClock()
  await ensureAdmin(store, adminPassword, clock())
  const errors: unknown[] = []
  const built = createApp({ config, store, clock, log: (_m, err) => errors.push(err) })

  /** Sends a request through app.request(), as if from `address`. */
  async function request(pathAndQuery: string, options: RequestOptions = {}) {
    const env = { incoming: { socket: { remoteAddress: options.address ?? '127.0.0.1' } } }
    return built.app.request(
      pathAndQuery,
      { method: options.method ?? (options.body ? 'POST' : 'GET'), body: options.body, headers: options.headers },
      env,
    )
  }

  /** GET /billmgr with these parameters; returns the response and its text. */
  async function call(params: Record<string, string>, options: RequestOptions = {}) {
    const res = await request(`/billmgr?${new URLSearchParams(params)}`, options)
    return { res, text: await res.text() }
  }

  /** Parsed JSONdata reply of a call. */
  async function data(params: Record<string, string>, options: RequestOptions = {}) {
    const { text } = await call({ ...params, out: 'JSONdata' }, options)
    return JSON.parse(text)
  }

  /** Logs in and returns the session id. */
  async function login(username = 'admin', password = adminPassword, options: RequestOptions = {}) {
    const reply = await data({ func: 'auth', username, password }, options)
    if (!reply.auth) throw new Error(`login failed: ${JSON.stringify(reply)}`)
    return reply.auth as string
  }

  /** Creates a reseller as admin; returns its id. */
  async function createReseller(name: string) {
    const reply = await data({ func: 'reseller.edit', sok: 'ok', authinfo: `admin:${adminPassword}`, name })
    if (!reply.ok) throw new Error(`reseller.edit failed: ${JSON.stringify(reply)}`)
    return reply.id as number
  }

  /**
   * Creates a user as admin; returns its id. A reseller's user (level 24) without a `reseller`
   * in `extra` gets a reseller of its own, named after it.
   */
  async function createUser(name: string, level = '16', password = 'user-secret-1', extra: Record<string, string> = {}) {
    if (level === '24' && extra.reseller === undefined) extra = { ...extra, reseller: String(await createReseller(`${name} company`)) }
    const reply = await data({
      func: 'user.edit',
      sok: 'ok',
      authinfo: `admin:${adminPassword}`,
      name,
      level,
      passwd: password,
      confirm: password,
      ...extra,
    })
    if (!reply.ok) throw new Error(`user.edit failed: ${JSON.stringify(reply)}`)
    return reply.id as number
  }

  /** Creates a client as admin, in USD unless `extra` names another currency; returns its id. */
  async function createAccount(name: string, extra: Record<string, string> = {}) {
    const reply = await data({ func: 'account.edit', sok: 'ok', authinfo: `admin:${adminPassword}`, name, currency: 'USD', ...extra })
    if (!reply.ok) throw new Error(`account.edit failed: ${JSON.stringify(reply)}`)
    return reply.id as number
  }

  return { ...built, config, store, db, clock, errors, request, call, data, login, createUser, createReseller, createAccount }
}

export type TestApp = Awaited<ReturnType<typeof makeTestApp>>
