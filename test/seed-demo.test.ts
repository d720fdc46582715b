import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { balanceDrift } from '../src/billing/ledger'
import { accounts } from '../src/db/schema/index'
import { openStore, type Store } from '../src/db/store'
import { callCost } from '../src/demo/usage'
import { createTestDatabase } from './db/pg-database'
import { testBackend } from './helpers'

const root = new URL('..', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'billgate-seed-'))
const drops: (() => Promise<void>)[] = []
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  for (const drop of drops) await drop()
})

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the real script as `npm run seed:demo` does, with only the given settings. */
function seed(args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('BILLGATE_')) env[name] = value
  env.BILLGATE_ADMIN_PASSWORD = 'seed-admin-secret'
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/seed-demo.ts', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

const small = ['--resellers', '3', '--clients', '50', '--payments', '200', '--services', '60', '--xdrs', '2000']

/** A new, empty database of the backend under test (the script migrates it): a file or a database on the test server. */
async function database(name: string): Promise<string> {
  if (testBackend === 'sqlite') return join(dir, `${name}.sqlite`)
  const created = await createTestDatabase()
  drops.push(created.drop)
  return created.url
}

async function withStore<T>(target: string, use: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(target)
  try {
    return await use(store)
  } finally {
    await store.close()
  }
}

/** The rows of SQL text both databases understand. */
async function rowsOf(store: Store, text: string): Promise<Record<string, unknown>[]> {
  if (store.dialect === 'sqlite') return store.db.$client.prepare(text).all() as Record<string, unknown>[]
  return (await (store.db.$client as unknown as pg.Pool).query(text)).rows
}

/** The one number a query gives. */
const countOf = async (store: Store, text: string) => Number(Object.values((await rowsOf(store, text))[0])[0])

/** Everything a second run could have changed, in one comparable value. */
async function snapshot(store: Store) {
  const tables = ['resellers', 'accounts', 'users', 'paymethods', 'pricelists', 'payments', 'items', 'expenses', 'xdrs']
  const counts: number[] = []
  for (const t of tables) counts.push(await countOf(store, `select count(*) from "${t}"`))
  return {
    counts,
    balances: await rowsOf(store, 'select id, balance from accounts order by id'),
    lastPayment: await rowsOf(store, 'select * from payments order by id desc limit 1'),
  }
}

describe('npm run seed:demo', () => {
  let path: string

  it('fills an empty database with as many rows as asked, owned consistently, with straight books', async () => {
    path = await database('demo')
    const run = await seed(['--db', path, '--seed', '42', ...small])
    expect(run.stderr).not.toMatch(/error/i)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Demo users log in with the password "demo-password"')
    // Not a terminal: one line per table as it finishes.
    expect(run.stderr).toMatch(/^usage records: 2,000 rows in /m)
    expect(run.stderr).not.toContain('\r')

    await withStore(path, async (store) => {
      const n = (sql: string) => countOf(store, sql)
      expect(await n('select count(*) from resellers')).toBe(3)
      expect(await n('select count(*) from accounts')).toBe(50)
      expect(await n('select count(*) from payments')).toBe(200)
      expect(await n('select count(*) from items')).toBe(60)
      expect(await n('select count(*) from xdrs')).toBe(2000)
      expect(await n('select count(*) from expenses')).toBeGreaterThan(0)
      expect(await n('select count(distinct reseller_id) from accounts')).toBe(3)
      expect(await n('select count(distinct currency_id) from accounts')).toBe(3)

      // The admin (from the configured password), one staff user per reseller, one user per client.
      expect(await n("select count(*) from users where name = 'admin' and level = 28 and reseller_id is null and account_id is null")).toBe(1)
      expect(await n('select count(*) from users where level = 24 and reseller_id is not null and account_id is null')).toBe(3)
      expect(await n('select count(distinct reseller_id) from users where level = 24')).toBe(3)
      expect(await n('select count(*) from users where level = 16')).toBe(50)
      expect(await n('select count(distinct account_id) from users u join accounts a on a.id = u.account_id where u.level = 16 and (u.reseller_id = a.reseller_id or u.reseller_id is null and a.reseller_id is null)')).toBe(50)
      expect(await n('select count(*) from users')).toBe(54)

      // Every row belongs where its parent does and is in its client's currency.
      expect(await n('select count(*) from payments p join accounts a on a.id = p.account_id where p.currency_id <> a.currency_id')).toBe(0)
      expect(await n('select count(*) from payments p join paymethods m on m.id = p.paymethod_id where m.currency_id <> p.currency_id')).toBe(0)
      expect(await n('select count(*) from payments where amount <= 0 or number <> cast(id as text)')).toBe(0)
      expect(await n('select count(*) from items i join accounts a on a.id = i.account_id join pricelists p on p.id = i.pricelist_id where p.currency_id <> a.currency_id')).toBe(0)
      expect(await n('select count(*) from expenses e join items i on i.id = e.item_id where e.account_id <> i.account_id')).toBe(0)
      expect(await n('select count(*) from expenses e join accounts a on a.id = e.account_id where e.currency_id <> a.currency_id')).toBe(0)
      expect(await n('select count(*) from xdrs x join items i on i.id = x.item_id where x.account_id <> i.account_id or x.started_at < i.created_at')).toBe(0)
      expect(await n("select count(*) from xdrs x join items i on i.id = x.item_id join pricelists p on p.id = i.pricelist_id where p.product_type <> 'voip'")).toBe(0)
      expect(await n('select count(*) from xdrs x join expenses e on e.id = x.expense_id where e.item_id <> x.item_id')).toBe(0)
      // Closed months are rated into expenses that total their calls; the current month is not.
      expect(await n('select count(*) from xdrs where expense_id is not null')).toBeGreaterThan(0)
      expect(await n('select count(*) from (select e.id from expenses e join xdrs x on x.expense_id = e.id group by e.id having sum(x.cost) <> min(e.amount)) as unequal')).toBe(0)
      // PostgreSQL checks foreign keys as rows are written; SQLite is asked.
      if (store.dialect === 'sqlite') expect(store.db.$client.pragma('foreign_key_check')).toEqual([])

      const calls = (await rowsOf(
        store,
        'select x.quantity, x.unit_price as "unitPrice", x.cost, c.places from xdrs x join accounts a on a.id = x.account_id join currencies c on c.id = a.currency_id',
      )) as { quantity: number; unitPrice: number; cost: number; places: number }[]
      expect(calls.filter((c) => c.cost !== callCost(c.quantity, c.unitPrice, c.places))).toEqual([])
      expect(calls.some((c) => c.cost > 0)).toBe(true)

      expect(await balanceDrift(store.db)).toEqual([])
      expect(await n('select count(*) from accounts where balance <> 0')).toBeGreaterThan(0)
    })
  })


  it('leaves a database that has clients alone (exit 1) unless told to reset it', async () => {
    const before = await withStore(path, snapshot)
    const again = await seed(['--db', path, ...small])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('already has 50 clients')
    expect(again.stderr).toContain('--reset')
    expect(await withStore(path, snapshot)).toEqual(before)

    const reset = await seed(['--db', path, '--reset', '--seed', '42', '--resellers', '2', '--clients', '20', '--payments', '30', '--services', '10', '--xdrs', '0'])
    expect(reset.code).toBe(0)
    await withStore(path, async (store) => {
      const n = (sql: string) => countOf(store, sql)
      expect([await n('select count(*) from resellers'), await n('select count(*) from accounts'), await n('select count(*) from payments')]).toEqual([2, 20, 30])
      expect([await n('select count(*) from items'), await n('select count(*) from xdrs'), await n('select count(*) from users')]).toEqual([10, 0, 23])
      // Ids start again; the admin stays.
      expect(await n('select min(id) from accounts')).toBe(1)
      expect(await n("select count(*) from users where name = 'admin'")).toBe(1)
      expect(await balanceDrift(store.db)).toEqual([])
    })
  })

  it('makes the same data from the same seed, and new rows are numbered after it', async () => {
    const first = await database('first')
    const other = await database('other')
    expect((await seed(['--db', first, '--seed', '42', ...small])).code).toBe(0)
    expect((await seed(['--db', other, '--seed', '42', ...small])).code).toBe(0)
    const people = (p: string) => withStore(p, (store) => rowsOf(store, 'select name, email, reseller_id, currency_id, credit_limit from accounts order by id'))
    const calls = (p: string) => withStore(p, (store) => rowsOf(store, 'select item_id, quantity, unit_price, cost from xdrs order by id'))
    expect(await people(other)).toEqual(await people(first))
    expect(await calls(other)).toEqual(await calls(first))
    // New rows are numbered after the demo's.
    const added = await withStore(first, (store) => store.db.insert(accounts).values({ name: 'After the demo', currencyId: 1, createdAt: 0 }).returning({ id: accounts.id }))
    expect(added).toEqual([{ id: 51 }])
  })

  it('answers unknown flags and bad numbers with its usage (exit 2), touching nothing', async () => {
    const untouched = join(dir, 'untouched.sqlite')
    const cases = [['--bogus'], ['--xdrs', '-5'], ['--clients', 'many'], ['--seed', '1.5'], ['--payments'], ['extra'], ['--clients', '0']]
    const runs = await Promise.all(cases.map((args) => seed(['--db', untouched, ...args])))
    runs.forEach((run, i) => {
      expect(run.code, cases[i].join(' ')).toBe(2)
      expect(run.stderr).toContain('usage: npm run seed:demo')
    })
    expect(runs[runs.length - 1].stderr).toContain('need clients')
    expect(existsSync(untouched)).toBe(false)
  })
})
