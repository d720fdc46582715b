// `npm run bench:export`: a million usage records exported as CSV through the file channel over a
// real socket, with the server's resident memory sampled and URL-protocol requests made meanwhile.
// See bench/README.md for what is measured and how to read it.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { billingData } from './lib/billing-data'
import { fetchReply, login, query, startGateway, type Gateway } from './lib/gateway'
import { cpuSeconds, isRunning, runBench, type Child } from './lib/processes'
import { gitCommit, table } from './lib/report'

const targets = { megabytesPerSecond: 50, peakRssMegabytes: 150 }
const sampleEveryMs = 100
/** How often the other client makes its request during the export. */
const probeEveryMs = 20
const expectedHeader = 'id,item,account,account_name,started,quantity,unit_price,cost,currency,expense'

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url))

let gateway: Gateway | undefined


/** The resident memory of a process now, in bytes, from /proc (undefined elsewhere). */
function rssOf(child: Child): number | undefined {
  const pid = child.process.pid
  if (pid === undefined || process.platform !== 'linux') return undefined
  try {
    const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb === undefined ? undefined : Number(kb) * 1024
  } catch {
    return undefined
  }
}

/** Samples a process's resident memory every sampleEveryMs until stopped. */
function sampleRss(child: Child) {
  const samples: number[] = []
  const take = () => {
    const rss = rssOf(child)
    if (rss !== undefined) samples.push(rss)
  }
  take()
  const timer = setInterval(take, sampleEveryMs)
  return {
    samples,
    stop() {
      clearInterval(timer)
      take()
      return samples
    },
  }
}

interface Export {
  status: number
  contentType: string
  disposition: string
  bytes: number
  lines: number
  firstLine: string
  firstByteMs: number
  seconds: number
}

/** Downloads a file over one socket, counting bytes and lines as they arrive; nothing is kept. */
function download(url: string): Promise<Export> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const req = request(url, (res) => {
      let bytes = 0
      let lines = 0
      let head = ''
      let firstByteMs = -1
      res.on('data', (chunk: Buffer) => {
        if (firstByteMs < 0) firstByteMs = performance.now() - started
        if (head.length < 200) head += chunk.subarray(0, 200).toString('utf8')
        bytes += chunk.length
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++
      })
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          disposition: String(res.headers['content-disposition'] ?? ''),
          bytes,
          lines,
          firstLine: head.split('\r\n')[0],
          firstByteMs,
          seconds: (performance.now() - started) / 1000,
        }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

interface Latencies {
  requests: number
  p50: number
  p99: number
  max: number
}

function summarize(times: number[]): Latencies {
  const sorted = [...times].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  return { requests: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 }
}

/**
 * URL-protocol requests, one every `everyMs` (or right after the last one when that took
 * longer), until `stop.done` or `count` are made, each checked to be the expected reply;
 * returns their latencies in ms.
 */
async function urlRequests(url: string, expectBody: string, stop: { done: boolean }, everyMs: number, count = Infinity): Promise<number[]> {
  const times: number[] = []
  while (!stop.done && times.length < count) {
    const started = performance.now()
    const res = await fetch(url)
    const body = await res.text()
    const took = performance.now() - started
    times.push(took)
    if (res.status !== 200 || body !== expectBody) throw new Error(`${url}: HTTP ${res.status}, an unexpected reply:\n${body.slice(0, 500)}`)
    if (took < everyMs) await sleep(everyMs - took)
  }
  return times
}

const mb = (bytes: number) => bytes / 1e6

async function main(): Promise<number> {
  const cpuList = cpus()
  console.log(`billgate export bench: node ${process.version}, ${cpuList.length} CPU (${cpuList[0]?.model ?? '?'})`)
  console.log(`commit ${gitCommit() || 'unknown'}`)
  const data = await billingData(process.argv.includes('--rebuild'))
  console.log(`database ${data.path}: ${data.xdrs} usage records`)
  gateway = await startGateway([], { BILLGATE_DB: data.path })
  const session = await login(gateway.endpoint)
  const origin = new URL(gateway.endpoint).origin

  // What the other client asks meanwhile: the first page of payments, the same bytes each time
  // (from the reply cache after the first): what is measured is how soon the server gets to it.
  const probeUrl = `${gateway.endpoint}?${query({ auth: session, func: 'payment', out: 'json', p_cnt: '20' })}`
  const probe = await fetchReply(probeUrl)
  const probeBody = probe.body.toString('utf8')
  if (probe.status !== 200 || !probeBody.includes('"elem"')) throw new Error(`the payment list did not answer as expected:\n${probeBody.slice(0, 500)}`)
  const idle = summarize(await urlRequests(probeUrl, probeBody, { done: false }, 0, 200))
  console.log(`func=payment (json, 20 rows) alone: p50 ${idle.p50.toFixed(2)} ms, p99 ${idle.p99.toFixed(2)} ms`)

  const rssBefore = rssOf(gateway.child)
  const exportUrl = `${origin}/admin/xdrs/download?${query({ SID: session })}`
  console.log(`exporting ${data.xdrs} usage records: GET /admin/xdrs/download?SID=<session>`)
  const memory = sampleRss(gateway.child)
  const cpuBefore = cpuSeconds(gateway.child)
  const stop = { done: false }
  const meanwhile = urlRequests(probeUrl, probeBody, stop, probeEveryMs)
  let result: Export
  try {
    result = await download(exportUrl)
  } finally {
    stop.done = true
  }
  const cpuAfter = cpuSeconds(gateway.child)
  const serverCpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore
  const during = summarize(await meanwhile)
  const samples = memory.stop()
  if (!isRunning(gateway.child)) throw new Error(`the gateway died:\n${gateway.child.output()}`)

  const problems: string[] = []
  if (result.status !== 200) problems.push(`HTTP ${result.status}`)
  if (!result.contentType.startsWith('text/csv')) problems.push(`Content-Type ${result.contentType}`)
  if (!result.disposition.startsWith('attachment;')) problems.push(`Content-Disposition ${result.disposition}`)
  if (result.firstLine !== expectedHeader) problems.push(`header line "${result.firstLine}"`)
  if (result.lines !== data.xdrs + 1) problems.push(`${result.lines} lines, expected ${data.xdrs + 1}`)

  const peak = samples.length ? Math.max(...samples) : undefined
  const rate = mb(result.bytes) / result.seconds
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met')
  console.log()
  console.log(
    table(
      [
        ['figure', 'value', 'target', ''],
        ['CSV size', `${mb(result.bytes).toFixed(1)} MB (${result.lines - 1} rows)`, '', ''],
        ['time', `${result.seconds.toFixed(2)} s (first byte after ${result.firstByteMs.toFixed(0)} ms)`, '', ''],
        ['throughput', `${rate.toFixed(1)} MB/s`, `≥ ${targets.megabytesPerSecond}`, verdict(rate >= targets.megabytesPerSecond)],
        ['server CPU', serverCpu === undefined ? '?' : `${serverCpu.toFixed(2)} s (${Math.round((serverCpu / result.seconds) * 100)}% of one core)`, '', ''],
        ['server RSS before', rssBefore === undefined ? '?' : `${mb(rssBefore).toFixed(0)} MB`, '', ''],
        [
          'server RSS peak',
          peak === undefined ? '?' : `${mb(peak).toFixed(0)} MB (${samples.length} samples)`,
          `< ${targets.peakRssMegabytes}`,
          peak === undefined ? '' : verdict(mb(peak) < targets.peakRssMegabytes),
        ],
        ['func=payment alone', `p50 ${idle.p50.toFixed(1)} ms, p99 ${idle.p99.toFixed(1)} ms`, '', ''],
        [
          'func=payment meanwhile',
          `${during.requests} requests, p50 ${during.p50.toFixed(1)} ms, p99 ${during.p99.toFixed(1)} ms, max ${during.max.toFixed(1)} ms`,
          '',
          '',
        ],
      ],
      new Set(),
    ),
  )
  console.log('MB are 10^6 bytes. RSS is the server process\'s VmRSS, sampled every 100 ms during the export.')
  console.log(`Meanwhile: another client making a URL-protocol request (session json, 20 payments) every ${probeEveryMs} ms while the export runs.`)
  if (problems.length) console.log(`\nproblems: ${problems.join('; ')}`)

  mkdirSync(resultsDir, { recursive: true })
  const file = join(resultsDir, 'export.json')
  const results = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    node: process.version,
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? '',
    records: data.xdrs,
    export: { ...result, megabytesPerSecond: rate, serverCpuSeconds: serverCpu },
    rss: { before: rssBefore, peak, samples, sampleEveryMs },
    urlProtocol: { alone: idle, meanwhile: during, everyMs: probeEveryMs },
    targets,
    problems,
  }
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`figures written to ${file}`)
  return problems.length ? 1 : 0
}

await runBench(main, () => {
  gateway?.close()
})
