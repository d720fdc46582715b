import type { DocNode, Document } from './document'
import { child, isPresent } from './document'
import { cellText, recordColumns, RecordTable } from './record-table'

const style = `body{font:13px sans-serif;margin:1.5em}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #999;padding:3px 6px;text-align:left}th{background:#eee}
h2{font-size:15px;margin:1.2em 0 .4em}table+table{margin-top:1em}
@media print{body{margin:0}}`


const isData = (n: DocNode) => isPresent(n) && !n.markup
const isLeaf = (n: DocNode) => !n.children?.length
const isBranch = (n: DocNode) => !isLeaf(n) || Boolean(n.lists?.length)

/** Labels of names, with the document's own for those it carries no label for (nested rows). */
function labeller(doc: Document): (name: string) => string {
  return (name) => doc.labels?.[name] ?? doc.label?.(name) ?? name
}

function LeafTable(props: { leaves: DocNode[]; label: (name: string) => string }) {
  return (
    <table>
      {props.leaves.map((leaf) => (
        <tr>
          <th>{props.label(leaf.name)}</th>
          <td>{cellText(leaf)}</td>
        </tr>
      ))}
    </table>
  )
}


/**
 * A document that is not a list (a form, a report), in its own order: runs of values as
 * label/value tables, each nested branch under its heading, as a table of its records or of
 * its values.
 */
function Sections(props: { doc: Document }) {
  const label = labeller(props.doc)
  const parts: unknown[] = []
  let run: DocNode[] = []
  const flush = () => {
    if (run.length) parts.push(<LeafTable leaves={run} label={label} />)
    run = []
  }
  for (const n of (props.doc.root.children ?? []).filter(isData)) {
    if (!isBranch(n)) {
      run.push(n)
      continue
    }
    flush()
    const items = (n.children ?? []).filter(isData)
    if (!items.length) continue
    parts.push(<h2>{label(n.name)}</h2>)
    parts.push(items.every(isBranch) ? <RecordTable records={items} label={label} columns={recordColumns(items, isData)} /> : <LeafTable leaves={items.filter(isLeaf)} label={label} />)
  }
  flush()
  return <>{parts}</>
}

/** A self-contained printable page: a list as a table with localised headers, or a form or report; no scripts. */
export function toPrint(doc: Document): string {
  const root = doc.root
  const labels = doc.labels ?? {}
  const error = child(root, 'error')
  const columns = doc.columns ?? []
  const rows = (root.children ?? []).filter((c) => c.name === 'elem')
  const page = (
    <html lang={root.attrs?.lang}>
      <head>
        <meta charset="utf-8" />
        <title>{doc.title ?? root.attrs?.func}</title>
        <style>{style}</style>
      </head>
      <body>
        <h1>{doc.title ?? root.attrs?.func}</h1>
        {error ? (
          <p role="alert">{cellText(child(error, 'msg'))}</p>
        ) : doc.columns ? (
          <table>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th>{labels[c] ?? c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr>
                  {columns.map((c) => (
                    <td>{cellText(child(row, c))}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <Sections doc={doc} />
        )}
      </body>
    </html>
  )
  return `<!DOCTYPE html>${page.toString()}`
}
