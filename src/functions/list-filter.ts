import { and, eq } from 'drizzle-orm'
import type { ParamSpecs, Values } from '../core/params'
import { defineFunction, type FormDef, type FunctionDef, type ListDef } from '../core/registry'
import { savedFilter } from '../db/list-filters'
import { listFilters } from '../db/schema/index'

/** A parsed value as it is written in a request. */
function rawOf(value: Values[string]): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off'
  return String(value)
}

/**
 * The `<list>.filter` form of a filterable list: without `sok` it shows the caller's saved
 * filter; with `sok` the submitted values become the filter (none at all: no filter). The list
 * then applies it whenever a call does not bring its own `filter=on`.
 */
export function filterFormOf(list: ListDef & { filters: ParamSpecs }): FormDef {
  const fields: ParamSpecs = Object.fromEntries(Object.entries(list.filters).map(([name, spec]) => [name, { ...spec, required: false }]))
  return defineFunction({
    name: `${list.name}.filter`,
    kind: 'form',
    level: list.level,
    hidden: true,
    singleton: true,
    fields,
    load: async (ctx) => (await savedFilter(ctx.db, ctx.user.id, list.name)) ?? {},
    async save(ctx, values) {
      const kept = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '').map(([name, v]) => [name, rawOf(v)]))
      const key = and(eq(listFilters.userId, ctx.user.id), eq(listFilters.func, list.name))
      if (Object.keys(kept).length === 0) {
        await ctx.db.delete(listFilters).where(key)
      } else {
        await ctx.db
          .insert(listFilters)
          .values({ userId: ctx.user.id, func: list.name, params: JSON.stringify(kept) })
          .onConflictDoUpdate({ target: [listFilters.userId, listFilters.func], set: { params: JSON.stringify(kept) } })
      }
      return ''
    },
  })
}

/** The `.filter` forms of every filterable list among the functions. */
export function filterForms(defs: FunctionDef[]): FormDef[] {
  return defs
    .filter((d): d is ListDef & { filters: ParamSpecs } => d.kind === 'list' && d.filters !== undefined && Object.keys(d.filters).length > 0)
    .map(filterFormOf)
}
