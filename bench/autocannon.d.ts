// The parts of autocannon's programmatic API the benchmark uses (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  interface Options {
    url: string
    connections?: number
    /** Seconds. */
    duration?: number
    pipelining?: number
    /** Seconds before a request counts as a timeout. */
    timeout?: number
    method?: string
    headers?: Record<string, string>
    body?: string
    /** Every response body must equal this, or it counts as a mismatch. */
    expectBody?: string
    title?: string
  }

  interface Stats {
    average: number
    mean: number
    stddev: number
    min: number
    max: number
    total?: number
    p50: number
    p90: number
    p97_5: number
    p99: number
    p99_9: number
  }

  interface Result {
    title?: string
    url: string
    connections: number
    duration: number
    samples: number
    start: string | Date
    finish: string | Date
    errors: number
    timeouts: number
    mismatches: number
    non2xx: number
    resets: number
    '1xx': number
    '2xx': number
    '3xx': number
    '4xx': number
    '5xx': number
    statusCodeStats: Record<string, { count: number }>
    latency: Stats & { totalCount: number }
    requests: Stats & { sent: number }
    throughput: Stats
  }

  interface Instance extends EventEmitter, PromiseLike<Result> {
    stop(): void
  }

  function autocannon(options: Options): Instance

  export type { Options, Result, Stats, Instance }
  export default autocannon
}
