// `npm run seed:demo`: fills the configured database with a demo operator. See usage below.
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../config'
import { openStore, type Store } from '../db/store'
import { ensureAdmin } from '../auth/admin'
import { clientCount, resetBillingData } from '../demo/reset'
import { DemoError, defaultDemoSize, demoPassword, seedDemo, sizeProblem, type DemoSize } from '../demo/seed'
import { formatCount, Progress } from './progress'

const usage = `usage: npm run seed:demo -- [options]

Fills the database (BILLGATE_DB or the config file, as npm start does) with a demo operator:
resellers with staff, clients with their users, payment methods, tariff plans, payments,
services with their charges, and usage records of the voice services.

  --resellers N   resellers (${defaultDemoSize.resellers})
  --clients N     clients (${formatCount(defaultDemoSize.clients)})
  --payments N    payments (${formatCount(defaultDemoSize.payments)})
  --services N    services (${formatCount(defaultDemoSize.services)})
  --xdrs N        usage records (${formatCount(defaultDemoSize.xdrs)}), e.g. --xdrs 1000000
  --db TARGET     the database (a file, or a postgres:// URL) instead of the configured one
  --seed N        the random generator's seed, for the same data again (default: random)
  --reset         first delete every client, reseller, their users, payments, services,
                  expenses, invoices, usage records and the catalog (payment methods, tariff
                  plans); without it a database that has clients is left alone
  --help          this text
`

const limits: Record<keyof DemoSize, number> = {
  resellers: 10_000,
  clients: 10_000_000,
  payments: 100_000_000,
  services: 10_000_000,
  xdrs: 100_000_000,
}

class UsageError extends Error {}

function count(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback
  const digits = raw.replace(/_/g, '')
  if (!/^\d+$/.test(digits) || Number(digits) > max) {
    throw new UsageError(`--${name}: expected a whole number from 0 to ${formatCount(max)}, got "${raw}"`)
  }
  return Number(digits)
}

function parse(argv: string[]) {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        resellers: { type: 'string' },
        clients: { type: 'string' },
        payments: { type: 'string' },
        services: { type: 'string' },
        xdrs: { type: 'string' },
        db: { type: 'string' },
        seed: { type: 'string' },
        reset: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }))
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const size = {} as DemoSize
  for (const key of Object.keys(limits) as (keyof DemoSize)[]) size[key] = count(key, values[key], defaultDemoSize[key], limits[key])
  const impossible = sizeProblem(size)
  if (impossible) throw new UsageError(impossible)
  if (values.db === '') throw new UsageError('--db: expected a file name or a postgres:// URL')
  const seed = count('seed', values.seed, Math.floor(Math.random() * 2 ** 32), 2 ** 32 - 1)
  return { size, seed, db: values.db, reset: values.reset, help: values.help }
}

async function main(argv: string[]): Promise<number> {
  let args
  try {
    args = parse(argv)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    console.error(`seed:demo: ${err.message}\n\n${usage}`)
    return 2
  }
  if (args.help) {
    console.log(usage)
    return 0
  }
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    console.error(err.message)
    return 1
  }
  const target = args.db ?? config.dbPath
  const started = performance.now()
  let store: Store
  try {
    store = await openStore(target)
  } catch (err) {
    console.error(`seed:demo: cannot open the database: ${(err as Error).message}`)
    return 1
  }
  try {
    if (args.reset) {
      await resetBillingData(store)
    } else {
      const clients = await clientCount(store)
      if (clients > 0) {
        console.error(`seed:demo: ${store.describe()} already has ${formatCount(clients)} clients; nothing was changed.`)
        console.error('Run with --reset to replace all billing data with demo data.')
        return 1
      }
    }
    const now = Date.now()
    const admin = await ensureAdmin(store, config.adminPassword, now)
    const result = await seedDemo(store, { ...args.size, seed: args.seed, now }, new Progress(process.stderr))
    if (store.dialect === 'sqlite') store.db.$client.pragma('wal_checkpoint(TRUNCATE)')
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    const rows = Object.entries(result.rows).map(([table, n]) => `${formatCount(n)} ${table}`)
    console.log(`\nDemo data written to ${store.describe()} in ${seconds} s (seed ${args.seed}):\n  ${rows.join(', ')}`)
    if (admin) console.log(`Created the admin user "admin" with the password: ${admin}`)
    if (result.logins.length) {
      const width = Math.max(...result.logins.map((l) => l.login.length))
      console.log(`Demo users log in with the password "${demoPassword}", for example:`)
      for (const l of result.logins) console.log(`  ${l.login.padEnd(width)}  ${l.role}`)
    }
    return 0
  } catch (err) {
    if (!(err instanceof DemoError)) throw err
    console.error(`seed:demo: ${err.message}`)
    return 1
  } finally {
    await store.close()
  }
}

process.exitCode = await main(process.argv.slice(2))
