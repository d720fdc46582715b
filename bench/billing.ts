// `npm run bench:billing`: the payment and usage-record lists on a million rows each, near and
// far pages, with the reply cache on and off, against a plain node:http server sending the same
// bytes. See bench/README.md for what is measured and how to read it.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { billingData, xdrsBetween, type BillingData } from './lib/billing-data'
import { fetchReply, login, query, startGateway, type Gateway, type Reply } from './lib/gateway'
import { sequentialLatency, type Latency } from './lib/latency'
import { figuresOf, load, type Figures } from './lib/load'
import { startPlain } from './lib/plain'
import { cpuSeconds, isRunning, runBench, stopChild, type Child } from './lib/processes'
import { envSeconds, gitCommit, mask, runFacts, table } from './lib/report'

const connections = 50
const pageSize = 20
const pages = [1, 500] as const
const day = 86_400_000

type Server = 'cache on' | 'cache off' | 'node:http'

interface List {
  func: 'payment' | 'xdr'
  /** Filter parameters, sent with filter=on. */
  filter: Record<string, string>
  /** What the list runs over, for the report. */
  over: string
}

interface Measured {
  scenario: string
  server: Server
  url: string
  bodyBytes: number
  figures: Figures
  /** One request at a time (not for the plain server, whose latency is the network's). */
  single: Latency | null
}

interface Ratio {
  name: string
  value: number
  /** Upper bound for latency ratios; none for the informational ones. */
  atMost: number | null
}

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url))
const usage = 'usage: npm run bench:billing [-- --rebuild]   (BENCH_DURATION, BENCH_WARMUP: seconds)'

let cached: Gateway | undefined
let uncached: Gateway | undefined


type Verdict = { ok: true } | { ok: false; missedFunc: boolean; why: string }

/** Whether a reply is the requested page of a list (JSON, as out=json writes it). */
function checkPage(reply: Reply, page: number): Verdict {
  const text = reply.body.toString('utf8')
  const fail = (why: string): Verdict => ({ ok: false, missedFunc: false, why: `${why}: HTTP ${reply.status} ${text.slice(0, 500)}` })
  type Doc = { error?: { $type?: string; $object?: string; msg?: { $?: string } }; elem?: unknown; p_num?: { $?: string } }
  let doc: Doc | undefined
  try {
    doc = (JSON.parse(text) as { doc?: Doc }).doc
  } catch {
    return fail('not JSON')
  }
  if (!doc) return fail('no "doc" root')
  if (doc.error) {
    const { $type: type, $object: object, msg } = doc.error
    const missedFunc = type === 'missed' && object === 'func'
    return { ok: false, missedFunc, why: `error type="${type}" object="${object}": ${msg?.$ ?? ''}` }
  }
  if (reply.status !== 200) return fail('not HTTP 200')
  if (!Array.isArray(doc.elem) || doc.elem.length !== pageSize) return fail(`expected ${pageSize} "elem" entries`)
  if (doc.p_num?.$ !== String(page)) return fail(`expected p_num ${page} (too few rows for that page?)`)
  return { ok: true }
}

async function measure(scenario: string, server: Server, url: string, serverChild: Child, expectBody: string, duration: number, warmup: number): Promise<Measured> {
  if (!isRunning(serverChild)) throw new Error(`${serverChild.name} is not running:\n${serverChild.output()}`)
  process.stdout.write(`${scenario.padEnd(12)} ${server.padEnd(9)} `)
  const single = server === 'node:http' ? null : await sequentialLatency(url, expectBody)
  if (single) process.stdout.write(`1 conn p50 ${single.p50.toFixed(2)} ms, `)
  process.stdout.write(`warm-up ${warmup} s`)
  await load(`${scenario} ${server} (warm-up)`, { url, duration: warmup, connections, expectBody })
  process.stdout.write(`, measuring ${duration} s`)
  const figures = figuresOf(await load(`${scenario} ${server}`, { url, duration, connections, expectBody }, () => cpuSeconds(serverChild)))
  console.log(` → ${Math.round(figures.requestsPerSec)} req/s`)
  return { scenario, server, url: mask(url), bodyBytes: Buffer.byteLength(expectBody), figures, single }
}

/** Measures one page of one list on both gateways and on the plain server, or says why not. */
async function measurePage(list: List, page: number, session: string, workDir: string, duration: number, warmup: number): Promise<Measured[] | { skipped: string; broken: boolean }> {
  if (!cached || !uncached) throw new Error('the gateways are not running')
  const params = { auth: session, func: list.func, out: 'json', p_cnt: String(pageSize), p_num: String(page), ...(Object.keys(list.filter).length ? { filter: 'on', ...list.filter } : {}) }
  const scenario = `${list.func} p${page}`
  const cachedUrl = `${cached.endpoint}?${query(params)}`
  const reply = await fetchReply(cachedUrl)
  const verdict = checkPage(reply, page)
  if (!verdict.ok) {
    if (verdict.missedFunc) return { skipped: `func=${list.func}: function not available (the gateway answers "missed func"); its scenarios are skipped`, broken: false }
    return { skipped: `${scenario}: not the expected list page, skipped: ${verdict.why}`, broken: true }
  }
  const uncachedUrl = `${uncached.endpoint}?${query(params)}`
  const fresh = await fetchReply(uncachedUrl)
  if (!fresh.body.equals(reply.body)) {
    return { skipped: `${scenario}: the gateway without reply cache answers differently, skipped`, broken: true }
  }
  const body = reply.body.toString('utf8')
  const measured = [
    await measure(scenario, 'cache on', cachedUrl, cached.child, body, duration, warmup),
    await measure(scenario, 'cache off', uncachedUrl, uncached.child, body, duration, warmup),
  ]
  const plain = await startPlain(reply, scenario, workDir)
  try {
    measured.push(await measure(scenario, 'node:http', plain.url, plain.child, body, duration, warmup))
  } finally {
    await stopChild(plain.child)
  }
  await sleep(500)
  return measured
}

function ratios(measured: Measured[]): Ratio[] {
  const find = (scenario: string, server: Server) => measured.find((m) => m.scenario === scenario && m.server === server)
  const out: Ratio[] = []
  for (const func of ['payment', 'xdr']) {
    for (const server of ['cache off', 'cache on'] as const) {
      const near = find(`${func} p${pages[0]}`, server)?.single
      const far = find(`${func} p${pages[1]}`, server)?.single
      if (near && far) out.push({ name: `${func} p${pages[1]} / p${pages[0]} latency (1 conn p50), ${server}`, value: far.p50 / near.p50, atMost: 1.5 })
    }
    for (const page of pages) {
      const plain = find(`${func} p${page}`, 'node:http')
      for (const server of ['cache off', 'cache on'] as const) {
        const m = find(`${func} p${page}`, server)
        if (m && plain) out.push({ name: `${func} p${page} ${server} / node:http req/s`, value: m.figures.requestsPerSec / plain.figures.requestsPerSec, atMost: null })
      }
    }
  }
  return out
}

function report(data: BillingData, measured: Measured[], ratioList: Ratio[], skipped: string[]): void {
  const ms = (n: number | undefined) => (n === undefined ? '-' : n.toFixed(2))
  const rows = [
    ['scenario', 'server', 'req/s (mean)', 'p50 ms', 'p99 ms', '1 conn p50 ms', '1 conn p99 ms', 'server CPU', 'body B'],
    ...measured.map((m) => [
      m.scenario,
      m.server,
      m.figures.requestsPerSec.toFixed(0),
      m.figures.latencyMs.p50.toFixed(0),
      m.figures.latencyMs.p99.toFixed(0),
      ms(m.single?.p50),
      ms(m.single?.p99),
      m.figures.serverCores === null ? '?' : `${Math.round(m.figures.serverCores * 100)}%`,
      String(m.bodyBytes),
    ]),
  ]
  if (measured.length) console.log(`\n${table(rows, new Set([2, 3, 4, 5, 6, 7, 8]))}`)
  if (ratioList.length) {
    console.log()
    const ratioRows = [
      ['ratio', 'value', 'target', ''],
      ...ratioList.map((r) => [r.name, r.value.toFixed(2), r.atMost === null ? '' : `≤ ${r.atMost.toFixed(2)}`, r.atMost === null ? '' : r.value <= r.atMost ? 'met' : 'NOT met']),
    ]
    console.log(table(ratioRows, new Set([1])))
  }
  if (skipped.length) console.log(`\nskipped:\n${skipped.map((line) => `  - ${line}`).join('\n')}`)
  console.log(`\ndata: ${formatBytes(data.bytes)}, ${data.payments} payments, ${data.xdrs} usage records`)
  console.log('cache on: the gateway as configured by default, answering repeated identical requests from its reply cache.')
  console.log('cache off: a second gateway on the same database with BILLGATE_REPLY_CACHE=off: every request runs its SQL.')
  console.log('1 conn: one request at a time over one connection (no queueing); the other latencies are under 50 connections.')
  console.log('(informational: the benchmark does not fail on figures)')
}

function formatBytes(n: number): string {
  return `${(n / 1024 / 1024).toFixed(0)} MiB`
}

async function main(): Promise<number> {
  const args = process.argv.slice(2)
  if (args.some((a) => a !== '--rebuild')) {
    console.error(usage)
    return 2
  }
  const duration = envSeconds('BENCH_DURATION', 10)
  const warmup = envSeconds('BENCH_WARMUP', 2)
  const cpuList = cpus()
  console.log(
    `billgate billing bench: node ${process.version}, ${cpuList.length} CPU (${cpuList[0]?.model ?? '?'}),` +
      ` ${connections} connections, ${warmup} s warm-up + ${duration} s per scenario`,
  )
  console.log(`commit ${gitCommit() || 'unknown'}`)

  const data = await billingData(args.includes('--rebuild'))
  const how = data.built ? `built in ${data.buildSeconds.toFixed(1)} s` : `reused (built in ${data.buildSeconds.toFixed(1)} s)`
  console.log(`database ${data.path}: ${formatBytes(data.bytes)}, ${data.payments} payments, ${data.xdrs} usage records, ${how}`)

  cached = await startGateway([], { BILLGATE_DB: data.path })
  uncached = await startGateway([], { BILLGATE_DB: data.path, BILLGATE_REPLY_CACHE: 'off' })
  const workDir = join(cached.dir, 'plain')
  mkdirSync(workDir)
  const session = await login(cached.endpoint)

  // A month of calls, ending a month before the last one: well inside the data, far from its edges.
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)
  const from = iso(data.xdrSpan[1] - 60 * day)
  const to = iso(data.xdrSpan[1] - 30 * day)
  const inRange = xdrsBetween(Date.parse(from), Date.parse(to) + day)
  const lists: List[] = [
    { func: 'payment', filter: {}, over: `all ${data.payments} payments` },
    { func: 'xdr', filter: { started_from: from, started_to: to }, over: `${inRange} of ${data.xdrs} usage records (${from} to ${to})` },
  ]
  console.log(`gateways: ${cached.endpoint} (cache on), ${uncached.endpoint} (cache off); logged in as admin\n`)

  const measured: Measured[] = []
  const skipped: string[] = []
  let broken = false
  for (const list of lists) {
    console.log(`func=${list.func}: ${list.over}`)
    for (const page of pages) {
      const result = await measurePage(list, page, session, workDir, duration, warmup)
      if (Array.isArray(result)) {
        measured.push(...result)
        continue
      }
      console.log(result.skipped)
      skipped.push(result.skipped)
      broken ||= result.broken
      break
    }
  }
  for (const g of [cached, uncached]) {
    if (!isRunning(g.child)) throw new Error(`a gateway died:\n${g.child.output()}`)
  }

  const ratioList = ratios(measured)
  report(data, measured, ratioList, skipped)
  mkdirSync(resultsDir, { recursive: true })
  const file = join(resultsDir, 'billing.json')
  const results = {
    ...runFacts({ connections, warmup, duration }),
    data: { ...data, lists },
    scenarios: measured,
    ratios: ratioList,
    skipped,
  }
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`figures written to ${file}`)
  return broken ? 1 : 0
}

await runBench(main, () => {
  cached?.close()
  uncached?.close()
})
