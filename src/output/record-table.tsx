import type { DocNode } from './document'
import { child, isPresent } from './document'

/** A cell as text: flags as ✓, absent values empty. */
export function cellText(n: DocNode | undefined): string {
  if (!n || !isPresent(n)) return ''
  if (n.value === true || n.value === undefined) return '✓'
  return String(n.value)
}

/** The fields of repeated records that `keep` accepts, in order of first appearance. */
export function recordColumns(records: DocNode[], keep: (field: DocNode) => boolean): string[] {
  const columns: string[] = []
  for (const record of records) {
    for (const field of record.children ?? []) if (keep(field) && !columns.includes(field.name)) columns.push(field.name)
  }
  return columns
}

/** Repeated records (an invoice's lines) as one table, a column per field. */
export function RecordTable(props: { records: DocNode[]; columns: string[]; label: (name: string) => string; title?: string; class?: string }) {
  return (
    <table class={props.class}>
      {props.title === undefined ? null : <caption>{props.title}</caption>}
      <thead>
        <tr>
          {props.columns.map((c) => (
            <th>{props.label(c)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.records.map((record) => (
          <tr>
            {props.columns.map((c) => (
              <td>{cellText(child(record, c))}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
