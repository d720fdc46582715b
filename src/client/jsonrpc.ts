import type { CallResult, ClientOptions, RpcEnvelope, RpcErrorObject, RpcRequest } from './types'

/** A protocol failure: the request itself was refused (bad JSON, unknown method, overload). */
export class RpcProtocolError extends Error {
  constructor(readonly error: RpcErrorObject) {
    super(`JSON-RPC error ${error.code}: ${error.message}`)
  }
}

/** Calls any method by its path: `api.clients.editForm({ id_clients: 8 })`. */
export type MethodTree = ((params?: Record<string, unknown>) => Promise<CallResult>) & { readonly [name: string]: MethodTree }

export interface JsonRpcClient {
  call<T = unknown>(method: string, params?: Record<string, unknown>): Promise<CallResult<T>>
  /** Several calls in one request; results in the same order. */
  batch(requests: RpcRequest[]): Promise<CallResult[]>
  /** The session in use, once logged in. */
  readonly sessionId: string | undefined
}

interface RpcReply {
  id?: unknown
  result?: RpcEnvelope
  error?: RpcErrorObject
}

/** The session ran out (or was ended): a fresh login may help, once. */
const sessionLost = (envelope: RpcEnvelope) => !envelope.code && envelope.errors.some((e) => e.code === 'auth' && e.field === 'session')

const resultOf = <T,>(envelope: RpcEnvelope<T>): CallResult<T> => ({
  code: envelope.code,
  messages: envelope.messages,
  data: envelope.return,
  errors: envelope.errors,
})

/**
 * A client of the management API (`/jsonrpc/`). It logs in with the first call, keeps the
 * session it is given, and logs in again once when that session has expired.
 */
export function createClient(options: ClientOptions): JsonRpcClient & { readonly [module: string]: MethodTree } {
  const endpoint = new URL('/jsonrpc/', options.url)
  const send = options.fetch ?? fetch
  let sessionId: string | undefined
  let nextId = 1

  async function post(body: unknown): Promise<unknown> {
    const res = await send(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    if (res.status === 429) {
      throw new RpcProtocolError({ code: 429, message: `too many requests; retry after ${res.headers.get('retry-after') ?? '?'} s` })
    }
    return res.json()
  }

  function request(method: string, params: Record<string, unknown>) {
    const credentials = sessionId ? { SID: sessionId } : { auth: { login: options.login, password: options.password } }
    return { jsonrpc: '2.0', id: nextId++, method, params: { ...params, ...credentials, ...(options.lang ? { lang: options.lang } : {}) } }
  }

  function envelopeOf(reply: RpcReply): RpcEnvelope {
    if (reply.error) throw new RpcProtocolError(reply.error)
    const envelope = reply.result!
    if (envelope.session_id) sessionId = envelope.session_id
    return envelope
  }

  async function call<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<CallResult<T>> {
    const hadSession = sessionId !== undefined
    let envelope = envelopeOf((await post(request(method, params))) as RpcReply)
    if (hadSession && sessionLost(envelope)) {
      sessionId = undefined
      envelope = envelopeOf((await post(request(method, params))) as RpcReply)
    }
    return resultOf(envelope as RpcEnvelope<T>)
  }

  async function batch(requests: RpcRequest[]): Promise<CallResult[]> {
    if (requests.length === 0) return []
    // Without a session the first call logs in, so that the others can share its session.
    if (!sessionId) {
      const [first, ...rest] = requests
      return [await call(first.method, first.params), ...(await batch(rest))]
    }
    const run = async () => {
      const sent = requests.map((r) => request(r.method, r.params ?? {}))
      const replies = (await post(sent)) as RpcReply[]
      const byId = new Map(replies.map((r) => [r.id, r]))
      return sent.map((s) => envelopeOf(byId.get(s.id) ?? { error: { code: -32603, message: 'no reply for this call' } }))
    }
    let envelopes = await run()
    // An expired session refuses every call of the batch, so none of them ran: log in and retry once.
    if (envelopes.every(sessionLost)) {
      sessionId = undefined
      await call('keepalive')
      envelopes = await run()
    }
    return envelopes.map((e) => resultOf(e))
  }

  const client: JsonRpcClient = {
    call,
    batch,
    get sessionId() {
      return sessionId
    },
  }
  return new Proxy(client, {
    get(target, name, receiver) {
      if (typeof name !== 'string' || name in target) return Reflect.get(target, name, receiver)
      // Not a thenable: awaiting the client must not look like a method call.
      if (name === 'then') return undefined
      return methodAt([name], call)
    },
  }) as JsonRpcClient & { readonly [module: string]: MethodTree }
}

function methodAt(path: string[], call: JsonRpcClient['call']): MethodTree {
  return new Proxy((() => undefined) as unknown as MethodTree, {
    get: (_target, name) => (typeof name === 'string' && name !== 'then' ? methodAt([...path, name], call) : undefined),
    apply: (_target, _self, args: [Record<string, unknown>?]) => call(path.join('.'), args[0] ?? {}),
  })
}
