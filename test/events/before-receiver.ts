import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** What a before-handler answers: a status and body, no answer at all, or a dropped connection. */
export type Answer = { status?: number; body?: string } | 'hang' | 'destroy'

export interface Received {
  headers: http.IncomingHttpHeaders
  body: string
  json: { event: { dt: string; events_id: string; object_id: number | null }; data: Record<string, unknown> }
}

/**
 * A before-handler on a free loopback port: records every request and answers as the test
 * tells it (`answer`, which may change between calls).
 */
export async function startBeforeReceiver(answer: (r: Received) => Answer = () => ({})) {
  const received: Received[] = []
  const state = { answer }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const r: Received = { headers: req.headers, body, json: JSON.parse(body) }
      received.push(r)
      const a = state.answer(r)
      if (a === 'hang') return
      if (a === 'destroy') {
        req.socket.destroy()
        return
      }
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json' })
      res.end(a.body ?? '')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    /** Changes how later requests are answered. */
    answer(next: (r: Received) => Answer) {
      state.answer = next
    },
    close() {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
