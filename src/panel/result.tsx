import type { DocNode, Document } from '../output/document'
import { isPresent } from '../output/document'
import { cellText, recordColumns, RecordTable } from '../output/record-table'
import { dataLeaves } from './doc'
import { labelOf, valueLabel } from '../core/labels'
import { Layout, type Chrome } from './layout'

export interface ResultProps {
  chrome: Chrome
  func: string
  title: string
  doc: Document
  /** The same call as a printable page (reports). */
  print?: string
  /** The list the action was started from. */
  back?: { href: string; title: string }
}

/**
 * What an action answered: its values as a definition list (a status as its label), its
 * repeated records (an invoice's lines) as tables, or just that it was done.
 */
export function ResultPage(props: ResultProps) {
  const { chrome, func, doc } = props
  const { t } = chrome
  const label = (name: string) => labelOf(t, func, name)
  const leaves = dataLeaves(doc).filter((n) => n.name !== 'ok')
  const records = recordLists(doc)
  return (
    <Layout chrome={chrome} title={props.title}>
      <h1>{props.title}</h1>
      {leaves.length || records.length ? (
        <>
          {leaves.length ? (
            <dl class="result card">
              {leaves.map((n) => (
                <>
                  <dt>{label(n.name)}</dt>
                  <dd>{valueLabel(t, func, n.name, cellText(n))}</dd>
                </>
              ))}
            </dl>
          ) : null}
          {records.map((list) => (
            <RecordTable class="list records" label={label} title={label(list.name)} records={list.children ?? []} columns={recordColumns(list.children ?? [], (field) => !field.markup)} />
          ))}
        </>
      ) : (
        <p class="notice" role="status">
          {t('panel:result.done')}
        </p>
      )}
      <div class="actions">
        {props.print ? (
          <a class="button" href={props.print}>
            {t('panel:result.print')}
          </a>
        ) : null}
        {props.back ? (
          <a class="button" href={props.back.href}>
            {props.back.title}
          </a>
        ) : null}
      </div>
    </Layout>
  )
}

/** Top-level branches that hold records (`<lines><line>…`), with at least one record. */
function recordLists(doc: Document): DocNode[] {
  return (doc.root.children ?? []).filter(
    (n) => !n.markup && isPresent(n) && Boolean(n.children?.length) && n.children!.every((r) => r.children !== undefined),
  )
}

