import type { DocNode, Document } from './document'

// Characters XML 1.0 cannot carry at all, even escaped.
const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/
const forbiddenAll = new RegExp(forbidden.source, 'g')
const special = /[&<>"]/
const specialAll = /[&<>"]/g
const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }

/** Text and attribute values: markup escaped, characters XML cannot hold replaced. */
function escape(text: string): string {
  const out = forbidden.test(text) ? text.replace(forbiddenAll, '\uFFFD') : text
  return special.test(out) ? out.replace(specialAll, (c) => entities[c]) : out
}

// XML 1.0 names (Basic Multilingual Plane), without the colon, which namespace-aware parsers
// read as a prefix. Request parameter names are echoed as elements and may be anything.
const nameStart = 'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD'
const xmlName = new RegExp(`^[${nameStart}][${nameStart}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040]*$`)

/*
 * Written by hand rather than through an XML builder: the reply tree is already ordered and
 * escaped output is all that is needed, and this is the hottest path of every xml reply.
 */
function write(n: DocNode, parts: string[]): void {
  // A node whose name XML cannot carry is left out, with everything under it.
  if (n.value === false || n.value === null || !xmlName.test(n.name)) return
  let open = `<${n.name}`
  if (n.attrs) for (const key in n.attrs) if (xmlName.test(key)) open += ` ${key}="${escape(n.attrs[key])}"`
  const text = typeof n.value === 'string' || typeof n.value === 'number' ? escape(String(n.value)) : ''
  if (!text && !n.children?.length) {
    parts.push(`${open}/>`)
    return
  }
  parts.push(`${open}>${text}`)
  if (n.children) for (const c of n.children) write(c, parts)
  parts.push(`</${n.name}>`)
}

export function toXml(doc: Document): string {
  const parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n']
  write(doc.root, parts)
  parts.push('\n')
  return parts.join('')
}
