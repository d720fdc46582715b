import { performance } from 'node:perf_hooks'
import autocannon, { type Result } from 'autocannon'

export interface LoadOptions {
  url: string
  /** Seconds. */
  duration: number
  connections: number
  /** Every response must carry exactly this body (a write's differ: its caller checks what was written). */
  expectBody?: string
  /** A POST with this body and these headers instead of a GET. */
  post?: { body: string; headers: Record<string, string> }
}

export interface Figures {
  /** Mean of the per-second request counts. */
  requestsPerSec: number
  requestsPerSecStddev: number
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number }
  requests: number
  bytes: number
  seconds: number
  /** Responses completed in each second of the run (the last may be partial). */
  perSecond: number[]
  /** CPU the server process used while measured, in cores (1 = one core busy); null if unknown. */
  serverCores: number | null
}

export interface Run {
  result: Result
  perSecond: number[]
  serverCores: number | null
}

/** Runs autocannon against url; fails loudly unless every response was a 2xx with the body. */
export async function load(
  what: string,
  options: LoadOptions,
  /** CPU seconds the server has used so far, to report how busy it was during the load. */
  serverCpu: () => number | undefined = () => undefined,
): Promise<Run> {
  const cpuBefore = serverCpu()
  const started = performance.now()
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.duration,
    expectBody: options.expectBody,
    ...(options.post ? { method: 'POST', body: options.post.body, headers: options.post.headers } : {}),
  })
  const perSecond: number[] = []
  instance.on('tick', (tick: { counter: number }) => perSecond.push(tick.counter))
  const result = await instance
  const cpuAfter = serverCpu()
  const elapsed = (performance.now() - started) / 1000
  const serverCores =
    cpuBefore === undefined || cpuAfter === undefined ? null : (cpuAfter - cpuBefore) / elapsed
  const problems: string[] = []
  if (result['2xx'] === 0) problems.push('no 2xx responses at all')
  for (const key of ['non2xx', 'errors', 'timeouts', 'mismatches', 'resets'] as const) {
    if (result[key] > 0) problems.push(`${key}: ${result[key]}`)
  }
  if (problems.length) {
    const codes = JSON.stringify(result.statusCodeStats)
    throw new Error(`${what}: ${problems.join(', ')} (status codes ${codes})`)
  }
  return { result, perSecond, serverCores }
}

export function figuresOf({ result, perSecond, serverCores }: Run): Figures {
  return {
    requestsPerSec: result.requests.mean,
    requestsPerSecStddev: result.requests.stddev,
    latencyMs: {
      mean: result.latency.mean,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    requests: result['2xx'],
    bytes: result.throughput.total ?? 0,
    seconds: result.duration,
    perSecond,
    serverCores,
  }
}
