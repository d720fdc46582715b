import type { DocNode, Document, Scalar } from '../output/document'
import { child, isPresent } from '../output/document'

/** The localised message of an error reply, if the document is one. */
export function errorText(doc: Document): string | undefined {
  const error = child(doc.root, 'error')
  if (!error) return undefined
  const msg = child(error, 'msg')?.value
  return msg === undefined || msg === null ? '' : String(msg)
}

/** The value of a top-level leaf (`p_num`, a form field…). */
export function leafValue(doc: Document, name: string): Scalar | undefined {
  return child(doc.root, name)?.value
}

/** The rows of a list. */
export function rowsOf(doc: Document): DocNode[] {
  return (doc.root.children ?? []).filter((n) => n.name === 'elem')
}

/** Top-level data leaves (results of actions), without markup such as the echoed request. */
export function dataLeaves(doc: Document): DocNode[] {
  return (doc.root.children ?? []).filter((n) => isPresent(n) && !n.markup && !n.children?.length)
}

/** The choices of every select the document offers: `<slist name><val key>Label</val></slist>`. */
export function choicesIn(doc: Document): Record<string, [string, string][]> {
  const out: Record<string, [string, string][]> = {}
  for (const n of doc.root.children ?? []) {
    if (n.name !== 'slist' || !n.attrs?.name) continue
    out[n.attrs.name] = (n.children ?? []).map((v) => [v.attrs?.key ?? '', String(v.value ?? '')])
  }
  return out
}

