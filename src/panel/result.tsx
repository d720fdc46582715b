import type { Document } from '../output/document'
import { cellText, dataLeaves } from './doc'
import { labelOf } from '../core/labels'
import { Layout, type Chrome } from './layout'

/** What an action answered: its values as a definition list, or just that it was done. */
export function ResultPage(props: { chrome: Chrome; func: string; title: string; doc: Document }) {
  const { chrome, func, doc } = props
  const { t } = chrome
  const leaves = dataLeaves(doc).filter((n) => n.name !== 'ok')
  return (
    <Layout chrome={chrome} title={props.title}>
      <h1>{props.title}</h1>
      {leaves.length ? (
        <dl class="result card">
          {leaves.map((n) => (
            <>
              <dt>{labelOf(t, func, n.name)}</dt>
              <dd>{cellText(n)}</dd>
            </>
          ))}
        </dl>
      ) : (
        <p class="notice" role="status">
          {t('panel:result.done')}
        </p>
      )}
    </Layout>
  )
}
