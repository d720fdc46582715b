import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { Config } from '../config'
import type { Call } from '../core/call'
import { errorDocument } from '../core/documents'
import { BillError, busyRetrySeconds, invalid, isBusy, malformed } from '../core/errors'
import type { Dispatcher, Outcome } from '../core/dispatch'
import type { KeptReply } from '../core/reply-cache'
import { fileFormats, isFileFormat } from '../core/registry'
import { isLang, type Lang } from '../i18n/index'
import type { ClientInfo } from '../net/client'
import { securityHeaders } from '../net/security-headers'
import { isCallbackName, isFormat, serialize, serializers, type Serialized } from '../output/index'
import { keepReply, requestCall } from './call'
import { sendFile } from './file-reply'
import { collectPairs, dataParam, decodeUtf8, parseJsonBody, parseQuery, parseUrlEncoded } from './request-params'

export const sessionCookie = 'billmgrses5'
export const langCookie = 'billmgrlang5'

export interface BillmgrDoorDeps {
  config: Config
  dispatcher: Dispatcher
  clientOf: (c: Context) => ClientInfo
  /** Answers calls without `out`: the HTML panel. */
  panel: (c: Context, call: Call) => Promise<Response>
  /** Where unexpected failures are reported, with their stack. */
  log: (message: string, err: unknown) => void
}

/**
 * Reads query and body parameters (body wins), strictly: bad encodings and bad JSON are errors.
 * A `text/csv` body, or an uploaded `data` file, is the call's `data` (a batch of records).
 */
export async function readParams(c: Context, search: string): Promise<Record<string, string>> {
  const query = parseQuery(search)
  if (c.req.method !== 'POST') return query
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase()
  let body: Record<string, string>
  if (type === 'multipart/form-data') {
    let form: Record<string, string | File | (string | File)[]>
    try {
      form = await c.req.parseBody({ all: true })
    } catch (err) {
      if (err instanceof BillError) throw err
      throw malformed('body', '', 'multipart')
    }
    const pairs: [string, unknown][] = []
    for (const [name, value] of Object.entries(form)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        // An uploaded file is a parameter only as a batch of records.
        pairs.push([name, name === dataParam && typeof v !== 'string' ? decodeUtf8(await v.arrayBuffer()) : v])
      }
    }
    body = collectPairs(pairs)
  } else {
    const text = decodeUtf8(await c.req.arrayBuffer())
    if (type === 'application/json') body = parseJsonBody(text, query.func)
    else if (type === 'text/csv') body = { [dataParam]: text }
    else if (type === '' || type === 'application/x-www-form-urlencoded' || type === 'text/plain') body = parseUrlEncoded(text.trim())
    else throw malformed('body', type, 'contenttype')
  }
  return { ...query, ...body }
}

/** Turns parameters into a call: request-level parameters apart, credentials by precedence. */
export function toCall(params: Record<string, string>, c: Context, client: ClientInfo, binary: string): Call {
  const credentials: Call['credentials'] = {}
  if (params.authinfo !== undefined) credentials.authinfo = params.authinfo
  else if (params.auth) credentials.session = params.auth
  else {
    const cookie = getCookie(c, sessionCookie)
    if (cookie) {
      credentials.session = cookie
      credentials.sessionFromCookie = true
    }
  }
  return requestCall(c, client, params, { func: params.func ?? '', credentials, sok: Boolean(params.sok), binary })
}

/** The BILLmanager URL-function door: `/billmgr?func=…&out=…`. */
export function billmgrDoor(deps: BillmgrDoorDeps) {
  return async function handleBillmgr(c: Context): Promise<Response> {
    const raw = c.req.url
    const mark = raw.indexOf('?')
    const search = mark < 0 ? '' : raw.slice(mark + 1)
    const client = deps.clientOf(c)
    const binary = c.req.path
    let params: Record<string, string>
    try {
      params = await readParams(c, search)
    } catch (err) {
      if (!(err instanceof BillError)) throw err
      return rejectRequest(c, err, deps)
    }
    const call = toCall(params, c, client, binary)
    if (!call.out) {
      if (!call.lang) {
        const saved = getCookie(c, langCookie)
        if (isLang(saved)) call.lang = saved
      } else if (isLang(call.lang)) {
        setCookie(c, langCookie, call.lang, { path: '/', sameSite: 'Lax', httpOnly: true, maxAge: 365 * 86400 })
      }
      return deps.panel(c, call)
    }
    if (!isFormat(call.out) && !isFileFormat(call.out)) {
      const out = call.out
      return failure(c, { ...call, out: 'xml' }, invalid('out', out, 'enum', { values: [...Object.keys(serializers), ...fileFormats].join(', ') }), deps.config.lang)
    }
    if (params.callback !== undefined && !isCallbackName(params.callback)) {
      return failure(c, call, invalid('callback', params.callback, 'callback'), deps.config.lang)
    }
    const outcome = await deps.dispatcher.execute(call, true)
    if ('cached' in outcome) return sendKept(outcome.cached)
    applySession(c, outcome, call, deps.config)
    if (outcome.effects.file) return sendFile(c, outcome.effects.file, (err) => deps.log(`file of ${call.func} failed while sent`, err))
    const callback = call.params.callback
    // A file's failure is told as documents are, in the protocol's own format.
    const serialized = serialize(outcome.document, isFileFormat(call.out) ? 'xml' : call.out, callback)
    keepReply(deps.dispatcher, outcome, serialized)
    return send(c, serialized, statusOf(outcome.error))
  }

}

/**
 * Answers a request whose parameters could not be read (bad encoding, body too large…) with the
 * error, in whatever format and language its query asks for, if any. The HTTP status is the
 * error's (200 for the caller's mistakes) unless `status` says otherwise (413: body too large).
 */
export function rejectRequest(c: Context, err: BillError, deps: Pick<BillmgrDoorDeps, 'config' | 'clientOf'>, status?: 413): Response {
  const raw = c.req.url
  const mark = raw.indexOf('?')
  const loose = Object.fromEntries(new URLSearchParams(mark < 0 ? '' : raw.slice(mark + 1)))
  return failure(c, toCall(loose, c, deps.clientOf(c), c.req.path), err, deps.config.lang, status)
}

function failure(c: Context, call: Call, err: BillError, fallback: Lang, status?: Status): Response {
  const lang = isLang(call.lang) ? call.lang : fallback
  const out = call.out && isFormat(call.out) ? call.out : 'xml'
  const document = errorDocument({ ...call, out }, lang, err)
  return respond(c, { document, effects: {}, lang, error: err }, { ...call, out }, status)
}

/** Sets or clears the session cookie as the call asked. */
export function applySession(c: Context, outcome: Outcome, call: Call, config: Config): void {
  if (outcome.effects.startSession) {
    setCookie(c, sessionCookie, outcome.effects.startSession, {
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure: call.secure || config.secureCookies,
    })
  } else if (outcome.effects.endSession) {
    deleteCookie(c, sessionCookie, { path: '/' })
  }
}

function respond(c: Context, outcome: Outcome, call: Call, status: Status = statusOf(outcome.error)): Response {
  const callback = call.params.callback && isCallbackName(call.params.callback) ? call.params.callback : undefined
  return send(c, serialize(outcome.document, call.out ?? 'xml', callback), status)
}

/** What every reply of this door carries besides its type. */
export const replyHeaders: Readonly<Record<string, string>> = { ...securityHeaders, 'Cache-Control': 'no-store' }

type Status = 200 | 413 | 500 | 503

/** 500 for a failure of the server, 503 (with Retry-After) when the database was busy; else 200. */
function statusOf(err: BillError | undefined): 200 | 500 | 503 {
  if (err?.type !== 'internal') return 200
  return isBusy(err) ? 503 : 500
}

function send(c: Context, reply: Serialized, status: Status): Response {
  const headers: Record<string, string> = { ...replyHeaders, 'Content-Type': reply.contentType }
  if (status === 503) headers['Retry-After'] = String(busyRetrySeconds)
  return c.body(reply.body, status, headers)
}

/**
 * A kept reply goes out as a plain Response with plain headers (no cookies are ever set with
 * one), which the Node adapter writes without building a Headers object.
 */
function sendKept(reply: KeptReply): Response {
  return new Response(reply.bytes, { status: 200, headers: reply.headers })
}
