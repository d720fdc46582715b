import type { DocNode, Document } from './document'
import { isPresent } from './document'

type JsonObject = Record<string, unknown>

/** The document as BILLmanager's JSON: text under "$", attributes under "$name". */
function toJsonNode(n: DocNode): JsonObject {
  const out: JsonObject = {}
  if (n.attrs) for (const key in n.attrs) out[`$${key}`] = n.attrs[key]
  if (typeof n.value === 'string' || typeof n.value === 'number') out.$ = String(n.value)
  if (n.keyedBy) {
    for (const c of n.children ?? []) {
      const group = (out[c.name] ??= {}) as JsonObject
      group[c.attrs?.[n.keyedBy] ?? ''] = c.value == null ? '' : String(c.value)
    }
    return out
  }
  appendChildren(n, out, toJsonNode, isPresent)
  return out
}

/** The document's data alone: no root, no "$" wrappers, numbers and booleans typed. */
export function toDataNode(n: DocNode): unknown {
  if (n.data !== undefined) return n.data
  if (n.children?.length || n.lists?.length) {
    const out: JsonObject = {}
    // Data keeps false flags as false; only null means absent.
    appendChildren(n, out, toDataNode, (c) => !c.markup && c.value !== null)
    return out
  }
  if (n.value === undefined || n.value === true) return true
  return n.value
}

function appendChildren(
  n: DocNode,
  out: JsonObject,
  convert: (c: DocNode) => unknown,
  include: (c: DocNode) => boolean,
): void {
  const children = n.children
  if (n.lists) for (const name of n.lists) out[name] = []
  if (!children) return
  // A name seen twice becomes an array, like a declared list.
  let repeated: Set<string> | undefined
  if (children.length > 1) {
    const seen = new Set<string>()
    for (const c of children) {
      if (!include(c)) continue
      if (seen.has(c.name)) (repeated ??= new Set()).add(c.name)
      else seen.add(c.name)
    }
  }
  for (const c of children) {
    if (!include(c)) continue
    const value = convert(c)
    const existing = out[c.name]
    if (Array.isArray(existing)) existing.push(value)
    else if (repeated?.has(c.name)) out[c.name] = [value]
    else out[c.name] = value
  }
}

export function toJson(doc: Document): string {
  return JSON.stringify({ [doc.root.name]: toJsonNode(doc.root) })
}

export function toData(doc: Document): string {
  return JSON.stringify(toDataNode(doc.root))
}
