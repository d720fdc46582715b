import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifySignature } from '../../src/events/signature'

/** One request as the receiver got it. */
export interface Received {
  /** When it arrived (Date.now()). */
  at: number
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  /** The raw body, as signed. */
  body: string
  /** The parsed body. */
  json: { event: { dt: string; events_id: string; object_id: number | null }; data: Record<string, unknown> }
  /** Whether `X-Billgate-Signature` verified with the receiver's secret (false when absent or no secret). */
  signed: boolean
  /** What the receiver answered. */
  answer: Behaviour['kind']
}

export type Behaviour =
  | { kind: 'ok' }
  /** Answers with this status (e.g. 500). */
  | { kind: 'status'; status: number }
  /** Answers 200 after this many ms. */
  | { kind: 'slow'; ms: number }
  /** Destroys the connection without answering. */
  | { kind: 'close' }

/**
 * A real HTTP handler on a free loopback port: records every request, verifies its signature,
 * and answers as told (by default 200 `ok`). `behaviour` may be one behaviour for all requests
 * or a function of the request (e.g. fail the first two attempts of a delivery).
 */
export async function startReceiver(options: { secret?: string } = {}) {
  const received: Received[] = []
  let behaviour: Behaviour | ((r: Omit<Received, 'answer'>) => Behaviour) = { kind: 'ok' }
  const arrivals = new Set<() => void>()
  const sockets = new Set<import('node:net').Socket>()
  /** Requests being answered now, and the most at once. */
  const load = { open: 0, max: 0 }
  const server = http.createServer((req, res) => {
    load.max = Math.max(load.max, ++load.open)
    res.on('close', () => load.open--)
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const signature = req.headers['x-billgate-signature']
      const request = {
        at: Date.now(),
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json: JSON.parse(body) as Received['json'],
        signed: !!options.secret && typeof signature === 'string' && verifySignature(options.secret, signature, body),
      }
      const b = typeof behaviour === 'function' ? behaviour(request) : behaviour
      received.push({ ...request, answer: b.kind })
      arrivals.forEach((notify) => notify())
      if (b.kind === 'ok') res.end('ok')
      else if (b.kind === 'status') res.writeHead(b.status).end(`status ${b.status}`)
      else if (b.kind === 'slow') setTimeout(() => res.end('late'), b.ms)
      else req.socket.destroy()
    })
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port

  /** Resolves once at least `count` requests have arrived (fails after timeoutMs). */
  function waitFor(count: number, timeoutMs = 10_000): Promise<Received[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (received.length < count) return false
        arrivals.delete(check)
        clearTimeout(timer)
        resolve(received)
        return true
      }
      const timer = setTimeout(() => {
        arrivals.delete(check)
        reject(new Error(`${received.length} of ${count} requests arrived within ${timeoutMs} ms`))
      }, timeoutMs)
      if (!check()) arrivals.add(check)
    })
  }

  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    load,
    waitFor,
    answer(b: typeof behaviour) {
      behaviour = b
    },
    close(): Promise<void> {
      for (const s of sockets) s.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>
