import type { Config } from '../../config'
import { storeFailureOf, type Store } from '../../db/store'
import type { Call } from '../../core/call'
import type { CachedOutcome, Dispatcher, Outcome } from '../../core/dispatch'
import { BillError, busyRetrySeconds, invalid, isBusy, missed } from '../../core/errors'
import type { Services } from '../../core/services'
import { requestParams } from '../../core/call'
import { fileOf, paramsOf, writes, type FunctionDef, type Registry } from '../../core/registry'
import { isLang, translator, type Lang } from '../../i18n/index'
import type { ClientInfo } from '../../net/client'
import { errorMessage } from '../../core/documents'
import { rpcData, rpcErrorOf, type RpcError } from './data'
import { replyHeaders } from '../billmgr'
import { callFrom, keepReply } from '../call'
import { decodeUtf8 } from '../request-params'
import { aliasField, aliasReply, aliasRequest, jerasoftMethods, recordsParam, type MethodAlias } from './aliases'
import { fingerprintOf, IdempotencyStore } from './idempotency'
import { KeptEnvelopes, type PreparedEntry } from './kept-envelopes'
import { discoveryMethods } from './methods'
import { isDoorParam, readRpcParams, takeRecords, type RpcParams } from './params'
import {
  errorText,
  isBadRequest,
  readRequest,
  replyText,
  resultText,
  RpcCode,
  nullId,
  type RpcId,
  type RpcResult,
} from './protocol'
import { rawIds } from './raw-ids'

export interface JsonRpcDoorDeps {
  config: Config
  /** Where idempotency keys are kept. */
  store: Store
  dispatcher: Dispatcher
  registry: Registry
  services: Services
}

/** The path the door answers at, as calls record it. */
const binary = '/jsonrpc'
/** Calls in one batch at most. */
export const maxBatch = 100
const maxKeyLength = 255

const jsonType = 'application/json; charset=UTF-8'
const rpcHeaders: Readonly<Record<string, string>> = { ...replyHeaders, 'Content-Type': jsonType }

/** A result kept for an idempotency key: everything but the session, which is the retry's own. */
type KeptResult = Omit<RpcResult, 'sessionId'>

/** An HTTP request as the door needs it, whichever server received it. */
export interface RpcHttpRequest {
  header(name: string): string | undefined
  /** The whole body, already read within the body limit. */
  body: Uint8Array
}

/** The door's answer, written by whichever server received the request. */
export interface RpcHttpReply {
  status: number
  /** With Content-Length when the body is ready as bytes; else the server adds it. */
  headers: Readonly<Record<string, string>>
  body?: string | Buffer
}

/** One call's reply entry: serialized text, or a reply prepared earlier. */
type Entry = string | PreparedEntry

function textOf(entry: Entry): string {
  return typeof entry === 'string' ? entry : entry.text
}

/**
 * A request object read as far as its text alone decides, the same each time it is sent: kept
 * by its text, since scripts send the same calls again and again. Runs copy its parameters.
 */
interface ReadCall {
  /** undefined: a notification. */
  id: RpcId | undefined
  method: string
  def: FunctionDef
  alias: MethodAlias | undefined
  read: Readonly<RpcParams>
}

/** Request texts kept read at most, and the longest one kept. */
const maxKnownCalls = 1000
const maxKnownLength = 2048

/** What a whole HTTP request brings to each of its calls. */
interface RequestScope {
  userAgent: string
  client: ClientInfo
  /** From Accept-Language, when no `lang` parameter says otherwise. */
  headerLang?: Lang
  /** The Idempotency-Key header; in a batch, call i uses `<key>#<i>`. */
  idempotencyKey?: string
  /** Set when a call found the database busy: the reply says when to retry. */
  busy?: boolean
}

/**
 * The JSON-RPC door (`POST /jsonrpc/`): JeraSoft's Management API conventions over the same
 * registry and dispatcher as the URL protocol.
 */
export function jsonrpcDoor(deps: JsonRpcDoorDeps) {
  const { dispatcher, registry, services, config } = deps
  const kept = new IdempotencyStore<KeptResult>(deps.store)
  const envelopes = new KeptEnvelopes(rpcHeaders)
  const knownCalls = new Map<string, ReadCall>()

  return async function handleJsonRpc(req: RpcHttpRequest, client: ClientInfo): Promise<RpcHttpReply> {
    const scope: RequestScope = {
      userAgent: req.header('user-agent') ?? '',
      client,
      headerLang: acceptedLang(req.header('accept-language')),
      idempotencyKey: req.header('idempotency-key') || undefined,
    }
    const lang = scope.headerLang ?? config.lang
    const unreadable = () => send(errorText(nullId, RpcCode.parseError, translator(lang)('jsonrpc:errors.parse')))
    let text: string
    try {
      text = decodeUtf8(req.body)
    } catch {
      return unreadable()
    }
    const keepable = text.length <= maxKnownLength
    const known = keepable ? knownCalls.get(text) : undefined
    if (known) return single(await answer(known, scope), scope)
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      return unreadable()
    }
    if (!Array.isArray(body)) {
      const call = readCall(body, scope, hasNumericId(body) ? rawIds(text)[0] : undefined)
      if (typeof call !== 'object') return single(call, scope)
      if (keepable) {
        if (knownCalls.size >= maxKnownCalls) knownCalls.clear()
        knownCalls.set(text, call)
      }
      return single(await answer(call, scope), scope)
    }
    if (!body.length || body.length > maxBatch) {
      return send(errorText(nullId, RpcCode.invalidRequest, translator(lang)('jsonrpc:errors.batch', { max: maxBatch })))
    }
    const ids = body.some(hasNumericId) ? rawIds(text) : []
    const entries: string[] = []
    // In order, one after another: a later call may rely on an earlier one's write.
    for (let i = 0; i < body.length; i++) {
      const call = readCall(body[i], scope, ids[i])
      const entry = typeof call === 'object' ? await answer(call, scope, i) : call
      if (entry) entries.push(textOf(entry))
    }
    // Other calls of the batch may have been done: only the busy ones are to be sent again.
    if (scope.busy) return retryLater(entries.length ? replyText(entries, true) : undefined, 200)
    return entries.length ? send(replyText(entries, true)) : noContent()
  }

  /** A single request's reply: its entry alone, or nothing for a notification. */
  function single(entry: Entry | undefined, scope: RequestScope): RpcHttpReply {
    if (scope.busy) return retryLater(entry && textOf(entry), 503)
    if (entry === undefined) return noContent()
    return typeof entry === 'string' ? send(entry) : { status: 200, headers: entry.headers, body: entry.bytes }
  }

  /**
   * Reads one request object as far as its text alone decides. A request it cannot run gives its
   * error entry (nothing for a notification, unless the object is not a request at all).
   */
  function readCall(entry: unknown, scope: RequestScope, idText: string | undefined): ReadCall | string | undefined {
    const request = readRequest(entry, idText)
    if (isBadRequest(request)) return errorText(request.id, request.code)
    const { id } = request
    const replyId = id ?? nullId
    const refuse = (text: string) => (id === undefined ? undefined : text)
    const alias = methodAlias(request.method)
    const def = registry.get(alias?.func ?? request.method)
    if (!def) return refuse(errorText(replyId, RpcCode.methodNotFound, undefined, { method: request.method }))
    // Files do not travel in JSON-RPC replies: the file channel sends them.
    const file = fileOf(def, typeof request.params.out === 'string' ? request.params.out : undefined)
    if (file) return refuse(errorText(replyId, RpcCode.invalidParams, `files come from the file channel${file.route ? `: /admin/${file.route}` : ''}`, { method: request.method }))
    let read: RpcParams
    try {
      read = readRpcParams(request.params, { renames: alias?.params, scalar: scalarOf(def, alias) })
      if (alias) aliasRequest(alias, read.params)
      if (alias?.records) {
        const records = takeRecords(read.params, alias.records.list)
        if (!records.length) throw missed(alias.records.list)
        read.params[alias.records.list] = recordsParam(alias, records)
      }
      if (read.idempotencyKey && read.idempotencyKey.length > maxKeyLength) {
        throw invalid('idempotency_key', `${read.idempotencyKey.slice(0, 16)}…`, 'toolong', { max: maxKeyLength })
      }
    } catch (err) {
      if (!(err instanceof BillError)) throw err
      const lang = langOf(request.params.lang, scope) ?? config.lang
      if (err.type === 'xml') return refuse(errorText(replyId, RpcCode.invalidParams, errorMessage(err, translator(lang), def.name)))
      const given = request.params.SID
      return refuse(resultText(replyId, failed(err, lang, def.name, alias, typeof given === 'string' && given ? given : null)))
    }
    Object.freeze(read.params)
    return Object.freeze({ id, method: request.method, def, alias, read: Object.freeze(read) })
  }

  /** Runs a call read earlier (its parameters are copied: a read call may be run again). */
  async function answer(readCall: ReadCall, scope: RequestScope, index?: number): Promise<Entry | undefined> {
    const reply = await run(readCall, { ...readCall.read.params }, scope, index)
    return readCall.id === undefined ? undefined : reply
  }

  async function run({ id: given, method, def, alias, read }: ReadCall, params: Record<string, string>, scope: RequestScope, index?: number): Promise<Entry> {
    const id = given ?? nullId
    const lang = langOf(params.lang, scope)
    const key = read.idempotencyKey ?? (scope.idempotencyKey && (index === undefined ? scope.idempotencyKey : `${scope.idempotencyKey}#${index}`))

    let session = read.session
    if (!session && read.login) {
      const login = await dispatcher.execute(
        callOf(scope, { username: read.login.login, password: read.login.password, ...(lang ? { lang } : {}) }, 'auth', {}, false),
      )
      if (login.error) return outcomeText(scope, id, login, registry.get('auth')!, undefined, params, null)
      session = login.effects.startSession
    }
    const sok = Boolean(params.sok)
    const call = callOf(scope, params, def.name, session ? { session } : {}, sok, formatOf(method, alias))
    if (!key || !writes(def, sok)) return execute(scope, id, call, def, alias, session)
    return once(scope, id, session, key, call, (keep) => execute(scope, id, call, def, alias, session, keep), (reason) =>
      resultText(id, failed(invalid('idempotency_key', key, reason), lang ?? config.lang, def.name, alias, session ?? null)),
    )
  }

  /**
   * Runs a write sent with an idempotency key once per user: a retry with the same parameters gets
   * the first result (with its own session), one with other parameters an error. Without a valid
   * session there is no one to keep the key for: the call runs (and is refused) as it is.
   */
  async function once(
    scope: RequestScope,
    id: RpcId,
    session: string | undefined,
    key: string,
    call: Call,
    work: (keep: (result: KeptResult) => void) => Promise<Entry>,
    refuse: (reason: 'idempotencybusy' | 'idempotencyreuse') => string,
  ): Promise<Entry> {
    // The language and the reply's shape are not what the write does.
    const { out: _out, lang: _lang, ...asked } = call.params
    const fingerprint = fingerprintOf(call.func, asked)
    let user, claim
    try {
      user = await userOf(session, scope.client.address)
      claim = user === undefined ? undefined : await kept.claim(user, key, fingerprint, services.clock())
    } catch (err) {
      if (!isBusyFailure(err)) throw err
      return busyText(scope, id, translator(isLang(call.lang) ? call.lang : config.lang)('errors:internal.busy'))
    }
    if (user === undefined || claim === undefined) return work(() => undefined)
    if (claim.kind === 'replay') return resultText(id, { ...claim.result, sessionId: call.credentials.session ?? null })
    if (claim.kind !== 'fresh') return refuse(claim.kind === 'busy' ? 'idempotencybusy' : 'idempotencyreuse')
    let result: KeptResult | undefined
    try {
      return await work((r) => (result = r))
    } finally {
      await kept.settle(user, key, result)
    }
  }

  /** Runs the call and writes its reply. */
  async function execute(
    scope: RequestScope,
    id: RpcId,
    call: Call,
    def: FunctionDef,
    alias: MethodAlias | undefined,
    session: string | undefined,
    keep?: (result: KeptResult) => void,
  ): Promise<Entry> {
    const outcome = await dispatcher.execute(call, true)
    if ('cached' in outcome) return envelopes.entry(outcome.cached, id, session ?? null)
    return outcomeText(scope, id, outcome, def, alias, call.params, session ?? null, keep)
  }

  function outcomeText(
    scope: RequestScope,
    id: RpcId,
    outcome: Outcome,
    def: FunctionDef,
    alias: MethodAlias | undefined,
    params: Record<string, string>,
    session: string | null,
    keep?: (result: KeptResult) => void,
  ): string {
    if (isBusy(outcome.error)) return busyText(scope, id, rpcErrorOf(outcome.document)?.message)
    if (outcome.error?.type === 'internal') {
      return errorText(id, RpcCode.internalError, rpcErrorOf(outcome.document)?.message)
    }
    const sessionId = sessionAfter(outcome, session)
    if (outcome.error) {
      const result = { ...failedResult(rpcErrorOf(outcome.document)!, alias), sessionId }
      keep?.(withoutSession(result))
      return resultText(id, result)
    }
    const data = rpcData(outcome.document, def)
    const shaped = alias ? aliasReply(alias, data, { registry, lang: outcome.lang, params }) : data
    const returnJson = JSON.stringify(shaped)
    keepReply(dispatcher, outcome, { body: returnJson, contentType: jsonType })
    const result: RpcResult = { code: true, sessionId, messages: [], errors: [], returnJson }
    keep?.(withoutSession(result))
    return resultText(id, result)
  }

  /** The session a script goes on with: a login's new one, none once it ended or was refused. */
  function sessionAfter(outcome: Outcome | CachedOutcome, session: string | null): string | null {
    if (outcome.effects.startSession && !session) return outcome.effects.startSession
    if (outcome.effects.endSession) return null
    if ('error' in outcome && outcome.error?.type === 'auth') return null
    return session
  }

  function failed(err: BillError, lang: Lang, func: string, alias: MethodAlias | undefined, sessionId: string | null): RpcResult {
    const error = { code: err.type, field: err.object, value: err.value, message: errorMessage(err, translator(lang), func) }
    return { ...failedResult(error, alias), sessionId }
  }

  /** Whom a session acts for, to keep idempotency keys apart per user; undefined if it is not valid. */
  async function userOf(session: string | undefined, address: string): Promise<number | undefined> {
    if (!session) return undefined
    try {
      return (await services.auth.session(session, address, services.clock())).principal.id
    } catch (err) {
      if (err instanceof BillError) return undefined
      throw err
    }
  }

  function callOf(
    scope: RequestScope,
    params: Record<string, string>,
    func: string,
    credentials: Call['credentials'],
    sok: boolean,
    out = 'jsonrpc',
  ): Call {
    // `out` keeps kept replies of this door (and of each reply shape) apart from other formats.
    params.out = out
    const origin = { address: scope.client.address, userAgent: scope.userAgent, secure: scope.client.secure, binary }
    const call: Call = { ...callFrom(params, credentials, origin), func, sok }
    call.lang ??= scope.headerLang
    return call
  }

  /** The database was busy: nothing was done, and the caller may send the call again. */
  function busyText(scope: RequestScope, id: RpcId, message: string | undefined): string {
    scope.busy = true
    return errorText(id, RpcCode.busy, message, { retry_after: busyRetrySeconds })
  }

  // The headers object is shared: the adapter sets the length without copying it.
  function send(text: string): RpcHttpReply {
    return { status: 200, headers: rpcHeaders, body: text }
  }
}

/** A reply with a call that found the database busy: Retry-After says when to send it again. */
function retryLater(text: string | undefined, status: 200 | 503): RpcHttpReply {
  const headers = { ...(text === undefined ? replyHeaders : rpcHeaders), 'Retry-After': String(busyRetrySeconds) }
  return { status: text === undefined ? 204 : status, headers, body: text }
}

/** The database was locked or could not order the write with others: the call may be sent again. */
function isBusyFailure(err: unknown): boolean {
  const kind = storeFailureOf(err)?.kind
  return kind === 'busy' || kind === 'retry'
}

function noContent(): RpcHttpReply {
  return { status: 204, headers: replyHeaders }
}

function failedResult(error: RpcError, alias: MethodAlias | undefined): Omit<RpcResult, 'sessionId'> {
  const field = alias ? aliasField(alias, error.field) : error.field
  return { code: false, messages: [], errors: [{ ...error, field }], returnJson: 'null' }
}

function withoutSession({ sessionId: _, ...rest }: RpcResult): KeptResult {
  return rest
}

/**
 * Which parameters of a call take one value: the function's declared ones, the request-level
 * ones, the door's and the parent id `plid`; not a login (`auth`) or an alias's list of records.
 */
function scalarOf(def: FunctionDef, alias: MethodAlias | undefined): (name: string) => boolean {
  const specs = paramsOf(def)
  return (name) =>
    name !== 'auth' && name !== alias?.records?.list && (Object.hasOwn(specs, name) || name === 'plid' || isDoorParam(name) || requestParams.has(name))
}

function methodAlias(method: string): MethodAlias | undefined {
  if (Object.hasOwn(jerasoftMethods, method)) return jerasoftMethods[method]
  if (Object.hasOwn(discoveryMethods, method)) return discoveryMethods[method]
  return undefined
}

/** The `out` a call is kept under: one per reply shape. */
function formatOf(method: string, alias: MethodAlias | undefined): string {
  return alias ? `jsonrpc:${method}` : 'jsonrpc'
}

function hasNumericId(entry: unknown): boolean {
  return entry !== null && typeof entry === 'object' && typeof (entry as { id?: unknown }).id === 'number'
}

function langOf(param: unknown, scope: RequestScope): Lang | undefined {
  return isLang(param) ? param : scope.headerLang
}

/** The first language of an Accept-Language header that billgate speaks, by preference. */
export function acceptedLang(header: string | undefined): Lang | undefined {
  if (!header) return undefined
  let best: { lang: Lang; q: number } | undefined
  for (const part of header.split(',')) {
    const [tag, ...attrs] = part.trim().split(';')
    const lang = tag.trim().toLowerCase().split('-')[0]
    const qAttr = attrs.map((a) => a.trim()).find((a) => a.startsWith('q='))
    const q = qAttr ? Number(qAttr.slice(2)) : 1
    if (isLang(lang) && q > 0 && (!best || q > best.q)) best = { lang, q }
  }
  return best?.lang
}
