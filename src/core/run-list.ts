import { savedFilter } from '../db/list-filters'
import type { DocNode } from '../output/document'
import { listContent } from './documents'
import { parseParams, parseValue, type ParamSpecs, type Values } from './params'
import type { FunctionContext, ListDef } from './registry'

const maxPageSize = 1000
const defaultPageSize = 20

/** One page of a list, in the order and with the filter the call asks for (or the saved one). */
export async function runList(def: ListDef, ctx: FunctionContext): Promise<DocNode[]> {
  const p = ctx.call.params
  const cnt = p.p_cnt ? Math.min(maxPageSize, parseValue('p_cnt', { type: 'int', min: 1 }, p.p_cnt) as number) : defaultPageSize
  const requested = p.p_num ? (parseValue('p_num', { type: 'int', min: 1 }, p.p_num) as number) : 1
  const order = p.p_order ? (parseValue('p_order', { type: 'enum', values: ['asc', 'desc'] }, p.p_order) as 'asc' | 'desc') : (def.defaultOrder ?? 'asc')
  const sortable = def.columns.filter((c) => c.sort !== false).map((c) => c.name)
  const sort = p.p_sort && sortable.includes(p.p_sort) ? p.p_sort : def.defaultSort
  const filter = await listFilter(def, ctx)
  let num = requested
  let result = await def.fetch(ctx, { offset: (num - 1) * cnt, limit: cnt, sort, order, filter })
  const last = Math.max(1, Math.ceil(result.total / cnt))
  if (num > last) {
    num = last
    result = await def.fetch(ctx, { offset: (num - 1) * cnt, limit: cnt, sort, order, filter })
  }
  return listContent(def, result.rows, { num, cnt, elems: result.total, sort, order })
}

/**
 * The filter a list applies: the one sent with `filter=on`, else the caller's saved one; a list
 * opened from a client (BILLmanager's `plid`) shows that client's rows.
 */
export async function listFilter(def: ListDef, ctx: FunctionContext): Promise<Values> {
  const p = ctx.call.params
  const filter = !def.filters
    ? {}
    : p.filter === 'on'
      ? parseParams(def.filters, p, { requireAll: false, withDefaults: false })
      : usableFilter(def.filters, await savedFilter(ctx.db, ctx.user.id, def.name))
  if (p.plid && def.filters?.account && filter.account === undefined) filter.account = parseValue('plid', def.filters.account, p.plid)
  return filter
}

/**
 * A saved filter checked against the list's filters as they are now; one that no longer fits
 * (a filter renamed or narrowed since) is dropped rather than failing the list.
 */
function usableFilter(specs: ParamSpecs, saved: Record<string, string> | undefined): Values {
  if (!saved) return {}
  try {
    return parseParams(specs, saved, { requireAll: false, withDefaults: false })
  } catch {
    return {}
  }
}
