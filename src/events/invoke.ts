import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import https from 'node:https'
import { signatureHeader } from './signature'

/** What calling a handler needs to know of it. */
export interface HandlerTarget {
  type: 'http' | 'script'
  /** URL or absolute path of the executable. */
  target: string
  secret: string
}

/** One call of a handler. */
export interface Invocation {
  /** The exact JSON body (for a script: its stdin). */
  body: string
  event: string
  objectId: number | null
  /** `X-Billgate-Delivery` / `BILLGATE_DELIVERY`. */
  deliveryId: string
  timeoutMs: number
  /** For `X-Billgate-Timestamp` and the signature: the time of this attempt (ms). */
  now: number
}

export interface InvokeResult {
  /** A 2xx answer, or exit code 0. */
  ok: boolean
  /** The HTTP status or the exit code, when there was one. */
  code?: number
  /** The answer's body or the script's stdout, cut to `maxResponse` bytes. */
  response: string
  /** Why it failed: connection error, timeout, stderr of a failed script. Empty when ok. */
  error: string
  /** No answer in time, or no connection: before-handlers then apply their `on_failure`. */
  unreachable: boolean
  durationMs: number
}

/** How much of an answer is kept. */
export const maxResponse = 4096
/** How much of an answer is read at all; the rest is discarded. */
const maxRead = 64 * 1024

// As many sockets per host as deliveries may be in flight (BILLGATE_HOOK_CONCURRENCY ≤ 256): a call
// queued behind others for a socket would spend its timeout waiting.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 })
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256 })

/** Calls a handler once: POSTs to its URL or runs its executable. Never throws. */
export function invoke(handler: HandlerTarget, inv: Invocation): Promise<InvokeResult> {
  return handler.type === 'http' ? postTo(handler, inv) : runScript(handler, inv)
}

export function deliveryHeaders(handler: HandlerTarget, inv: Invocation): Record<string, string> {
  const timestamp = Math.floor(inv.now / 1000)
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(inv.body)),
    'user-agent': 'billgate-provisioning',
    'x-billgate-event': inv.event,
    'x-billgate-delivery': inv.deliveryId,
    'x-billgate-timestamp': String(timestamp),
  }
  if (handler.secret) headers['x-billgate-signature'] = signatureHeader(handler.secret, timestamp, inv.body)
  return headers
}

type Outcome = Omit<InvokeResult, 'durationMs'>

/**
 * One call that ends once, with how long it took: at the first of `begin`'s own finish and its
 * timeout (then `onTimeout` stops it and says what became of it). `begin` returns an outcome
 * instead when the call could not even start.
 */
function timedCall(timeoutMs: number, begin: (finish: (r: Outcome) => void) => { onTimeout: () => Outcome } | Outcome): Promise<InvokeResult> {
  const started = performance.now()
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined
    let settled = false
    const finish = (r: Outcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve({ ...r, durationMs: Math.round(performance.now() - started) })
    }
    const running = begin(finish)
    if ('onTimeout' in running) timer = setTimeout(() => finish(running.onTimeout()), timeoutMs)
    else finish(running)
  })
}

const noAnswer = (timeoutMs: number, response = '', how = ''): Outcome => ({
  ok: false,
  response,
  error: `no answer within ${timeoutMs} ms${how}`,
  unreachable: true,
})

function postTo(handler: HandlerTarget, inv: Invocation): Promise<InvokeResult> {
  return timedCall(inv.timeoutMs, (finish) => {
    let url: URL
    try {
      url = new URL(handler.target)
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported protocol ${url.protocol}`)
    } catch (err) {
      return { ok: false, response: '', error: `bad URL: ${(err as Error).message}`, unreachable: true }
    }
    const client = url.protocol === 'https:' ? https : http
    const req = client.request(url, { method: 'POST', headers: deliveryHeaders(handler, inv), agent: url.protocol === 'https:' ? httpsAgent : httpAgent })
    req.on('error', (err) => finish({ ok: false, response: '', error: err.message || String(err), unreachable: true }))
    req.on('response', (res) => {
      const body = collector()
      res.on('data', body.add)
      res.on('error', (err) => finish({ ok: false, response: '', error: err.message, unreachable: true }))
      res.on('end', () => {
        const status = res.statusCode ?? 0
        const ok = status >= 200 && status < 300
        finish({ ok, code: status, response: cut(body.text()), error: ok ? '' : `HTTP ${status}`, unreachable: false })
      })
    })
    req.end(inv.body)
    return {
      onTimeout: () => {
        req.destroy()
        return noAnswer(inv.timeoutMs)
      },
    }
  })
}

/**
 * Runs a script handler: no shell, payload on stdin, killed when its time is up with every
 * process it started (it leads a process group of its own).
 */
function runScript(handler: HandlerTarget, inv: Invocation): Promise<InvokeResult> {
  return timedCall(inv.timeoutMs, (finish) => {
    let child: ReturnType<typeof spawnScript>
    try {
      child = spawnScript(handler, inv)
    } catch (e) {
      return { ok: false, response: '', error: (e as Error).message, unreachable: true }
    }
    const out = collector()
    const err = collector()
    child.stdout.on('data', out.add)
    child.stderr.on('data', err.add)
    child.on('error', (e) => finish({ ok: false, response: '', error: e.message, unreachable: true }))
    child.on('close', (code, signal) => {
      const ok = code === 0
      const stderr = err.text().trim()
      const error = ok ? '' : stderr || (signal ? `killed by ${signal}` : `exit code ${code}`)
      finish({ ok, code: code ?? undefined, response: cut(out.text()), error: cut(error), unreachable: false })
    })
    // A script that does not read its stdin must not fail the call.
    child.stdin.on('error', () => {})
    child.stdin.end(inv.body)
    return {
      onTimeout: () => {
        killGroup(child)
        // A process that left the group may still hold the pipes: they are not waited on.
        child.stdin.destroy()
        child.stdout.destroy()
        child.stderr.destroy()
        return noAnswer(inv.timeoutMs, cut(out.text()), ' (killed)')
      },
    }
  })
}

/** Kills a script's process group: the script, and what it started (a shell's `sleep`…). */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    // The group is gone already (or was never made): the script alone, if it is still there.
    child.kill('SIGKILL')
  }
}

function spawnScript(handler: HandlerTarget, inv: Invocation) {
  return spawn(handler.target, [], {
    shell: false,
    // Its own process group, whose id is its pid: a timeout kills the group.
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    // The server's own environment (its admin password, its secrets) is not passed on.
    env: {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: process.env.LANG ?? 'C.UTF-8',
      BILLGATE_EVENT: inv.event,
      BILLGATE_OBJECT_ID: inv.objectId === null ? '' : String(inv.objectId),
      BILLGATE_DELIVERY: inv.deliveryId,
    },
  })
}

function collector() {
  const chunks: Buffer[] = []
  let size = 0
  return {
    add: (chunk: Buffer) => {
      if (size < maxRead) chunks.push(chunk)
      size += chunk.length
    },
    text: () => Buffer.concat(chunks).subarray(0, maxRead).toString('utf8'),
  }
}

/** Cuts a text to `maxResponse` bytes (on a character boundary). */
export function cut(text: string): string {
  if (Buffer.byteLength(text) <= maxResponse) return text
  return Buffer.from(text).subarray(0, maxResponse).toString('utf8').replace(/\uFFFD$/, '')
}
