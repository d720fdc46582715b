// The storage's own limit for one call: the SQL statements a `payment.edit sok=ok` create runs
// on SQLite, recorded from one real call through the app, then run again and again straight
// through better-sqlite3 (each statement prepared once, one BEGIN IMMEDIATE … COMMIT per
// create), as fast as one connection can. The gateway's creates per second divided by this is
// the share of the storage's rate the gateway reaches.
import { performance } from 'node:perf_hooks'
import { createApp } from '../../src/app'
import { makeConfig } from '../../src/config'
import { openDatabase } from '../../src/db/connection'
import { SqliteStore } from '../../src/db/sqlite/store'
import { adminPassword } from './gateway'

type Method = 'run' | 'get' | 'all' | 'iterate' | 'exec'
interface Recorded {
  method: Method
  sql: string
  args: unknown[]
}

/** Records every statement the app runs on its SQLite connection while `call` runs. */
async function record(store: SqliteStore, call: () => Promise<void>): Promise<Recorded[]> {
  const sqlite = store.db.$client
  const statementProto = Object.getPrototypeOf(sqlite.prepare('select 1')) as Record<string, (...args: unknown[]) => unknown>
  const databaseProto = Object.getPrototypeOf(sqlite) as Record<string, (...args: unknown[]) => unknown>
  const recorded: Recorded[] = []
  const originals = new Map<string, (...args: unknown[]) => unknown>()
  for (const method of ['run', 'get', 'all', 'iterate'] as const) {
    const original = statementProto[method]
    originals.set(method, original)
    statementProto[method] = function (this: { source: string }, ...args: unknown[]) {
      recorded.push({ method, sql: this.source, args })
      return original.apply(this, args)
    }
  }
  const exec = databaseProto.exec
  databaseProto.exec = function (this: unknown, text: unknown) {
    recorded.push({ method: 'exec', sql: String(text), args: [] })
    return exec.call(this, text)
  }
  try {
    await call()
  } finally {
    for (const [method, original] of originals) statementProto[method] = original
    databaseProto.exec = exec
  }
  return recorded
}

/** One `payment.edit` create on `file` through the app in this process: the SQL it ran and the id it made. */
export async function recordPaymentCreate(file: string, account: number): Promise<{ statements: Recorded[]; id: number }> {
  const store = SqliteStore.open(file)
  try {
    const { app } = createApp({ config: makeConfig({ dbPath: file, adminPassword }), store })
    const env = { incoming: { socket: { remoteAddress: '127.0.0.1' } } }
    const get = async (query: string) => JSON.parse(await (await app.request(`/billmgr?${query}`, {}, env)).text()) as Record<string, unknown>
    const { auth } = await get(`func=auth&username=admin&password=${encodeURIComponent(adminPassword)}&out=JSONdata`)
    const create = `func=payment.edit&sok=ok&account=${account}&amount=1.25&sender=Bench&out=JSONdata&auth=${auth}`
    // A first call prepares what the app keeps; the second is the one recorded.
    await get(create)
    let id = 0
    const statements = await record(store, async () => {
      const reply = await get(create)
      id = Number(reply.id)
      if (!(id > 0)) throw new Error(`the recorded payment.edit answered ${JSON.stringify(reply)}`)
    })
    if (!(id > 0)) throw new Error('the recorded payment.edit made no payment')
    for (const expected of [/insert into "payments"/, /from "sqlite_sequence"/]) {
      if (!statements.some((s) => expected.test(s.sql))) throw new Error(`no statement matching ${expected} was recorded`)
    }
    return { statements, id }
  } finally {
    await store.close()
  }
}

/**
 * Runs the recorded creates straight through the driver for `seconds`, on a connection of its
 * own opened as the gateway opens its own; the new payment's id (and its number) are replaced
 * by each run's own, as its insert returns it. Returns creates per second, checked against the rows made.
 */
export function rawCreatesPerSecond(file: string, recordedCall: { statements: Recorded[]; id: number }, seconds: number): number {
  const sqlite = openDatabase(file).$client
  try {
    const steps = recordedCall.statements.map((s) => ({ ...s, statement: s.method === 'exec' ? undefined : sqlite.prepare(s.sql) }))
    const count = sqlite.prepare('select count(*) from payments').pluck()
    const before = count.get() as number
    let runs = 0
    const end = performance.now() + seconds * 1000
    const started = performance.now()
    while (performance.now() < end) {
      let id = 0
      for (const step of steps) {
        if (!step.statement) {
          sqlite.exec(step.sql)
          continue
        }
        const args = step.args.map((arg) => (arg === recordedCall.id ? id : arg === String(recordedCall.id) ? String(id) : arg))
        const result = (step.statement[step.method as Exclude<Method, 'exec'>] as (...a: unknown[]) => unknown)(...args)
        if (step.method === 'iterate') [...(result as Iterable<unknown>)]
        // The payment's id, as its insert returns it (rows come back as arrays or objects).
        if (/insert into "payments"/.test(step.sql)) id = Number(Object.values((result as object[])[0] ?? [0])[0])
      }
      runs++
    }
    const elapsed = (performance.now() - started) / 1000
    const made = (count.get() as number) - before
    if (made !== runs) throw new Error(`raw replay: ${runs} runs made ${made} payments`)
    return runs / elapsed
  } finally {
    sqlite.close()
  }
}
