// `npm run bench:hooks`: after-handler delivery to a local receiver (a child process answering
// 200 and noting when each delivery arrived), on a fresh database served as `npm start` serves it.
//  1. `payment.edit sok=ok` under autocannon (50 connections, BENCH_DURATION seconds, default 10)
//     with the handler disabled, then enabled, twice over: the write rate with / without is the
//     cost of an active handler; each payment's delay runs from its created time to its arrival.
//  2. 10,000 `payments.create` events recorded in one transaction by another process (as the CLI
//     would), found by the server's poll and worked off: events delivered per second.
// Figures are informational (the run fails only when something breaks: a non-2xx answer, a lost
// or repeated delivery, a failed attempt); they are written to bench/results/hooks.json.
// BENCH_PROFILE_DIR=<dir> makes the gateway write a CPU profile there (see bench/profile.ts).
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import type { Db } from '../src/db/connection'
import { SqliteStore } from '../src/db/sqlite/store'
import { emit } from '../src/events/outbox'
import { paymentData } from '../src/events/snapshots'
import { fetchReply, login, query, startGateway, type Gateway } from './lib/gateway'
import { cpuSeconds, freePort, isRunning, runBench, spawnNode, waitForHttp, type Child } from './lib/processes'
import { envCount, envSeconds, gitCommit, runFacts, table } from './lib/report'

const targets = { eventsPerSecond: 2000, ratio: 0.9 }
const backlogEvents = 10_000
const connections = 50

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url))

// ---------------------------------------------------------------------------------------------
// The receiver: a child process (so that it does not share a thread with the load generator)
// that answers every delivery 200 and records when each arrived.

interface Arrival {
  delivery: string
  objectId: number
  at: number
}

function serveReceiver(port: number): void {
  let arrivals: Arrival[] = []
  const server = createServer((req, res) => {
    if (req.method === 'GET') {
      if (req.url === '/reset') arrivals = []
      res.setHeader('content-type', 'application/json')
      res.end(req.url === '/count' ? String(arrivals.length) : JSON.stringify(arrivals))
      return
    }
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const at = Date.now()
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event: { object_id: number } }
      arrivals.push({ delivery: String(req.headers['x-billgate-delivery']), objectId: body.event.object_id, at })
      res.end('ok')
    })
  })
  server.keepAliveTimeout = 60_000
  server.listen(port, '127.0.0.1')
}

async function arrivalsAt(url: string, reset = false): Promise<Arrival[]> {
  const res = await fetch(`${url}${reset ? 'reset' : 'arrivals'}`)
  return (await res.json()) as Arrival[]
}

// ---------------------------------------------------------------------------------------------

let gateway: Gateway | undefined
let receiverChild: Child | undefined
let db: Db | undefined
let store: SqliteStore | undefined

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
}

interface WriteFigures {
  requestsPerSec: number
  requests: number
  p99Ms: number
  serverCores: number | null
  receiverCores: number | null
  loadGeneratorCores: number
}

/** `payment.edit sok=ok` under autocannon for `seconds`; every response must be a 2xx. */
async function writeLoad(url: string, seconds: number, what: string): Promise<WriteFigures> {
  const cpuBefore = cpuSeconds(gateway!.child)
  const receiverBefore = cpuSeconds(receiverChild!)
  const benchBefore = process.cpuUsage()
  const started = performance.now()
  const result = await autocannon({ url, connections, duration: seconds })
  const cpuAfter = cpuSeconds(gateway!.child)
  const receiverAfter = cpuSeconds(receiverChild!)
  const bench = process.cpuUsage(benchBefore)
  const problems: string[] = []
  if (result['2xx'] === 0) problems.push('no 2xx responses at all')
  for (const key of ['non2xx', 'errors', 'timeouts', 'resets'] as const) if (result[key] > 0) problems.push(`${key}: ${result[key]}`)
  if (problems.length) throw new Error(`${what}: ${problems.join(', ')} (status codes ${JSON.stringify(result.statusCodeStats)})`)
  const elapsed = (performance.now() - started) / 1000
  return {
    requestsPerSec: result.requests.mean,
    requests: result['2xx'],
    p99Ms: result.latency.p99,
    serverCores: cpuBefore === undefined || cpuAfter === undefined ? null : (cpuAfter - cpuBefore) / elapsed,
    receiverCores: receiverBefore === undefined || receiverAfter === undefined ? null : (receiverAfter - receiverBefore) / elapsed,
    loadGeneratorCores: (bench.user + bench.system) / 1e6 / elapsed,
  }
}

/** Waits until `count` deliveries have arrived (fails after timeoutMs); returns them. */
async function waitForArrivals(receiver: string, count: number, timeoutMs: number): Promise<Arrival[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    // Only the count while waiting: sending every arrival each time would keep the receiver busy.
    const arrived = Number(await (await fetch(`${receiver}count`)).text())
    if (arrived >= count) return arrivalsAt(receiver)
    if (Date.now() > deadline) throw new Error(`${arrived} of ${count} deliveries arrived within ${timeoutMs} ms`)
    if (!isRunning(gateway!.child)) throw new Error(`the gateway died:\n${gateway!.child.output()}`)
    await sleep(50)
  }
}

function setHandler(status: 'enabled' | 'disabled'): void {
  db!.$client.prepare('update provisioning_handlers set status = ?').run(status)
}

interface Made {
  id: number
  createdAt: number
}

function paymentsSince(id: number): Made[] {
  return db!.$client.prepare('select id, created_at as createdAt from payments where id > ? order by id').all(id) as Made[]
}

const lastPayment = () => (db!.$client.prepare('select coalesce(max(id), 0) from payments').pluck().get() as number)

async function main(): Promise<number> {
  const cpuList = cpus()
  const duration = envSeconds('BENCH_DURATION', 10)
  const warmup = envSeconds('BENCH_WARMUP', 2)
  // Write runs without and with the handler, alternating.
  const pairs = envCount('BENCH_PAIRS', 2)
  console.log(`billgate hooks bench: node ${process.version}, ${cpuList.length} CPU (${cpuList[0]?.model ?? '?'}), ${connections} connections, ${warmup} s warm-up + ${duration} s per write run`)
  console.log(`commit ${gitCommit() || 'unknown'}`)

  const receiverPort = await freePort()
  receiverChild = spawnNode('receiver', 'bench/hooks.ts', { args: ['--receiver', String(receiverPort)] })
  const receiver = `http://127.0.0.1:${receiverPort}/`
  await waitForHttp(`${receiver}arrivals`, receiverChild)

  const profileDir = process.env.BENCH_PROFILE_DIR
  gateway = await startGateway(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])
  store = SqliteStore.open(join(gateway.dir, 'billgate.sqlite'))
  db = store.db
  db.$client
    .prepare(`insert into provisioning_handlers (name, events, type, target, status, created_at) values ('bench', 'payments.create', 'http', ?, 'disabled', ?)`)
    .run(`${receiver}hook`, Date.now())
  const session = await login(gateway.endpoint)
  const account = await fetchReply(`${gateway.endpoint}?${query({ auth: session, func: 'account.edit', sok: 'ok', name: 'Bench client', currency: 'USD', out: 'JSONdata' })}`)
  const accountId = (JSON.parse(account.body.toString('utf8')) as { id?: number }).id
  if (!accountId) throw new Error(`account.edit failed: ${account.body.toString('utf8')}`)
  const writeUrl = `${gateway.endpoint}?${query({ auth: session, func: 'payment.edit', sok: 'ok', account: String(accountId), amount: '1.00', out: 'json' })}`
  const sample = await fetchReply(writeUrl)
  if (sample.status !== 200 || !sample.body.toString('utf8').includes('"ok"')) throw new Error(`payment.edit failed:\n${sample.body.toString('utf8').slice(0, 500)}`)

  // 1. The write rate without a handler, then with one (whose deliveries are made meanwhile),
  // twice over, so that a passing disturbance on the machine weighs on both sides alike.
  await writeLoad(writeUrl, warmup, 'warm-up')
  const runs: { without: WriteFigures; with: WriteFigures; madeWithout: number; streamed: Made[]; arrivals: Arrival[]; seconds: number }[] = []
  for (let pair = 1; pair <= pairs; pair++) {
    setHandler('disabled')
    const before = lastPayment()
    const without = await writeLoad(writeUrl, duration, 'without handler')
    // Requests still in flight when autocannon stopped must not count as the handler's.
    await sleep(1000)
    const madeWithout = paymentsSince(before).length
    const streamStart = lastPayment()
    setHandler('enabled')
    await arrivalsAt(receiver, true)
    const withHandler = await writeLoad(writeUrl, duration, 'with handler')
    await sleep(1000)
    const streamed = paymentsSince(streamStart)
    const arrivals = await waitForArrivals(receiver, streamed.length, 60_000)
    const seconds = (Math.max(...arrivals.map((a) => a.at)) - Math.min(...streamed.map((p) => p.createdAt))) / 1000
    runs.push({ without, with: withHandler, madeWithout, streamed, arrivals, seconds })
  }
  const mean = (f: (r: (typeof runs)[number]) => number) => runs.reduce((sum, r) => sum + f(r), 0) / runs.length
  const without = { requestsPerSec: mean((r) => r.without.requestsPerSec), p99Ms: Math.max(...runs.map((r) => r.without.p99Ms)), serverCores: mean((r) => r.without.serverCores ?? NaN), receiverCores: mean((r) => r.without.receiverCores ?? NaN), loadGeneratorCores: mean((r) => r.without.loadGeneratorCores) }
  const withHandler = { requestsPerSec: mean((r) => r.with.requestsPerSec), p99Ms: Math.max(...runs.map((r) => r.with.p99Ms)), serverCores: mean((r) => r.with.serverCores ?? NaN), receiverCores: mean((r) => r.with.receiverCores ?? NaN), loadGeneratorCores: mean((r) => r.with.loadGeneratorCores) }
  const madeWithout = runs.reduce((n, r) => n + r.madeWithout, 0)
  const streamed = runs.flatMap((r) => r.streamed)
  const streamArrivals = runs.flatMap((r) => r.arrivals)
  const streamSeconds = runs.reduce((n, r) => n + r.seconds, 0)
  const createdAt = new Map(streamed.map((p) => [p.id, p.createdAt]))
  const delays = streamArrivals.map((a) => a.at - (createdAt.get(a.objectId) ?? NaN)).sort((a, b) => a - b)
  const ratio = withHandler.requestsPerSec / without.requestsPerSec

  // 2. A backlog: 10,000 events recorded at once by another process (as the CLI would), worked off.
  await arrivalsAt(receiver, true)
  const backlogIds = streamed.length >= backlogEvents ? streamed.slice(0, backlogEvents) : paymentsSince(0).slice(-backlogEvents)
  if (backlogIds.length < backlogEvents) throw new Error(`only ${backlogIds.length} payments to record events for`)
  const committedAt = Date.now()
  await store!.write(async (tx) => {
    for (const p of backlogIds) await emit(tx, committedAt, { event: 'payments.create', objectId: p.id, data: async () => (await paymentData(tx, p.id)) ?? {} })
  })
  const cpuBefore = cpuSeconds(gateway.child)
  const backlogArrivals = await waitForArrivals(receiver, backlogEvents, 120_000)
  const cpuAfter = cpuSeconds(gateway.child)
  const lastArrival = Math.max(...backlogArrivals.map((a) => a.at))
  const backlogSeconds = (lastArrival - committedAt) / 1000
  const backlogRate = backlogEvents / backlogSeconds
  const backlogDelays = backlogArrivals.map((a) => a.at - committedAt).sort((a, b) => a - b)

  const problems: string[] = []
  const unique = (list: Arrival[]) => new Set(list.map((a) => a.delivery)).size
  if (unique(streamArrivals) !== streamed.length) problems.push(`stream: ${unique(streamArrivals)} distinct deliveries for ${streamed.length} payments`)
  if (unique(backlogArrivals) !== backlogEvents) problems.push(`backlog: ${unique(backlogArrivals)} distinct deliveries for ${backlogEvents} events`)
  const failed = db.$client.prepare(`select count(*) from provisioning_log where status <> 'success'`).pluck().get() as number
  if (failed) problems.push(`${failed} failed attempts in the log`)

  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met')
  const cores = (c: number | null) => (c === null || Number.isNaN(c) ? '?' : `${Math.round(c * 100)}% of a core`)
  console.log()
  console.log(
    table(
      [
        ['figure', 'value', 'target', ''],
        ['writes without handler', `${without.requestsPerSec.toFixed(0)} req/s (mean of ${pairs} runs, ${madeWithout} payments, p99 ${without.p99Ms} ms, server ${cores(without.serverCores)})`, '', ''],
        ['writes with handler', `${withHandler.requestsPerSec.toFixed(0)} req/s (mean of ${pairs} runs, ${streamed.length} payments, p99 ${withHandler.p99Ms} ms, server ${cores(withHandler.serverCores)})`, '', ''],
        [
          'meanwhile (without / with)',
          `receiver ${cores(without.receiverCores)} / ${cores(withHandler.receiverCores)}, load generator ${cores(without.loadGeneratorCores)} / ${cores(withHandler.loadGeneratorCores)}`,
          '',
          '',
        ],
        ['ratio with / without', `${ratio.toFixed(2)} (pairs: ${runs.map((r) => (r.with.requestsPerSec / r.without.requestsPerSec).toFixed(2)).join(', ')})`, `≥ ${targets.ratio}`, verdict(ratio >= targets.ratio)],
        ['stream: delivered', `${streamArrivals.length} events in ${streamSeconds.toFixed(2)} s (${(streamArrivals.length / streamSeconds).toFixed(0)} events/s)`, '', ''],
        ['stream: commit → arrival', `p50 ${percentile(delays, 0.5)} ms, p99 ${percentile(delays, 0.99)} ms, max ${delays[delays.length - 1]} ms`, '', ''],
        [
          `backlog of ${backlogEvents}`,
          `${backlogRate.toFixed(0)} events/s (${backlogSeconds.toFixed(2)} s, server ${cores(cpuBefore === undefined || cpuAfter === undefined ? null : (cpuAfter - cpuBefore) / backlogSeconds)})`,
          `≥ ${targets.eventsPerSecond}`,
          verdict(backlogRate >= targets.eventsPerSecond),
        ],
        ['backlog: commit → arrival', `p50 ${percentile(backlogDelays, 0.5)} ms, p99 ${percentile(backlogDelays, 0.99)} ms`, '', ''],
      ],
      new Set(),
    ),
  )
  console.log('Stream: payment.edit under autocannon with the handler active; each payment\'s delay runs from its created time to its arrival at the receiver.')
  console.log('Backlog: events recorded in one transaction by another process, found by the server\'s poll and worked off.')
  if (problems.length) console.log(`\nproblems: ${problems.join('; ')}`)

  mkdirSync(resultsDir, { recursive: true })
  const file = join(resultsDir, 'hooks.json')
  const results = {
    ...runFacts({ connections, warmup, duration }),
    writes: { without, with: withHandler, ratio, runs: runs.map((r) => ({ without: r.without, with: r.with })) },
    stream: { events: streamArrivals.length, seconds: streamSeconds, delayMs: { p50: percentile(delays, 0.5), p99: percentile(delays, 0.99), max: delays[delays.length - 1] } },
    backlog: { events: backlogEvents, seconds: backlogSeconds, eventsPerSecond: backlogRate, delayMs: { p50: percentile(backlogDelays, 0.5), p99: percentile(backlogDelays, 0.99) } },
    targets,
    problems,
  }
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`figures written to ${file}`)
  return problems.length ? 1 : 0
}

const receiverAt = process.argv.indexOf('--receiver')
if (receiverAt >= 0) {
  serveReceiver(Number(process.argv[receiverAt + 1]))
} else {
  await runBench(main, () => {
    void store?.close()
    gateway?.close()
  })
}
