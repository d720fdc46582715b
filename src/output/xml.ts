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

/*
 * Written by hand rather than through an XML builder: the reply tree is already ordered and
 * escaped output is all that is needed, and this is the hottest path of every xml reply.
 */
function write(n: DocNode, parts: string[]): void {
  if (n.value === false || n.value === null) return
  let open = `<${n.name}`
  if (n.attrs) for (const key in n.attrs) open += ` ${key}="${escape(n.attrs[key])}"`
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
