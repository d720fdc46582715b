import { choicesOf, columnNames } from '../core/documents'
import type { ParamSpecs } from '../core/params'
import type { ListDef } from '../core/registry'
import type { DocNode, Document } from '../output/document'
import { child } from '../output/document'
import { cellText } from '../output/record-table'
import { leafValue, rowsOf } from './doc'
import { href, type Params } from './http'
import { labelOf, titleOf, valueLabel } from '../core/labels'
import { Alert, Layout, type Chrome, type MenuItem } from './layout'

/** Request parameters a list page keeps in its links: paging, sorting, filter, parent. */
export const pagingParams = ['p_num', 'p_cnt', 'p_sort', 'p_order'] as const

export interface ListProps {
  chrome: Chrome
  def: ListDef
  /** The list's reply (successful). */
  doc: Document
  /** The parameters the list was called with. */
  params: Record<string, string>
  /** The `.edit` form the key column opens, if the user may use it. */
  editForm?: string
  /** Whether the user may create elements with that form ("New"). */
  canCreate: boolean
  /** The list this nested one was opened from, to go back to. */
  owner?: { href: string; title: string }
  /** A nested list the key column opens instead, when there is no form. */
  subList?: string
  /** Group operations offered for the checked rows. */
  groups: MenuItem[]
  /** Nested lists and actions offered on each row, for that row (`elid`; a list also `plid`; a file its `out`). */
  rowLinks: (MenuItem & { list: boolean; out?: string })[]
  /** The whole list (as filtered) as a file. */
  download?: { href: string; title: string }
  /** Actions offered above the list, on no row in particular. */
  tools: MenuItem[]
  /** An error to show above the table (a failed group operation). */
  error?: string
}

/** Parameters that reopen a list as it is (parent, filter, page size), without page and sort. */
export function listBase(def: ListDef, params: Record<string, string>): Params {
  const base: Params = { func: def.name, elid: params.elid, plid: params.plid, p_cnt: params.p_cnt }
  if (params.filter === 'on' && def.filters) {
    base.filter = 'on'
    for (const name of Object.keys(def.filters)) base[name] = params[name]
  }
  return base
}

/** A list as a table: sortable headers, links to the form, checkboxes for group buttons, pages. */
export function ListPage(props: ListProps) {
  const { chrome, def, doc, params, groups } = props
  const { t, binary } = chrome
  const title = titleOf(t, def.name)
  const columns = doc.columns ?? columnNames(def)
  const key = def.key ?? 'id'
  const rows = rowsOf(doc)
  const cnt = Number(leafValue(doc, 'p_cnt') ?? 20) || 20
  const num = Number(leafValue(doc, 'p_num') ?? 1) || 1
  const total = Number(leafValue(doc, 'p_elems') ?? rows.length) || 0
  const pages = Math.max(1, Math.ceil(total / cnt))
  const sortValue = leafValue(doc, 'p_sort')
  const sort = sortValue === undefined || sortValue === null ? undefined : String(sortValue)
  const order = leafValue(doc, 'p_order') === 'desc' ? 'desc' : 'asc'
  const base = listBase(def, params)
  const sorted: Params = { ...base, p_sort: params.p_sort, p_order: params.p_order }
  const opener = props.editForm ?? props.subList
  // A nested list is opened with its parent as `elid`; its forms and groups name the parent `plid`.
  const parent = params.elid || params.plid || undefined
  const rowLinks = props.rowLinks
  const dotted = def.name.includes('.')
  const label = (name: string) =>
    (dotted ? undefined : doc.labels?.[name]) ?? labelOf(t, def.name, name)
  const flags = new Set(def.columns.filter((c) => c.type === 'flag').map((c) => c.name))

  const cell = (row: DocNode, name: string) => {
    const n = child(row, name)
    const text = cellText(n)
    const spec = def.filters?.[name]
    if (spec?.type === 'enum' && spec.values?.includes(text))
      return valueLabel(t, def.name, name, text)
    return text
  }

  const header = (name: string) => {
    const column = def.columns.find((c) => c.name === name)
    if (column?.sort === false) return <th scope="col">{label(name)}</th>
    const current = sort === name
    const next = current && order === 'asc' ? 'desc' : 'asc'
    const ariaSort = current ? (order === 'asc' ? 'ascending' : 'descending') : undefined
    return (
      <th scope="col" aria-sort={ariaSort}>
        <a
          href={href(binary, { ...base, p_sort: name, p_order: next })}
          title={t(`panel:list.sort.${next}`)}
        >
          {label(name)}
          {current ? (order === 'asc' ? '\u00a0▲' : '\u00a0▼') : ''}
        </a>
      </th>
    )
  }

  const table = (
    <div class="scroll">
      <table class="list">
        <thead>
          <tr>
            {groups.length ? (
              <th class="check" scope="col">
                <span class="sr">{t('panel:list.select')}</span>
              </th>
            ) : null}
            {columns.map(header)}
            {rowLinks.length ? (
              <th scope="col">
                <span class="sr">{t('panel:list.rowActions')}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td class="empty" colspan={columns.length + (groups.length ? 1 : 0) + (rowLinks.length ? 1 : 0)}>
                {t('panel:list.empty')}
              </td>
            </tr>
          ) : (
            rows.map((row) => {
              const id = cellText(child(row, key))
              return (
                <tr>
                  {groups.length ? (
                    <td class="check">
                      <input
                        type="checkbox"
                        name="elid"
                        value={id}
                        aria-label={t('panel:list.selectRow', { key: id })}
                      />
                    </td>
                  ) : null}
                  {columns.map((name) =>
                    name === key && opener && id ? (
                      <td>
                        <a href={href(binary, { func: opener, elid: id, plid: parent })}>{id}</a>
                      </td>
                    ) : (
                      <td class={flags.has(name) ? 'flag' : undefined}>{cell(row, name)}</td>
                    ),
                  )}
                  {rowLinks.length ? (
                    <td class="links">
                      {rowLinks.map((l) => (
                        <a href={href(binary, { func: l.name, elid: id, plid: l.list ? id : undefined, out: l.out })}>{l.title}</a>
                      ))}
                    </td>
                  ) : null}
                </tr>
              )
            })
          )}
        </tbody>
      </table>
    </div>
  )

  return (
    <Layout chrome={chrome} title={title}>
      {props.owner ? (
        <p class="crumbs">
          <a href={props.owner.href}>‹ {props.owner.title}</a>
        </p>
      ) : null}
      <h1>
        {title}
        {props.owner && parent ? <small>{parent}</small> : null}
      </h1>
      <Alert message={props.error} />
      {def.filters && Object.keys(def.filters).length ? (
        <FilterForm chrome={chrome} def={def} filters={def.filters} params={params} />
      ) : null}
      <div class="actions">
        {props.editForm && props.canCreate ? (
          <a
            class="button primary"
            href={href(binary, { func: props.editForm, plid: parent })}
          >
            {t('panel:list.new')}
          </a>
        ) : null}
        {props.tools.map((tool) => (
          <a class="button" href={href(binary, { func: tool.name, plid: parent })}>
            {tool.title}
          </a>
        ))}
        {props.download ? (
          <a class="button" href={props.download.href} download>
            {props.download.title}
          </a>
        ) : null}
      </div>
      {groups.length ? (
        <form method="post" action={binary} class="group">
          <input type="hidden" name="csrf" value={chrome.csrf} />
          {parent ? <input type="hidden" name="plid" value={parent} /> : null}
          {pagingParams.map((p) =>
            params[p] ? <input type="hidden" name={p} value={params[p]} /> : null,
          )}
          {table}
          <div class="actions">
            <span class="label">{t('panel:list.withSelected')}</span>
            {groups.map((g) => (
              <button
                type="submit"
                name="func"
                value={g.name}
                class={g.name.endsWith('.delete') ? 'danger' : undefined}
              >
                {g.title}
              </button>
            ))}
          </div>
        </form>
      ) : (
        table
      )}
      <nav class="pager" aria-label={t('panel:list.pages')}>
        <PageLink
          label={t('panel:list.first')}
          target={num > 1 ? 1 : undefined}
          to={sorted}
          binary={binary}
        />
        <PageLink
          label={t('panel:list.prev')}
          target={num > 1 ? num - 1 : undefined}
          to={sorted}
          binary={binary}
        />
        <span class="status">{t('panel:list.page', { num, pages, total })}</span>
        <PageLink
          label={t('panel:list.next')}
          target={num < pages ? num + 1 : undefined}
          to={sorted}
          binary={binary}
        />
        <PageLink
          label={t('panel:list.last')}
          target={num < pages ? pages : undefined}
          to={sorted}
          binary={binary}
        />
      </nav>
    </Layout>
  )
}

function PageLink(props: { label: string; target?: number; to: Params; binary: string }) {
  if (props.target === undefined) return <span class="off">{props.label}</span>
  return (
    <a href={href(props.binary, { ...props.to, p_num: String(props.target) })}>{props.label}</a>
  )
}

/** `filter=on` plus a value per declared filter: a text box, or a select for closed sets. */
function FilterForm(props: {
  chrome: Chrome
  def: ListDef
  filters: ParamSpecs
  params: Record<string, string>
}) {
  const { chrome, def, filters, params } = props
  const { t, binary } = chrome
  const active = params.filter === 'on'
  const value = (name: string) => (active ? (params[name] ?? '') : '')
  return (
    <form
      method="get"
      action={binary}
      class="filter card"
      role="search"
      aria-label={t('panel:list.filter')}
    >
      <input type="hidden" name="func" value={def.name} />
      <input type="hidden" name="filter" value="on" />
      {params.elid ? <input type="hidden" name="elid" value={params.elid} /> : null}
      {params.plid ? <input type="hidden" name="plid" value={params.plid} /> : null}
      {params.p_cnt ? <input type="hidden" name="p_cnt" value={params.p_cnt} /> : null}
      {Object.entries(filters).map(([name, spec]) => {
        const choices =
          spec.type === 'flag'
            ? ([['on', t('panel:list.yes')], ['off', t('panel:list.no')]] as [string, string][])
            : choicesOf(def.name, name, spec, t)
        const id = `filter-${name}`
        return (
          <label for={id}>
            {labelOf(t, def.name, name)}
            {choices ? (
              <select id={id} name={name}>
                <option value="">{t('panel:list.any')}</option>
                {choices.map(([k, text]) => (
                  <option value={k} selected={value(name) === k}>
                    {text}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                name={name}
                type={spec.type === 'date' ? 'date' : 'search'}
                value={value(name)}
                maxlength={spec.max}
              />
            )}
          </label>
        )
      })}
      <button type="submit">{t('panel:list.apply')}</button>
      {active ? (
        <a href={href(binary, { func: def.name, elid: params.elid, plid: params.plid })}>
          {t('panel:list.reset')}
        </a>
      ) : null}
    </form>
  )
}
