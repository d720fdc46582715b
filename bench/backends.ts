// `npm run bench:backends`: the same calls on SQLite and on PostgreSQL (a local server), and on
// SQLite as the code was before the asynchronous store (a commit checked out into a temporary
// directory), in one run. The three gateways run side by side and are loaded one at a time, in
// turns (each round starting with the next), several rounds per scenario: a machine whose speed
// drifts during the run slows each of them alike, and the median round is reported. See README.md.
import { execSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { authinfo, checkUserList, fetchReply, login, query, seedUsers, startGateway, type Gateway } from './lib/gateway'
import { checkPaymentList, fetchRpcReply, paymentCalls, seedPayments } from './lib/jsonrpc'
import { figuresOf, load, type Figures } from './lib/load'
import { rawCreatesPerSecond, recordPaymentCreate } from './lib/raw-sql'
import { benchPgServer, createDatabase, type PgServer } from './lib/pg-cluster'
import { cpuSeconds, repoRoot, runBench, stopChild } from './lib/processes'
import { envCount, envSeconds, runFacts, table } from './lib/report'

/** The last commit before the asynchronous store: SQLite's figures must stay within 5% of its. */
const baseline = process.env.BENCH_BASELINE ?? 'ca1dd7a'
const connections = 50
const warmup = envSeconds('BENCH_WARMUP', 2)
const duration = envSeconds('BENCH_DURATION', 5)
const rounds = envCount('BENCH_ROUNDS', 3)
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url))

type ScenarioName = 'session user list' | 'payment.edit create' | 'rpc payment list'
// The list before the creates: it checks the seeded page.
const scenarios: ScenarioName[] = ['session user list', 'rpc payment list', 'payment.edit create']

interface Target {
  name: string
  root: string
  /** The database the gateway is given (BILLGATE_DB). */
  db: () => Promise<string>
  /** Also measure the raw rate of a create's SQL on this (SQLite) database, in each round of creates. */
  raw?: boolean
}

/** A target's gateway, started and seeded. */
interface Running {
  target: Target
  db: string
  gateway: Gateway
  session: string
  account: number
  /** The statements of one create, recorded once (raw targets only). */
  recorded?: Awaited<ReturnType<typeof recordPaymentCreate>>
}

let pgServer: PgServer | undefined
const temporary: string[] = []

/** The baseline commit's sources in a temporary directory, using this checkout's packages. */
function checkout(commit: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'billgate-bench-baseline-'))
  temporary.push(dir)
  execSync(`git archive ${commit} | tar -x -C ${dir}`, { cwd: repoRoot })
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'))
  return dir
}

/** Loads one scenario on a running gateway: warm-up, then the measured run. */
async function measure(gateway: Gateway, scenario: ScenarioName, session: string, account: number): Promise<Figures> {
  const { endpoint } = gateway
  let options: Parameters<typeof load>[1]
  let countPayments: (() => Promise<number>) | undefined
  if (scenario === 'session user list') {
    const url = `${endpoint}?${query({ auth: session, func: 'user', out: 'json' })}`
    const reply = await fetchReply(url)
    checkUserList(reply, 'json', scenario)
    options = { url, duration, connections, expectBody: reply.body.toString('utf8') }
  } else if (scenario === 'rpc payment list') {
    const post = paymentCalls(endpoint, session, false)
    const reply = await fetchRpcReply(post)
    checkPaymentList(reply, 'rpc', scenario)
    options = { url: post.url, duration, connections, expectBody: reply.body.toString('utf8'), post: { body: post.body, headers: post.headers } }
  } else {
    // Every request creates a payment: the replies differ (their ids), so the payments are counted.
    const url = `${endpoint}?${query({ auth: session, func: 'payment.edit', sok: 'ok', account: String(account), amount: '1.25', sender: 'Bench', out: 'json' })}`
    options = { url, duration, connections }
    countPayments = async () => {
      const reply = await fetchReply(`${endpoint}?${query({ authinfo, func: 'payment', out: 'JSONdata', p_cnt: '1' })}`)
      return (JSON.parse(reply.body.toString('utf8')) as { p_elems: number }).p_elems
    }
  }
  const before = await countPayments?.()
  const warm = await load(`${scenario} (warm-up)`, { ...options, duration: warmup })
  const run = await load(scenario, options, () => cpuSeconds(gateway.child))
  if (countPayments) {
    const made = (await countPayments()) - before!
    const answered = warm.result['2xx'] + run.result['2xx']
    // Requests still in flight when a run stops are made but not counted: at most one per connection and run.
    if (made < answered || made > answered + 2 * connections) throw new Error(`${scenario}: ${answered} successful replies but ${made} payments made`)
  }
  return figuresOf(run)
}

async function startTarget(target: Target): Promise<Running> {
  const db = await target.db()
  const gateway = await startGateway([], { BILLGATE_DB: db, BILLGATE_RPC_RATE: '0' }, target.root)
  try {
    await seedUsers(gateway.endpoint)
    await seedPayments(gateway.endpoint)
    const session = await login(gateway.endpoint)
    const accounts = await fetchReply(`${gateway.endpoint}?${query({ authinfo, func: 'account', out: 'JSONdata' })}`)
    const account = Number((JSON.parse(accounts.body.toString('utf8')) as { elem: { id: number }[] }).elem[0].id)
    return { target, db, gateway, session, account }
  } catch (err) {
    await stopTarget(gateway)
    throw err
  }
}

async function stopTarget(gateway: Gateway): Promise<void> {
  await stopChild(gateway.child)
  gateway.close()
}

/** The round with the median rate. */
function median(runs: Figures[]): Figures {
  return [...runs].sort((a, b) => a.requestsPerSec - b.requestsPerSec)[Math.floor(runs.length / 2)]
}

function medianOf(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
}

/** Rates of each round, per target and scenario; the raw driver's rate of each round of creates. */
interface Rounds {
  rates: Record<string, Record<string, number[]>>
  raw: number[]
}

/**
 * Every scenario on every target, the targets taking turns round by round. In each round of
 * creates the raw rate is measured too, right after the gateway's, while the gateways are idle.
 */
async function measureAll(running: Running[]): Promise<{ results: Record<string, Record<ScenarioName, Figures>>; rounds: Rounds }> {
  const runs: Record<string, Record<string, Figures[]>> = Object.fromEntries(running.map((r) => [r.target.name, {}]))
  const rawRuns: number[] = []
  for (const scenario of scenarios) {
    for (let round = 1; round <= rounds; round++) {
      // Each round starts with the next target, so that none is always measured right after another.
      const shift = (round - 1) % running.length
      for (const r of [...running.slice(shift), ...running.slice(0, shift)]) {
        process.stdout.write(`${r.target.name.padEnd(22)} ${scenario.padEnd(20)} round ${round}/${rounds}`)
        const figures = await measure(r.gateway, scenario, r.session, r.account)
        ;(runs[r.target.name][scenario] ??= []).push(figures)
        console.log(`  ${Math.round(figures.requestsPerSec)} req/s, p99 ${figures.latencyMs.p99} ms`)
        if (scenario === 'payment.edit create' && r.target.raw) {
          process.stdout.write(`${r.target.name.padEnd(22)} ${'raw create SQL'.padEnd(20)} round ${round}/${rounds}`)
          r.recorded ??= await recordPaymentCreate(r.db, r.account)
          rawRuns.push(rawCreatesPerSecond(r.db, r.recorded, duration))
          console.log(`  ${Math.round(rawRuns.at(-1)!)} creates/s through the driver`)
        }
      }
    }
  }
  const results = Object.fromEntries(
    running.map((r) => [r.target.name, Object.fromEntries(scenarios.map((s) => [s, median(runs[r.target.name][s])])) as Record<ScenarioName, Figures>]),
  )
  const rates = Object.fromEntries(
    Object.entries(runs).map(([name, byScenario]) => [name, Object.fromEntries(Object.entries(byScenario).map(([sc, f]) => [sc, f.map((x) => x.requestsPerSec)]))]),
  )
  return { results, rounds: { rates, raw: rawRuns } }
}

async function main(): Promise<number> {
  pgServer = benchPgServer()
  const scratch = mkdtempSync(join(tmpdir(), 'billgate-bench-db-'))
  temporary.push(scratch)
  const targets: Target[] = [
    { name: `SQLite @ ${baseline}`, root: checkout(baseline), db: async () => join(scratch, 'baseline.sqlite') },
    { name: 'SQLite', root: repoRoot, db: async () => join(scratch, 'current.sqlite'), raw: true },
    { name: 'PostgreSQL', root: repoRoot, db: () => createDatabase(pgServer!.url, 'billgate_bench') },
  ]
  const running: Running[] = []
  let measured: Awaited<ReturnType<typeof measureAll>>
  try {
    for (const target of targets) running.push(await startTarget(target))
    measured = await measureAll(running)
  } finally {
    for (const r of running) await stopTarget(r.gateway)
  }
  const { results, rounds: perRound } = measured
  const rawCreates = medianOf(perRound.raw)

  const [old, sqlite, postgres] = targets.map((t) => results[t.name])
  console.log(
    `\n${connections} connections, ${duration} s measured after ${warmup} s warm-up, median of ${rounds} rounds taken in turns; requests per second (p99 ms); ratios are medians of each round's\n`,
  )
  const cell = (f: Figures) => `${Math.round(f.requestsPerSec)} (${f.latencyMs.p99})`
  console.log(
    table(
      [['scenario', ...targets.map((t) => t.name)], ...scenarios.map((s) => [s, cell(old[s]), cell(sqlite[s]), cell(postgres[s])])],
      new Set([1, 2, 3]),
    ),
  )
  // Each ratio is the median of the ratios of one round: figures taken seconds apart, which the
  // machine's drift touches least.
  const pairs = (a: number[], b: number[]) => medianOf(a.map((x, i) => x / b[i]))
  const rate = (target: Target, s: ScenarioName) => perRound.rates[target.name][s]
  const [oldTarget, sqliteTarget, pgTarget] = targets
  const ratios = [
    ...scenarios.map((s) => ({ name: `SQLite / SQLite @ ${baseline}: ${s}`, value: pairs(rate(sqliteTarget, s), rate(oldTarget, s)), target: 0.95 })),
    ...scenarios.map((s) => ({
      name: `PostgreSQL / SQLite: ${s}`,
      value: pairs(rate(pgTarget, s), rate(sqliteTarget, s)),
      target: s === 'payment.edit create' ? 0.3 : 0.8,
    })),
    {
      name: `SQLite payment.edit creates / the same SQL through the driver (${Math.round(rawCreates)}/s)`,
      value: pairs(rate(sqliteTarget, 'payment.edit create'), perRound.raw),
      target: 0.4,
    },
  ]
  console.log(`(SQLite @ ${baseline} against the same raw rate: ${pairs(rate(oldTarget, 'payment.edit create'), perRound.raw).toFixed(2)})`)
  console.log()
  console.log(
    table(
      [['ratio', 'value', 'target', ''], ...ratios.map((r) => [r.name, r.value.toFixed(2), `≥ ${r.target}`, r.value >= r.target ? 'met' : 'NOT MET'])],
      new Set([1]),
    ),
  )
  mkdirSync(resultsDir, { recursive: true })
  const file = join(resultsDir, 'backends-latest.json')
  writeFileSync(file, `${JSON.stringify({ run: runFacts({ connections, warmup, duration, rounds }), baseline, results, rounds: perRound, rawCreates, ratios }, null, 2)}\n`)
  console.log(`\nwritten to ${file}`)
  return 0
}

await runBench(main, () => {
  pgServer?.stop()
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true })
})
