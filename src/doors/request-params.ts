import { BillError, invalid, malformed } from '../core/errors'

/** Parameters that may be given several times and then form a list (`elid=1&elid=2`). */
export const listParams = new Set(['elid', 'elname'])

const maxParams = 1000

/** Collects name/value pairs, refusing conflicting repeats; list parameters are joined. */
class ParamCollector {
  readonly values: Record<string, string> = Object.create(null)
  private count = 0

  add(name: string, value: string): void {
    if (++this.count > maxParams) throw malformed('params', String(this.count), 'toomany')
    if (name === '' || name === '__proto__') return
    const previous = this.values[name]
    if (previous === undefined) this.values[name] = value
    else if (listParams.has(name)) this.values[name] = `${previous}, ${value}`
    else if (previous !== value) throw invalid(name, value, 'duplicate')
  }
}

function decode(component: string, name: string): string {
  if (!component.includes('%') && !component.includes('+')) return component
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '))
  } catch {
    throw malformed(name || 'params', '', 'encoding')
  }
}

/** Parses `a=1&b=2` strictly: malformed percent-escapes and invalid UTF-8 are errors, not guesses. */
export function parseQueryString(query: string, into = new ParamCollector()): ParamCollector {
  if (!query) return into
  for (const pair of query.split('&')) {
    if (!pair) continue
    const eq = pair.indexOf('=')
    const rawName = eq < 0 ? pair : pair.slice(0, eq)
    const name = decode(rawName, '')
    into.add(name, eq < 0 ? '' : decode(pair.slice(eq + 1), name))
  }
  return into
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

export function decodeUtf8(bytes: ArrayBuffer | Uint8Array): string {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    throw malformed('body', '', 'encoding')
  }
}

/** The parameter a function takes a batch of records in, when the body is the batch itself. */
export const dataParam = 'data'

/** Functions whose JSON body may be the records themselves: an array, or an object with `records`. */
const recordBodies = new Set(['xdr.import'])

/**
 * A JSON body: an object of scalars (arrays of scalars for list parameters). For a function
 * that takes records (named in the query or the body), an array or `{"records": […]}` is passed
 * whole as `data`, beside the object's scalar members.
 */
export function parseJsonBody(text: string, queryFunc?: string): Record<string, string> {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw malformed('body', '', 'json')
  }
  const isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
  const fields = parsed as Record<string, unknown>
  const func = queryFunc ?? (isObject && typeof fields.func === 'string' ? fields.func : undefined)
  if (func !== undefined && recordBodies.has(func) && (Array.isArray(parsed) || (isObject && Array.isArray(fields.records)))) {
    const into = new ParamCollector()
    if (isObject) for (const [name, value] of Object.entries(fields)) if (name !== 'records') into.add(name, scalar(name, value))
    into.add(dataParam, text)
    return into.values
  }
  if (!isObject) throw malformed('body', '', 'jsonobject')
  const into = new ParamCollector()
  for (const [name, value] of Object.entries(fields)) {
    if (Array.isArray(value) && listParams.has(name)) {
      for (const item of value) into.add(name, scalar(name, item))
    } else {
      into.add(name, scalar(name, value))
    }
  }
  return into.values
}

function scalar(name: string, value: unknown): string {
  if (value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw notScalar(name)
}

/** A parameter that takes one value was given an object or array. */
export function notScalar(name: string): BillError {
  return new BillError('value', name, '', {}, 'errors:value.scalar')
}

/** Form fields from multipart or already-decoded pairs; uploaded files are not parameters. */
export function collectPairs(pairs: Iterable<[string, unknown]>): Record<string, string> {
  const into = new ParamCollector()
  for (const [name, value] of pairs) {
    if (typeof value === 'string') into.add(name, value)
  }
  return into.values
}

export function parseUrlEncoded(text: string): Record<string, string> {
  return parseQueryString(text).values
}

export function parseQuery(query: string): Record<string, string> {
  return parseQueryString(query).values
}
