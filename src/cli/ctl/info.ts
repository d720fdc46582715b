import { labelOf, valueLabel } from '../../core/labels'
import type { Translate } from '../../i18n/index'
import type { Document, Scalar } from '../../output/document'

/**
 * `-i` in text, for people: the replies of `help` and `help.params` as aligned tables with
 * localised headings, kinds and value labels. Other formats print those replies as they are.
 */

type Row = Record<string, Scalar | undefined>

/** The rows of a list reply, column name → value. */
export function rowsOf(doc: Document): Row[] {
  return (doc.root.children ?? [])
    .filter((n) => n.name === 'elem')
    .map((elem) => Object.fromEntries((elem.children ?? []).map((c) => [c.name, c.value])))
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  return [header, ...rows].map((cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n'
}

const text = (value: Scalar | undefined) => (value === undefined || value === null || value === false ? '' : String(value))

/** Every function the caller may use: name, kind, title. */
export function functionsTable(help: Document, t: Translate): string {
  const labels = help.labels ?? {}
  const rows = rowsOf(help).map((r) => [text(r.name), valueLabel(t, 'help', 'kind', text(r.kind)), text(r.title)])
  return table([labels.name ?? 'name', labels.kind ?? 'kind', labels.title ?? 'title'], rows)
}

/** One function's title and kind, then its parameters: label, type, required, default, allowed values. */
export function paramsTable(func: string, about: Row | undefined, params: Document, t: Translate): string {
  const labels = params.labels ?? {}
  const yes = t('panel:list.yes')
  const rows = rowsOf(params).map((r) => {
    const name = text(r.name)
    const values = text(r.values)
      .split(', ')
      .filter(Boolean)
      .map((v) => {
        const label = valueLabel(t, func, name, v)
        return label === v ? v : `${v} (${label})`
      })
    return [name, labelOf(t, func, name), text(r.type), r.required === true ? yes : '', text(r.default), values.join(', ')]
  })
  const heading = about ? `${func}: ${text(about.title)} (${valueLabel(t, 'help', 'kind', text(about.kind))})\n\n` : ''
  const columns = ['name', 'title', 'type', 'required', 'default', 'values'].map((c) => labels[c] ?? labelOf(t, 'help.params', c))
  return heading + (rows.length ? table(columns, rows) : '')
}
