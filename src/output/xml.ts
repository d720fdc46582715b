import { XMLBuilder } from 'fast-xml-parser'
import type { DocNode, Document } from './document'
import { isPresent } from './document'

type Ordered = Record<string, unknown>

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  suppressEmptyNode: true,
})

// Characters XML 1.0 cannot carry at all, even escaped.
const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g

function clean(text: string): string {
  return forbidden.test(text) ? text.replace(forbidden, '\uFFFD') : text
}

function toOrdered(n: DocNode): Ordered {
  const content: Ordered[] = []
  if (typeof n.value === 'string' || typeof n.value === 'number') {
    content.push({ '#text': clean(String(n.value)) })
  }
  if (n.children) {
    for (const c of n.children) if (isPresent(c)) content.push(toOrdered(c))
  }
  const out: Ordered = { [n.name]: content }
  if (n.attrs) {
    const attrs: Record<string, string> = {}
    for (const key in n.attrs) attrs[key] = clean(n.attrs[key])
    out[':@'] = attrs
  }
  return out
}

export function toXml(doc: Document): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build([toOrdered(doc.root)])}\n`
}
