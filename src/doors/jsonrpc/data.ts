import type { ParamSpec } from '../../core/params'
import type { ColumnDef, FunctionDef, ListDef } from '../../core/registry'
import type { DocNode, Document, Scalar } from '../../output/document'
import { child } from '../../output/document'
import { toDataNode } from '../../output/json'

/**
 * How a value is written in JSON-RPC data: ids and counts as numbers, flags as booleans, times
 * as `YYYY-MM-DD HH:MM:SS+00` (billgate's times are UTC). Amounts stay decimal strings in the
 * currency's places: a JSON number would reach most clients as a binary float.
 */
export type Shape = ColumnDef['type'] | 'stamp'

/** An application error as JSON-RPC replies carry it. */
export interface RpcError {
  /** The error type, as the URL protocol names it: auth, access, missed, value, exists… */
  code: string
  field: string
  value: string
  message: string
}

/** A list page: its rows, how many there are in all, and the page shown. */
export interface RpcListData {
  rows: Record<string, unknown>[]
  total: number
  p_num: number
  p_cnt: number
  p_sort?: string
  p_order: string
}

/** The error a reply document carries, if it is an error document. */
export function rpcErrorOf(doc: Document): RpcError | undefined {
  const node = child(doc.root, 'error')
  if (!node) return undefined
  const data = node.data as { type: string; object: string; value: string; msg: string }
  return { code: data.type, field: data.object, value: data.value, message: data.msg }
}

/**
 * The document's data as plain JSON: a list's rows with `total` and paging, a form's fields (with
 * `elid`), `ok` and `id` after a write, an action's own values.
 */
export function rpcData(doc: Document, def: FunctionDef): unknown {
  if (def.kind === 'list') return listData(doc, def)
  const data = toDataNode(doc.root)
  if (!isObject(data)) return data
  const fields = def.kind === 'form' && !('ok' in data) ? def.fields : undefined
  const shapes = fields && formShapes(fields)
  const out: Record<string, unknown> = {}
  for (const name in data) {
    const value = data[name]
    if (name === 'elid' && value === '') continue
    const shape = name === 'elid' || name === 'id' ? 'int' : shapes?.[name]
    // A read-only field with nothing in it (a new element's balance) has no value yet.
    if (value === '' && fields?.[name]?.readonly) out[name] = null
    else out[name] = shape ? shaped(value as Scalar, shape) : value
  }
  return out
}

function listData(doc: Document, def: ListDef): RpcListData {
  const names = doc.columns ?? def.columns.map((c) => c.name)
  const shapes: Record<string, Shape> = {}
  for (const c of def.columns) shapes[c.name] = c.type
  const rows: Record<string, unknown>[] = []
  const paging: Record<string, Scalar | undefined> = {}
  for (const n of doc.root.children ?? []) {
    if (n.name === 'elem') rows.push(rowOf(n, names, shapes))
    else if (!n.children && !n.markup) paging[n.name] = n.value
  }
  const data: RpcListData = {
    rows,
    total: Number(paging.p_elems ?? rows.length),
    p_num: Number(paging.p_num ?? 1),
    p_cnt: Number(paging.p_cnt ?? rows.length),
    p_order: String(paging.p_order ?? 'asc'),
  }
  if (paging.p_sort !== undefined) data.p_sort = String(paging.p_sort)
  return data
}

function rowOf(elem: DocNode, names: string[], shapes: Record<string, Shape>): Record<string, unknown> {
  const given: Record<string, Scalar | undefined> = {}
  for (const c of elem.children ?? []) given[c.name] = c.value
  const row: Record<string, unknown> = {}
  for (const name of names) row[name] = shaped(given[name] ?? null, shapes[name] ?? 'string')
  return row
}

/** The shapes of a form's fields; read-only text fields that hold a time are written as times. */
function formShapes(fields: Record<string, ParamSpec>): Record<string, Shape> {
  const shapes: Record<string, Shape> = {}
  for (const [name, spec] of Object.entries(fields)) {
    if (spec.type === 'int' || spec.type === 'flag' || spec.type === 'date' || spec.type === 'money') shapes[name] = spec.type
    else if (spec.type === 'enum' && spec.values?.length && spec.values.every((v) => /^\d+$/.test(v))) shapes[name] = 'int'
    else if (spec.type === 'string' && spec.readonly) shapes[name] = 'stamp'
  }
  return shapes
}

const wholeNumber = /^-?\d{1,15}$/
const dateTime = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/

/** One value in its shape; an empty value of anything but plain text is null. */
export function shaped(value: Scalar | undefined, shape: Shape): unknown {
  if (value === null || value === undefined) return null
  switch (shape) {
    case 'int':
      if (value === '') return null
      return typeof value === 'string' && wholeNumber.test(value) ? Number(value) : value
    case 'flag':
      if (typeof value === 'boolean') return value
      if (typeof value === 'number') return value !== 0
      return value === 'on' || value === 'yes' || value === 'true'
    case 'datetime':
    case 'stamp':
      if (value === '') return null
      return typeof value === 'string' && dateTime.test(value) ? `${value}+00` : value
    case 'date':
    case 'money':
      return value === '' ? null : value
    default:
      return value
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
