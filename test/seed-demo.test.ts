import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { balanceDrift } from '../src/billing/ledger'
import { openDatabase, type Db } from '../src/db/connection'
import { callCost } from '../src/demo/usage'

const root = new URL('..', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'billgate-seed-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

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

function withDb<T>(path: string, use: (db: Db) => T): T {
  const db = openDatabase(path)
  try {
    return use(db)
  } finally {
    db.$client.close()
  }
}

const countOf = (db: Db, sql: string) => db.$client.prepare(sql).pluck().get() as number

/** Everything a second run could have changed, in one comparable value. */
function snapshot(db: Db) {
  const tables = ['resellers', 'accounts', 'users', 'paymethods', 'pricelists', 'payments', 'items', 'expenses', 'xdrs']
  return {
    counts: tables.map((t) => countOf(db, `select count(*) from "${t}"`)),
    balances: db.$client.prepare('select id, balance from accounts order by id').all(),
    lastPayment: db.$client.prepare('select * from payments order by id desc limit 1').get(),
  }
}

describe('npm run seed:demo', () => {
  const path = join(dir, 'demo.sqlite')

  it('fills an empty database with as many rows as asked, owned consistently, with straight books', async () => {
    const run = await seed(['--db', path, '--seed', '42', ...small])
    expect(run.stderr).not.toMatch(/error/i)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Demo users log in with the password "demo-password"')
    // Not a terminal: one line per table as it finishes.
    expect(run.stderr).toMatch(/^usage records: 2,000 rows in /m)
    expect(run.stderr).not.toContain('\r')

    withDb(path, (db) => {
      const n = (sql: string) => countOf(db, sql)
      expect(n('select count(*) from resellers')).toBe(3)
      expect(n('select count(*) from accounts')).toBe(50)
      expect(n('select count(*) from payments')).toBe(200)
      expect(n('select count(*) from items')).toBe(60)
      expect(n('select count(*) from xdrs')).toBe(2000)
      expect(n('select count(*) from expenses')).toBeGreaterThan(0)
      expect(n('select count(distinct reseller_id) from accounts')).toBe(3)
      expect(n('select count(distinct currency_id) from accounts')).toBe(3)

      // The admin (from the configured password), one staff user per reseller, one user per client.
      expect(n("select count(*) from users where name = 'admin' and level = 28 and reseller_id is null and account_id is null")).toBe(1)
      expect(n('select count(*) from users where level = 24 and reseller_id is not null and account_id is null')).toBe(3)
      expect(n('select count(distinct reseller_id) from users where level = 24')).toBe(3)
      expect(n('select count(*) from users where level = 16')).toBe(50)
      expect(n('select count(distinct account_id) from users u join accounts a on a.id = u.account_id where u.level = 16 and u.reseller_id is a.reseller_id')).toBe(50)
      expect(n('select count(*) from users')).toBe(54)

      // Every row belongs where its parent does and is in its client's currency.
      expect(n('select count(*) from payments p join accounts a on a.id = p.account_id where p.currency_id <> a.currency_id')).toBe(0)
      expect(n('select count(*) from payments p join paymethods m on m.id = p.paymethod_id where m.currency_id <> p.currency_id')).toBe(0)
      expect(n('select count(*) from payments where amount <= 0 or number <> cast(id as text)')).toBe(0)
      expect(n('select count(*) from items i join accounts a on a.id = i.account_id join pricelists p on p.id = i.pricelist_id where p.currency_id <> a.currency_id')).toBe(0)
      expect(n('select count(*) from expenses e join items i on i.id = e.item_id where e.account_id <> i.account_id')).toBe(0)
      expect(n('select count(*) from expenses e join accounts a on a.id = e.account_id where e.currency_id <> a.currency_id')).toBe(0)
      expect(n('select count(*) from xdrs x join items i on i.id = x.item_id where x.account_id <> i.account_id or x.started_at < i.created_at')).toBe(0)
      expect(n("select count(*) from xdrs x join items i on i.id = x.item_id join pricelists p on p.id = i.pricelist_id where p.product_type <> 'voip'")).toBe(0)
      expect(n('select count(*) from xdrs x join expenses e on e.id = x.expense_id where e.item_id <> x.item_id')).toBe(0)
      // Closed months are rated into expenses that total their calls; the current month is not.
      expect(n('select count(*) from xdrs where expense_id is not null')).toBeGreaterThan(0)
      expect(n('select count(*) from (select e.id from expenses e join xdrs x on x.expense_id = e.id group by e.id having sum(x.cost) <> min(e.amount))')).toBe(0)
      expect(db.$client.pragma('foreign_key_check')).toEqual([])

      const calls = db.$client
        .prepare('select x.quantity, x.unit_price as unitPrice, x.cost, c.places from xdrs x join accounts a on a.id = x.account_id join currencies c on c.id = a.currency_id')
        .all() as { quantity: number; unitPrice: number; cost: number; places: number }[]
      expect(calls.filter((c) => c.cost !== callCost(c.quantity, c.unitPrice, c.places))).toEqual([])
      expect(calls.some((c) => c.cost > 0)).toBe(true)

      expect(balanceDrift(db)).toEqual([])
      expect(n('select count(*) from accounts where balance <> 0')).toBeGreaterThan(0)
    })
  })

  it('leaves a database that has clients alone (exit 1) unless told to reset it', async () => {
    const before = withDb(path, snapshot)
    const again = await seed(['--db', path, ...small])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('already has 50 clients')
    expect(again.stderr).toContain('--reset')
    expect(withDb(path, snapshot)).toEqual(before)

    const reset = await seed(['--db', path, '--reset', '--seed', '42', '--resellers', '2', '--clients', '20', '--payments', '30', '--services', '10', '--xdrs', '0'])
    expect(reset.code).toBe(0)
    withDb(path, (db) => {
      const n = (sql: string) => countOf(db, sql)
      expect([n('select count(*) from resellers'), n('select count(*) from accounts'), n('select count(*) from payments')]).toEqual([2, 20, 30])
      expect([n('select count(*) from items'), n('select count(*) from xdrs'), n('select count(*) from users')]).toEqual([10, 0, 23])
      // Ids start again; the admin stays.
      expect(n('select min(id) from accounts')).toBe(1)
      expect(n("select count(*) from users where name = 'admin'")).toBe(1)
      expect(balanceDrift(db)).toEqual([])
    })
  })

  it('makes the same data from the same seed', async () => {
    const first = join(dir, 'first.sqlite')
    const other = join(dir, 'other.sqlite')
    expect((await seed(['--db', first, '--seed', '42', ...small])).code).toBe(0)
    expect((await seed(['--db', other, '--seed', '42', ...small])).code).toBe(0)
    const people = (p: string) => withDb(p, (db) => db.$client.prepare('select name, email, reseller_id, currency_id, credit_limit from accounts order by id').all())
    const calls = (p: string) => withDb(p, (db) => db.$client.prepare('select item_id, quantity, unit_price, cost from xdrs order by id').all())
    expect(people(other)).toEqual(people(first))
    expect(calls(other)).toEqual(calls(first))
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
