import { performance } from 'node:perf_hooks'

export interface Latency {
  requests: number
  p50: number
  p99: number
  mean: number
}

/**
 * One request at a time over one kept-alive connection, timed to the microsecond: how long a
 * single call takes, without the queueing that 50 connections add. Runs `maxRequests` requests
 * or for `maxSeconds`, whichever ends first (at least 5). Every body must equal expectBody.
 */
export async function sequentialLatency(url: string, expectBody: string, maxRequests = 200, maxSeconds = 5): Promise<Latency> {
  const times: number[] = []
  const deadline = performance.now() + maxSeconds * 1000
  while (times.length < maxRequests && (times.length < 5 || performance.now() < deadline)) {
    const started = performance.now()
    const res = await fetch(url)
    const body = await res.text()
    times.push(performance.now() - started)
    if (res.status !== 200 || body !== expectBody) {
      throw new Error(`${url}: HTTP ${res.status}, a different body than the first reply:\n${body.slice(0, 500)}`)
    }
  }
  times.sort((a, b) => a - b)
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]
  return { requests: times.length, p50: at(0.5), p99: at(0.99), mean: times.reduce((a, b) => a + b, 0) / times.length }
}
