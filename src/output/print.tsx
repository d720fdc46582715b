import type { DocNode, Document } from './document'
import { child, isPresent } from './document'

const style = `body{font:13px sans-serif;margin:1.5em}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #999;padding:3px 6px;text-align:left}th{background:#eee}
@media print{body{margin:0}}`

function cell(n: DocNode | undefined): string {
  if (!n || !isPresent(n)) return ''
  return n.value === true || n.value === undefined ? '✓' : String(n.value)
}

/** A self-contained printable page: the list as a table with localised headers; no scripts. */
export function toPrint(doc: Document): string {
  const root = doc.root
  const labels = doc.labels ?? {}
  const error = child(root, 'error')
  const columns = doc.columns ?? []
  const rows = (root.children ?? []).filter((c) => c.name === 'elem')
  const leaves = (root.children ?? []).filter((c) => isPresent(c) && !c.markup && !c.children?.length)
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
          <p role="alert">{cell(child(error, 'msg'))}</p>
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
                    <td>{cell(child(row, c))}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <table>
            {leaves.map((leaf) => (
              <tr>
                <th>{labels[leaf.name] ?? leaf.name}</th>
                <td>{cell(leaf)}</td>
              </tr>
            ))}
          </table>
        )}
      </body>
    </html>
  )
  return `<!DOCTYPE html>${page.toString()}`
}
