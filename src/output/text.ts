import type { DocNode, Document, Scalar } from './document'
import { child, isPresent } from './document'

function spell(value: Scalar | undefined): string {
  if (value === true || value === undefined) return 'on'
  return String(value ?? '').replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n')
}

function dataLeaves(n: DocNode): DocNode[] {
  return (n.children ?? []).filter((c) => isPresent(c) && !c.markup && !c.children?.length)
}

/**
 * Plain text: a list prints one line per row (`key=value` pairs, key column first), a form one
 * `name=value` per line, a success `OK`, an error `ERROR type(object): message`.
 */
export function toText(doc: Document): string {
  const root = doc.root
  const error = child(root, 'error')
  if (error) {
    const msg = child(error, 'msg')?.value
    return `ERROR ${error.attrs?.type}(${error.attrs?.object}): ${spell(msg)}\n`
  }
  const lines: string[] = []
  if (doc.columns) {
    for (const row of root.children ?? []) {
      if (row.name !== 'elem') continue
      const pairs = (row.children ?? []).filter(isPresent).map((c) => `${c.name}=${spell(c.value)}`)
      lines.push(pairs.join(' '))
    }
  } else {
    if (child(root, 'ok')) lines.push('OK')
    for (const leaf of dataLeaves(root)) {
      if (leaf.name !== 'ok') lines.push(`${leaf.name}=${spell(leaf.value)}`)
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : ''
}
