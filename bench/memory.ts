// `npm run bench:memory`: the server's resident memory under many varied requests (every door and
// format, random functions, parameters, credentials, addresses and languages). Caches must stay
// within their bounds: memory may grow at first, then must level off.
// See bench/README.md for what is measured and how to read it.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { fuzzer, type FuzzRequest } from './lib/fuzz'
import { adminPassword, login, seedUsers, startGateway, userCount, type Gateway } from './lib/gateway'
import { seedPayments } from './lib/jsonrpc'
import { isRunning, runBench, type Child } from './lib/processes'
import { gitCommit } from './lib/report'

const target = { growth: 0.2 }
const probe = pathToFileURL(fileURLToPath(new URL('./lib/memory-probe.mjs', import.meta.url))).href
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url))

let gateway: Gateway | undefined

/** A whole number from an environment variable within [min, max], or the fallback when unset. */
function envNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw.replace(/_/g, ''))
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}: expected a whole number from ${min} to ${max}, got "${raw}"`)
  return n
}

interface Memory {
  requests: number
  rss: number
  /** The largest RSS so far (VmHWM). */
  peakRss: number
  /** process.memoryUsage() inside the server, when its probe answered. */
  heapTotal?: number
  heapUsed?: number
  external?: number
  arrayBuffers?: number
  /** V8's heap spaces: bytes reserved and used. */
  spaces?: Record<string, { size: number; used: number }>
}

function procStatus(child: Child): { rss: number; peakRss: number } {
  const status = readFileSync(`/proc/${child.process.pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(status)?.[1] ?? NaN) * 1024
  return { rss: kb('VmRSS'), peakRss: kb('VmHWM') }
}

/** The server's memory now: RSS from /proc, the heap's parts from the probe loaded into it. */
async function memoryOf(child: Child, file: string, requests: number): Promise<Memory> {
  const asked = Date.now()
  child.process.kill('SIGUSR2')
  let usage: Partial<Memory> = {}
  // A heap snapshot, when asked for, takes a while.
  for (let i = 0; i < (process.env.BENCH_HEAPSNAPSHOT_DIR ? 2400 : 40); i++) {
    await sleep(25)
    if (!existsSync(file)) continue
    const read = JSON.parse(readFileSync(file, 'utf8')) as { at: number } & Partial<Memory>
    if (read.at >= asked) {
      usage = read
      break
    }
  }
  const { heapTotal, heapUsed, external, arrayBuffers, spaces } = usage
  return { requests, ...procStatus(child), heapTotal, heapUsed, external, arrayBuffers, spaces }
}

const mb = (bytes: number | undefined) => (bytes === undefined || Number.isNaN(bytes) ? '?' : (bytes / 2 ** 20).toFixed(1))

/** Sends one request; resolves with its status, or -1 when it failed (reset, timeout). */
function send(agent: Agent, base: string, r: FuzzRequest): Promise<number> {
  return new Promise((resolve) => {
    const headers = r.body === undefined ? r.headers : { ...r.headers, 'Content-Length': String(Buffer.byteLength(r.body)) }
    let req
    try {
      req = request(`${base}${r.path}`, { method: r.method, headers, agent }, (res) => {
        res.on('data', () => {})
        res.on('end', () => resolve(res.statusCode ?? 0))
        res.on('error', () => resolve(-1))
      })
    } catch {
      resolve(-2)
      return
    }
    req.setTimeout(30_000, () => req.destroy())
    req.on('error', () => resolve(-1))
    req.end(r.body)
  })
}

async function main(): Promise<number> {
  if (process.platform !== 'linux') throw new Error("bench:memory reads the server's memory from /proc: Linux only")
  const total = envNumber('BENCH_REQUESTS', 100_000, 100, 10_000_000)
  const early = Math.min(10_000, Math.floor(total / 2))
  const connections = envNumber('BENCH_CONNECTIONS', 16, 1, 256)
  const seed = envNumber('BENCH_SEED', 1, 0, 2 ** 31)
  const step = Math.max(1, Math.round(total / 10))

  probeDir = mkdtempSync(join(tmpdir(), 'billgate-memory-'))
  const memoryFile = join(probeDir, 'memory.json')
  gateway = await startGateway(['--import', probe], {
    // The benchmark is the proxy: X-Forwarded-For names the client, a different one almost every time.
    BILLGATE_TRUSTED_PROXIES: '127.0.0.1,::1',
    BILLGATE_AUTHINFO_ALLOW: '0.0.0.0/0,::/0',
    BENCH_MEMORY_FILE: memoryFile,
    ...(process.env.BENCH_HEAPSNAPSHOT_DIR ? { BENCH_HEAPSNAPSHOT_DIR: process.env.BENCH_HEAPSNAPSHOT_DIR } : {}),
  })
  const { child, endpoint } = gateway
  await seedUsers(endpoint)
  await seedPayments(endpoint)
  const session = await login(endpoint)
  const logins = Array.from({ length: userCount - 1 }, (_, i) => `bench${String(i + 1).padStart(2, '0')}`)
  const next = fuzzer(seed, { session, adminPassword, logins })
  const base = endpoint.replace(/\/billmgr$/, '')
  const agent = new Agent({ keepAlive: true, maxSockets: connections })

  console.log(`bench:memory: ${total} requests over ${connections} connections (seed ${seed}), server pid ${child.process.pid}`)
  const start = await memoryOf(child, memoryFile, 0)
  const statuses = new Map<number, number>()
  const byDoor = new Map<string, number>()
  const samples: Memory[] = [start]
  let issued = 0
  let done = 0
  const started = performance.now()
  const header = ['requests', 'req/s', 'RSS MB', 'peak MB', 'heap used', 'heap total', 'external', 'arrayBuffers']
  const row = (m: Memory, rate: string) => [String(m.requests), rate, mb(m.rss), mb(m.peakRss), mb(m.heapUsed), mb(m.heapTotal), mb(m.external), mb(m.arrayBuffers)]
  const line = (cells: string[]) => cells.map((c) => c.padStart(12)).join('')
  console.log(line(header))
  console.log(line(row(start, '')))

  /** Sends requests until `until` have been issued; the marks are read once they are all answered. */
  async function runUntil(until: number): Promise<void> {
    const worker = async () => {
      while (issued < until) {
        issued++
        const r = next()
        byDoor.set(r.door, (byDoor.get(r.door) ?? 0) + 1)
        const status = await send(agent, base, r)
        statuses.set(status, (statuses.get(status) ?? 0) + 1)
        done++
      }
    }
    await Promise.all(Array.from({ length: connections }, worker))
    if (!isRunning(child)) throw new Error(`the gateway exited:\n${child.output()}`)
  }

  const marks = [...new Set([early, ...Array.from({ length: Math.ceil(total / step) }, (_, i) => Math.min(total, (i + 1) * step))])].sort((a, b) => a - b)
  let markedAt = performance.now()
  let markedDone = 0
  for (const mark of marks) {
    await runUntil(mark)
    const m = await memoryOf(child, memoryFile, done)
    samples.push(m)
    const now = performance.now()
    const rate = ((done - markedDone) / ((now - markedAt) / 1000)).toFixed(0)
    markedAt = now
    markedDone = done
    console.log(line(row(m, rate)))
  }
  agent.destroy()
  const seconds = (performance.now() - started) / 1000
  const first = samples.find((m) => m.requests === early)!
  const last = samples[samples.length - 1]
  const growth = last.rss / first.rss - 1
  const met = growth < target.growth
  const failed = (statuses.get(-1) ?? 0) + (statuses.get(-2) ?? 0)
  const statusText = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s < 0 ? 'failed' : s}: ${n}`).join(', ')
  console.log(`\n${done} requests in ${seconds.toFixed(0)} s; doors: ${[...byDoor].map(([d, n]) => `${d} ${n}`).join(', ')}`)
  console.log(`HTTP statuses: ${statusText}`)
  console.log(`\nRSS after ${early} requests: ${mb(first.rss)} MB; after ${last.requests}: ${mb(last.rss)} MB (peak ${mb(last.peakRss)} MB)`)
  console.log(`growth ${(growth * 100).toFixed(1)}% (target: under ${target.growth * 100}%): ${met ? 'met' : 'NOT met'}`)
  if (statuses.get(500)) console.log(`note: ${statuses.get(500)} replies were HTTP 500 (internal errors): see the server's log`)
  if (failed) console.log(`note: ${failed} requests failed without an HTTP reply`)

  mkdirSync(resultsDir, { recursive: true })
  const result = { commit: gitCommit(), total, connections, seed, seconds, statuses: Object.fromEntries(statuses), samples, growth, target: target.growth, met }
  writeFileSync(join(resultsDir, 'memory.json'), `${JSON.stringify(result, null, 2)}\n`)
  return 0
}

let probeDir: string | undefined

void runBench(main, () => {
  gateway?.close()
  if (probeDir) rmSync(probeDir, { recursive: true, force: true })
})
