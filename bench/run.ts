// `npm run bench`: the gateway's user list against a plain node:http server sending the same bytes.
// See bench/README.md for what is measured and how to read it.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import {
  adminPassword,
  checkUserList,
  fetchReply,
  login,
  type Reply,
  seedUsers,
  startGateway,
  userCount,
  type Gateway,
} from './lib/gateway'
import { batchSize, checkPaymentList, fetchRpcReply, paymentCalls, paymentCount, seedPayments, type RpcPost } from './lib/jsonrpc'
import { figuresOf, load, type Figures } from './lib/load'
import { startPlain } from './lib/plain'
import { cpuSeconds, isRunning, runBench, stopChild, type Child } from './lib/processes'
import { envSeconds, gitCommit, mask, runFacts, table } from './lib/report'

const connections = 50

type ScenarioName =
  | 'plain json'
  | 'session json'
  | 'session xml'
  | 'plain xml'
  | 'authinfo json'
  | 'uncached json'
  | 'url payment json'
  | 'rpc payment'
  | 'rpc batch 10'

interface Scenario {
  name: ScenarioName
  /**
   * What serves the load: the gateway itself, a second gateway on the same database with its
   * reply cache off, or a plain server replaying one of the gateway's replies.
   */
  server: 'gateway' | 'uncached' | 'node:http'
  out: 'json' | 'xml'
  /** The gateway URL whose reply is measured (or replayed by the plain server). */
  source: string
  /** A JSON-RPC call: POSTed instead of a GET of source. */
  post?: RpcPost
  /** Checks the real reply; the user list by default. */
  check?: (reply: Reply, what: string) => void
}

interface Measured {
  name: ScenarioName
  server: Scenario['server']
  /** The URL as loaded, secrets masked. */
  url: string
  contentType: string
  bodyBytes: number
  figures: Figures
}

interface Ratio {
  name: string
  value: number
  target: number
  met: boolean
}

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url))

let gateway: Gateway | undefined
let uncached: Gateway | undefined
let workDir: string | undefined


async function runScenario(s: Scenario, duration: number, warmup: number): Promise<Measured> {
  if (!gateway || !isRunning(gateway.child)) {
    throw new Error(`the gateway is not running:\n${gateway?.child.output() ?? ''}`)
  }
  // The real reply first: it is what the plain server replays and what every response must equal.
  const reply = s.post ? await fetchRpcReply(s.post) : await fetchReply(s.source)
  if (s.check) s.check(reply, `${s.name}: gateway reply`)
  else checkUserList(reply, s.out, `${s.name}: gateway reply`)
  let plain: { child: Child; url: string } | undefined
  try {
    if (s.server === 'node:http') {
      if (!workDir) throw new Error('no work directory')
      plain = await startPlain(reply, s.name, workDir)
    }
    const url = plain?.url ?? s.post?.url ?? s.source
    const expectBody = reply.body.toString('utf8')
    const post = s.post && { body: s.post.body, headers: s.post.headers }
    process.stdout.write(`${s.name.padEnd(14)} ${s.server.padEnd(9)} warm-up ${warmup} s`)
    await load(`${s.name} (warm-up)`, { url, duration: warmup, connections, expectBody, post })
    process.stdout.write(`, measuring ${duration} s`)
    const server = plain?.child ?? (s.server === 'uncached' && uncached ? uncached.child : gateway.child)
    const options = { url, duration, connections, expectBody, post }
    const figures = figuresOf(await load(s.name, options, () => cpuSeconds(server)))
    const full = figures.perSecond.slice(0, duration)
    const slowest = Math.min(...full)
    const dip = slowest < figures.requestsPerSec / 2 ? ` (slowest second: ${slowest})` : ''
    console.log(` → ${Math.round(figures.requestsPerSec)} req/s${dip}`)
    return {
      name: s.name,
      server: s.server,
      url: mask(url),
      contentType: reply.contentType,
      bodyBytes: reply.body.length,
      figures,
    }
  } catch (err) {
    console.log()
    if (!isRunning(gateway.child)) {
      const code = gateway.child.process.exitCode ?? gateway.child.process.signalCode
      console.error(`the gateway exited (${code}); its output:\n${gateway.child.output()}`)
    }
    throw err
  } finally {
    if (plain) await stopChild(plain.child)
  }
}

/** `callsPerRequest`: calls each numerator request makes (a batch's size), to compare calls/s. */
function ratio(name: string, numerator: Measured, denominator: Measured, target: number, callsPerRequest = 1): Ratio {
  const value = (numerator.figures.requestsPerSec * callsPerRequest) / denominator.figures.requestsPerSec
  return { name, value, target, met: value >= target }
}

function report(measured: Measured[], ratios: Ratio[]): void {
  const fixed = (n: number, digits = 0) => n.toFixed(digits)
  const rows = [
    ['scenario', 'server', 'req/s (mean)', '± stddev', 'p50 ms', 'p99 ms', 'server CPU', 'body B'],
    ...measured.map((m) => [
      m.name,
      m.server,
      fixed(m.figures.requestsPerSec),
      fixed(m.figures.requestsPerSecStddev),
      fixed(m.figures.latencyMs.p50),
      fixed(m.figures.latencyMs.p99),
      m.figures.serverCores === null ? '?' : `${Math.round(m.figures.serverCores * 100)}%`,
      String(m.bodyBytes),
    ]),
  ]
  console.log()
  console.log(table(rows, new Set([2, 3, 4, 5, 6, 7])))
  console.log()
  const ratioRows = [
    ['ratio', 'value', 'target', ''],
    ...ratios.map((r) => [
      r.name,
      r.value.toFixed(2),
      `≥ ${r.target.toFixed(2)}`,
      r.met ? 'met' : 'NOT met',
    ]),
  ]
  console.log(table(ratioRows, new Set([1])))
  console.log('\nserver CPU: share of one core the serving process used while measured.')
  console.log('(informational: the benchmark does not fail on figures)')
}

async function main(): Promise<void> {
  const duration = envSeconds('BENCH_DURATION', 10)
  const warmup = envSeconds('BENCH_WARMUP', 2)
  const cpuList = cpus()
  console.log(
    `billgate bench: node ${process.version}, ${cpuList.length} CPU` +
      ` (${cpuList[0]?.model ?? '?'}), ${connections} connections,` +
      ` ${warmup} s warm-up + ${duration} s per scenario`,
  )

  console.log(`commit ${gitCommit() || 'unknown'}`)
  // All load comes from one address: the JSON-RPC per-address limit (a policy, 20,000 calls a
  // second by default) would cap the protocol's throughput, which is what is measured here.
  gateway = await startGateway([], { BILLGATE_RPC_RATE: '0' })
  workDir = join(gateway.dir, 'plain')
  mkdirSync(workDir)
  const { endpoint } = gateway
  await seedUsers(endpoint)
  await seedPayments(endpoint)
  const session = await login(endpoint)
  console.log(`gateway: ${endpoint}, ${userCount} users, ${paymentCount} payments, logged in\n`)

  const sessionJson = `${endpoint}?auth=${session}&func=user&out=json`
  const sessionXml = `${endpoint}?auth=${session}&func=user&out=xml`
  const password = encodeURIComponent(adminPassword)
  const authinfoJson = `${endpoint}?authinfo=admin:${password}&func=user&out=json`
  // The same session call on a second gateway over the same database, with no reply cache:
  // what a call costs when the data has just changed.
  uncached = await startGateway([], { BILLGATE_DB: join(gateway.dir, 'billgate.sqlite'), BILLGATE_REPLY_CACHE: 'off' })
  const uncachedJson = `${uncached.endpoint}?auth=${session}&func=user&out=json`
  const scenarios: Scenario[] = [
    { name: 'plain json', server: 'node:http', out: 'json', source: sessionJson },
    { name: 'session json', server: 'gateway', out: 'json', source: sessionJson },
    { name: 'session xml', server: 'gateway', out: 'xml', source: sessionXml },
    { name: 'plain xml', server: 'node:http', out: 'xml', source: sessionXml },
    { name: 'authinfo json', server: 'gateway', out: 'json', source: authinfoJson },
    { name: 'uncached json', server: 'uncached', out: 'json', source: uncachedJson },
    // The payment list through both protocols, on one session.
    ...([
      ['url payment json', undefined, 'json'],
      ['rpc payment', paymentCalls(endpoint, session, false), 'rpc'],
      ['rpc batch 10', paymentCalls(endpoint, session, true), 'batch'],
    ] as const).map(([name, post, kind]): Scenario => ({
      name,
      server: 'gateway',
      out: 'json',
      source: `${endpoint}?auth=${session}&func=payment&out=json`,
      post,
      check: (reply, what) => checkPaymentList(reply, kind, what),
    })),
  ]
  const measured = new Map<ScenarioName, Measured>()
  for (const s of scenarios) {
    measured.set(s.name, await runScenario(s, duration, warmup))
    await sleep(500)
  }
  if (!isRunning(gateway.child)) throw new Error(`the gateway died:\n${gateway.child.output()}`)

  const get = (name: ScenarioName) => measured.get(name) as Measured
  const ratios = [
    ratio('session json / plain json', get('session json'), get('plain json'), 0.5),
    ratio('session xml / plain xml', get('session xml'), get('plain xml'), 0.5),
    ratio('authinfo json / session json', get('authinfo json'), get('session json'), 0.8),
    ratio('rpc payment / url payment json', get('rpc payment'), get('url payment json'), 0.9),
    ratio(`rpc batch 10 calls/s / url payment json`, get('rpc batch 10'), get('url payment json'), 1, batchSize),
  ]
  report([...measured.values()], ratios)

  mkdirSync(resultsDir, { recursive: true })
  const file = join(resultsDir, 'latest.json')
  const results = {
    ...runFacts({ connections, warmup, duration }),
    users: userCount,
    scenarios: [...measured.values()],
    ratios,
  }
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`figures written to ${file}`)
}

await runBench(main, () => {
  if (workDir) rmSync(workDir, { recursive: true, force: true })
  gateway?.close()
  uncached?.close()
})
