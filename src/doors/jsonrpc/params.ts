import { BillError } from '../../core/errors'
import { collectPairs, listParams, notScalar } from '../request-params'

/** What a JSON-RPC request's `params` say besides the function's own parameters. */
export interface RpcParams {
  /** Parameters as the URL protocol has them: one string each, lists joined, flags on/off. */
  params: Record<string, string>
  /** `SID`, or a session id given as `auth` the URL protocol's way. */
  session?: string
  /** `auth {login, password}` (or `auth[login]`, `auth[password]`): log in first. */
  login?: { login: string; password: string }
  /** `idempotency_key`. */
  idempotencyKey?: string
}

/** Parameters that are the door's, not the function's. */
const sessionParam = 'SID'
const loginParams = ['auth[login]', 'auth[password]']
const idempotencyParam = 'idempotency_key'

/** Values that leave a form unsaved, whichever way a script writes "no". */
const unset = new Set(['', '0', 'off', 'false', 'no'])

/** How a function takes its parameters, as far as reading a JSON request needs to know. */
export interface ParamShape {
  /** Top-level names given billgate's names first (`id_clients` → `elid`). */
  renames?: Readonly<Record<string, string>>
  /**
   * Whether a parameter (by billgate's name) takes one value: a JSON object or array there is a
   * `value` error, never flattened into bracketed names the function would not see.
   */
  scalar(name: string): boolean
}

/** Nesting deeper than this is refused: no request a script writes comes near it. */
export const maxDepth = 32

/**
 * Reads a request's named parameters. Nested objects and arrays become bracketed names, as a
 * form would send them (`auth[login]`, `fields[0][id]`); a list parameter (`elid`) may be an
 * array of scalars; a parameter that takes one value must be given one.
 */
export function readRpcParams(given: Record<string, unknown>, shape: ParamShape): RpcParams {
  const renames = shape.renames ?? {}
  const pairs: [string, string][] = []
  for (const [givenName, value] of Object.entries(given)) {
    const name = Object.hasOwn(renames, givenName) ? renames[givenName] : givenName
    if (value !== null && typeof value === 'object') {
      const list = listParams.has(name)
      if (list ? !Array.isArray(value) || value.some((v) => v !== null && typeof v === 'object') : shape.scalar(name)) {
        throw notScalar(name)
      }
    }
    flatten(name, value, pairs, 0)
  }
  const params = collectPairs(pairs)
  const out: RpcParams = { params }
  if (params[sessionParam]) out.session = params[sessionParam]
  // A string `auth` is a session id, as in the URL protocol.
  else if (params.auth) out.session = params.auth
  if (params[loginParams[0]] !== undefined) out.login = { login: params[loginParams[0]], password: params[loginParams[1]] ?? '' }
  if (params[idempotencyParam]) out.idempotencyKey = params[idempotencyParam]
  // `sok`, or its synonym `apply`, set to anything but "no": a form saves (params.sok is 'ok').
  const sok = params.sok ?? params.apply
  for (const name of doorParams) delete params[name]
  if (sok !== undefined && !unset.has(sok.toLowerCase())) params.sok = 'ok'
  return out
}

/** Parameters the door reads itself; none of them takes an object (`auth` may: a login). */
const doorParams = [sessionParam, 'auth', ...loginParams, idempotencyParam, 'apply', 'sok']

/** Whether a parameter is read by the door itself. */
export function isDoorParam(name: string): boolean {
  return doorParams.includes(name)
}

function flatten(name: string, value: unknown, into: [string, string][], depth: number): void {
  if (value === null || value === undefined) into.push([name, ''])
  else if (typeof value === 'boolean') into.push([name, value ? 'on' : 'off'])
  else if (typeof value === 'number') into.push([name, String(value)])
  else if (typeof value === 'string') into.push([name, value])
  else if (depth >= maxDepth) throw new BillError('xml', 'params', '', { max: maxDepth }, 'errors:xml.depth')
  else if (Array.isArray(value)) {
    if (depth === 0 && listParams.has(name)) {
      for (const item of value) flatten(name, item, into, depth + 1)
    } else {
      value.forEach((item, i) => flatten(`${name}[${i}]`, item, into, depth + 1))
    }
  } else if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) flatten(`${name}[${key}]`, item, into, depth + 1)
  }
}

/**
 * The records of a list parameter sent as `name[i][member]`: in index order, each with its
 * members; the bracketed parameters are taken out of `params`.
 */
export function takeRecords(params: Record<string, string>, name: string): Record<string, string>[] {
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\[(\\d+)\\]\\[([^\\]]+)\\]$`)
  const byIndex = new Map<number, Record<string, string>>()
  for (const key of Object.keys(params)) {
    const m = pattern.exec(key)
    if (!m) continue
    const index = Number(m[1])
    let record = byIndex.get(index)
    if (!record) byIndex.set(index, (record = {}))
    record[m[2]] = params[key]
    delete params[key]
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, record]) => record)
}
