import { invalid } from '../../core/errors'
import { parseValue } from '../../core/params'
import type { Registry } from '../../core/registry'
import type { Lang } from '../../i18n/index'
import type { RpcListData } from './data'

/** Names as a caller writes them → names as billgate's functions take them. */
export type Renames = Readonly<Record<string, string>>

/** What shaping a reply may need beyond the data. */
export interface ShapeContext {
  registry: Registry
  lang: Lang
  /** The call's parameters, in billgate's names. */
  params: Record<string, string>
}

/** How a method's `return` is shaped from the function's data. */
export type ReplyShape =
  /** A list page `{rows, total, limit, offset}`, row keys renamed back (billgate → caller's names). */
  | { rows: Renames }
  /** A form's fields under one name (`{client: {id, …}}`), or `{id}` once saved. */
  | { object: string }
  /** Built from the function's list data by code of its own. */
  | { build(data: RpcListData, ctx: ShapeContext): unknown }

/** A method name that is not a function's own: which function it runs, and how. */
export interface MethodAlias {
  func: string
  /** Parameter renames (a JeraSoft name → billgate's). */
  params?: Renames
  /** Parameters that have a value when the caller gives none. */
  defaults?: Readonly<Record<string, string>>
  /** A form only shown, never saved: an existing element's, or a new one's defaults. */
  view?: 'element' | 'new'
  reply?: ReplyShape
  /**
   * Takes the records of a list parameter (`fields[i][id]`, `fields[i][value]`), members renamed,
   * and gives them to the function as one JSON array under the list's name: it saves them all or none.
   */
  records?: { list: string; members: Renames }
}

// Field names shared by a module's methods (JeraSoft → billgate).
const clientFields = { c_email: 'email', credit: 'credit_limit', c_dt: 'created', notes: 'note' }
const clientForm = { id_companies: 'reseller', ...clientFields }
const client = { id_clients: 'elid', ...clientForm }
const companyFields = { c_email: 'email', c_dt: 'created', notes: 'note' }
const company = { id_companies: 'elid', ...companyFields }
const paymentFields = { id_clients: 'account', c_dt: 'created', notes: 'note' }
const payment = { id_payments: 'elid', ...paymentFields }
const invoiceFields = { id_clients: 'account', c_dt: 'created' }
const xdrFields = { id_clients: 'account', dt_from: 'started_from', dt_till: 'started_to' }

/**
 * JeraSoft's Management API methods, each onto a billgate function. Lists page by `limit` and
 * `offset`; forms answer `{<object>: {…}}`, saves `{id}`; `*.add` and `*.edit` save with `apply: 1`
 * (without it they show the form, like the function itself).
 */
export const jerasoftMethods: Readonly<Record<string, MethodAlias>> = {
  'clients.list': { func: 'account', params: clientForm, reply: { rows: clientFields } },
  'clients.editForm': { func: 'account.edit', params: client, view: 'element', reply: { object: 'client' } },
  'clients.addForm': { func: 'account.edit', params: clientForm, view: 'new', reply: { object: 'client' } },
  'clients.add': { func: 'account.edit', params: clientForm, reply: { object: 'client' } },
  'clients.edit': { func: 'account.edit', params: client, reply: { object: 'client' } },
  'clients.delete': { func: 'account.delete', params: { id_clients: 'elid' } },
  'clients.archive': { func: 'account.archive', params: { id_clients: 'elid' } },
  'clients.fieldsList': { func: 'account.customfields', params: { id_clients: 'elid' }, reply: { rows: { id: 'name' } } },
  'clients.fieldsUpdate': {
    func: 'account.customfields.update',
    params: { id_clients: 'plid' },
    records: { list: 'fields', members: { id: 'name' } },
  },
  'clients.packagesList': { func: 'item', params: { id_clients: 'plid' }, reply: { rows: { id_clients: 'account' } } },
  'clients.packagesAdd': { func: 'item.order', params: { id_clients: 'account', id_packages: 'pricelist' }, defaults: { period: '1' } },
  'companies.add': { func: 'reseller.edit', params: companyFields, reply: { object: 'company' } },
  'companies.list': { func: 'reseller', params: companyFields, reply: { rows: companyFields } },
  'companies.editForm': { func: 'reseller.edit', params: company, view: 'element', reply: { object: 'company' } },
  'companies.edit': { func: 'reseller.edit', params: company, reply: { object: 'company' } },
  'packages.list': { func: 'pricelist', reply: { rows: {} } },
  'packages.editForm': { func: 'pricelist.edit', params: { id_packages: 'elid' }, view: 'element', reply: { object: 'info' } },
  'payments.list': { func: 'payment', params: paymentFields, reply: { rows: paymentFields } },
  'payments.add': { func: 'payment.edit', params: paymentFields, reply: { object: 'payment' } },
  'payments.editForm': { func: 'payment.edit', params: payment, view: 'element', reply: { object: 'payment' } },
  'payments.edit': { func: 'payment.edit', params: payment, reply: { object: 'payment' } },
  'payments.delete': { func: 'payment.delete', params: { id_payments: 'elid' } },
  'invoices.list': { func: 'invoice', params: invoiceFields, reply: { rows: invoiceFields } },
  'invoices.editForm': { func: 'invoice.edit', params: { id_invoices: 'elid', ...invoiceFields }, view: 'element', reply: { object: 'invoice' } },
  'xdrs.list': { func: 'xdr', params: xdrFields, reply: { rows: xdrFields } },
}

/** Rows a JeraSoft list sends when the caller gives no `limit`. */
export const defaultLimit = 100
const maxLimit = 1000

/**
 * Turns an alias call's parameters into the function's: defaults, a form only shown, paging by
 * `limit`/`offset` (an offset must fall on a page boundary), and a list's filters always applied
 * (a filter saved in the panel never narrows what a script asks for).
 */
export function aliasRequest(alias: MethodAlias, params: Record<string, string>): void {
  for (const [name, value] of Object.entries(alias.defaults ?? {})) params[name] ??= value
  if (alias.view) {
    delete params.sok
    if (alias.view === 'new') delete params.elid
  }
  if (alias.reply && 'rows' in alias.reply) {
    const limit = params.limit === undefined ? defaultLimit : (parseValue('limit', { type: 'int', min: 1, max: maxLimit }, params.limit) as number)
    const offset = params.offset === undefined ? 0 : (parseValue('offset', { type: 'int', min: 0 }, params.offset) as number)
    if (offset % limit !== 0) throw invalid('offset', String(offset), 'offsetpage', { limit })
    delete params.limit
    delete params.offset
    params.p_cnt = String(limit)
    params.p_num = String(offset / limit + 1)
    params.filter = 'on'
  }
}

/** The reply an alias gives, from the function's data. */
export function aliasReply(alias: MethodAlias, data: unknown, ctx: ShapeContext): unknown {
  const shape = alias.reply
  if (!shape) return data
  if ('build' in shape) return shape.build(data as RpcListData, ctx)
  if ('rows' in shape) {
    const list = data as RpcListData
    const back = reverse(shape.rows)
    const requested = Number(ctx.params.p_num)
    // Past the last page the function shows the last one; a script paging on must see the end.
    const rows = list.p_num < requested ? [] : list.rows.map((row) => renamed(row, back))
    return { rows, total: list.total, limit: list.p_cnt, offset: (requested - 1) * list.p_cnt }
  }
  const fields = data as Record<string, unknown>
  if (fields.ok === true) {
    const id = fields.id ?? (ctx.params.elid === undefined ? undefined : Number(ctx.params.elid))
    return id === undefined ? {} : { id }
  }
  const back = { ...reverse(alias.params ?? {}), elid: 'id' }
  return { [shape.object]: renamed(fields, back) }
}

/** The caller's name of a billgate parameter that an error is about. */
export function aliasField(alias: MethodAlias, field: string): string {
  for (const [theirs, ours] of Object.entries(alias.params ?? {})) if (ours === field) return theirs
  if (alias.records && field.startsWith(`${alias.records.list}[`)) {
    // A record's member: `fields[2][name]` is the caller's `fields[2][id]`.
    const member = /\[([^\]]+)\]$/.exec(field)?.[1]
    const theirs = member && Object.entries(alias.records.members).find(([, ours]) => ours === member)?.[0]
    if (theirs) return `${field.slice(0, -member.length - 2)}[${theirs}]`
  }
  return field
}

/** The records of an alias's list parameter as the function takes them: one JSON array, members renamed. */
export function recordsParam(alias: MethodAlias, records: Record<string, string>[]): string {
  const members = alias.records!.members
  return JSON.stringify(records.map((record) => renamed(record, members)))
}

function reverse(renames: Renames): Record<string, string> {
  const back: Record<string, string> = {}
  for (const [theirs, ours] of Object.entries(renames)) back[ours] = theirs
  return back
}

function renamed(row: Record<string, unknown>, back: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const name in row) out[Object.hasOwn(back, name) ? back[name] : name] = row[name]
  return out
}
