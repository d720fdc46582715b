import type { RpcError } from './data'

/** JSON-RPC 2.0 error codes, and the ones billgate adds for overload and a busy database. */
export const RpcCode = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  overloaded: -32000,
  /** The database was busy: the call did nothing; send it again after `data.retry_after` seconds. */
  busy: -32001,
} as const
export type RpcCode = (typeof RpcCode)[keyof typeof RpcCode]

/** The standard messages; a localised explanation goes in `data.message`. */
const standardMessages: Record<RpcCode, string> = {
  [RpcCode.parseError]: 'Parse error',
  [RpcCode.invalidRequest]: 'Invalid Request',
  [RpcCode.methodNotFound]: 'Method not found',
  [RpcCode.invalidParams]: 'Invalid params',
  [RpcCode.internalError]: 'Internal error',
  [RpcCode.overloaded]: 'Too many requests',
  [RpcCode.busy]: 'Server busy',
}

/** A request's id as JSON text, as it was sent (`1`, `"a1"`, `null`): replies carry it unchanged. */
export type RpcId = string

export const nullId: RpcId = 'null'

/** A request object that is well formed. */
export interface RpcRequest {
  /** undefined: a notification, answered with nothing. */
  id?: RpcId
  method: string
  params: Record<string, unknown>
}

/** A request object that is not, with the id to answer it under. */
export interface BadRequest {
  id: RpcId
  code: RpcCode
}

/**
 * Reads one request object (of a batch, or alone); `idText` is its id's text as sent, which a
 * number's parsed value may not give back.
 */
export function readRequest(entry: unknown, idText?: string): RpcRequest | BadRequest {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return { id: nullId, code: RpcCode.invalidRequest }
  const fields = entry as Record<string, unknown>
  const rawId = fields.id
  const hasId = Object.hasOwn(fields, 'id')
  if (hasId && rawId !== null && typeof rawId !== 'string' && typeof rawId !== 'number') return { id: nullId, code: RpcCode.invalidRequest }
  const id = !hasId ? nullId : typeof rawId === 'number' && idText !== undefined ? idText : JSON.stringify(rawId)
  if (Object.hasOwn(fields, 'jsonrpc') && fields.jsonrpc !== '2.0') return { id, code: RpcCode.invalidRequest }
  if (typeof fields.method !== 'string' || !fields.method) return { id, code: RpcCode.invalidRequest }
  const params = fields.params
  if (params !== undefined && params !== null) {
    if (Array.isArray(params)) return { id, code: RpcCode.invalidParams }
    if (typeof params !== 'object') return { id, code: RpcCode.invalidRequest }
  }
  return { id: hasId ? id : undefined, method: fields.method, params: (params ?? {}) as Record<string, unknown> }
}

export function isBadRequest(r: RpcRequest | BadRequest): r is BadRequest {
  return 'code' in r
}

/** A result, as JSON-RPC replies carry it; `returnJson` is the data already serialized. */
export interface RpcResult {
  code: boolean
  sessionId: string | null
  messages: string[]
  errors: RpcError[]
  /** `return`, serialized (a kept list reply is reused as it is). */
  returnJson: string
}

/** One reply entry, serialized. */
export function resultText(id: RpcId, result: RpcResult): string {
  return (
    `{"jsonrpc":"2.0","id":${id},"result":{"code":${result.code},` +
    `"session_id":${JSON.stringify(result.sessionId)},"messages":${JSON.stringify(result.messages)},` +
    `"return":${result.returnJson},"errors":${JSON.stringify(result.errors)}}}`
  )
}

export function errorText(id: RpcId, code: RpcCode, explanation?: string, data?: Record<string, unknown>): string {
  const error: Record<string, unknown> = { code, message: standardMessages[code] }
  if (explanation !== undefined || data) error.data = { ...data, ...(explanation === undefined ? {} : { message: explanation }) }
  return `{"jsonrpc":"2.0","id":${id},"error":${JSON.stringify(error)}}`
}

/**
 * The reply body: one entry, or a batch's entries in an array. A string, not bytes: a fresh
 * buffer per reply would cost more in garbage collection than writing the text does.
 */
export function replyText(entries: string[], batch: boolean): string {
  return batch ? `[${entries.join(',')}]` : entries[0]
}
