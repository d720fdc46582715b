/** Shapes of what billgate's doors send and answer, for scripts written in TypeScript. */

/** One thing that went wrong, as both doors name it. */
export interface BillgateProblem {
  /** The error type: auth, access, missed, value, exists, xml or internal. */
  code: string
  /** What it is about: a parameter, `elid`, `func`, `session`… */
  field: string
  /** What was sent, when it matters. */
  value: string
  /** The message, in the session's language. */
  message: string
}

/** A JSON-RPC call's answer, as the management API puts it in `result`. */
export interface RpcEnvelope<T = unknown> {
  code: boolean
  session_id?: string
  messages: string[]
  return: T
  errors: BillgateProblem[]
}

/** What a client call resolves to: the envelope with `return` as `data`. */
export interface CallResult<T = unknown> {
  code: boolean
  messages: string[]
  data: T
  errors: BillgateProblem[]
}

/** A JSON-RPC error object (a protocol failure, not an application one). */
export interface RpcErrorObject {
  code: number
  message: string
  data?: unknown
}

export interface RpcRequest {
  method: string
  params?: Record<string, unknown>
}

/** A list's data: its rows and how many there are in all. */
export interface ListData<Row = Record<string, unknown>> {
  rows: Row[]
  total: number
}

export interface ClientOptions {
  /** The gateway's address: `https://billing.example.com` (the door's path is added). */
  url: string
  login: string
  password: string
  /** Messages in this language (en, ru). */
  lang?: string
  /** Another fetch (a proxy agent, a test's); the global one by default. */
  fetch?: typeof fetch
}
