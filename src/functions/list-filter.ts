import { and, eq, sql } from 'drizzle-orm'
import { parseParams, type ParamSpecs, type Values } from '../core/params'
import type { Db } from '../db/connection'
import { listFilters } from '../db/schema/index'
import { defineFunction, type FormDef, type FunctionDef, type ListDef } from './registry'
import { preparedFor } from '../db/prepared'

function prepareLookup(db: Db) {
  return db
    .select({ params: listFilters.params })
    .from(listFilters)
    .where(and(eq(listFilters.userId, sql.placeholder('user')), eq(listFilters.func, sql.placeholder('func'))))
    .prepare()
}

const lookupOf = preparedFor(prepareLookup)

/** The raw parameters of a user's saved filter of a list, if it saved one. */
export function savedFilter(db: Db, userId: number, func: string): Record<string, string> | undefined {
  const lookup = lookupOf(db)
  const row = lookup.get({ user: userId, func })
  return row ? (JSON.parse(row.params) as Record<string, string>) : undefined
}

/**
 * A saved filter checked against the list's filters as they are now; one that no longer fits
 * (a filter renamed or narrowed since) is dropped rather than failing the list.
 */
export function usableFilter(specs: ParamSpecs, saved: Record<string, string> | undefined): Values {
  if (!saved) return {}
  try {
    return parseParams(specs, saved, { requireAll: false, withDefaults: false })
  } catch {
    return {}
  }
}

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
    load: (ctx) => savedFilter(ctx.db, ctx.user.id, list.name) ?? {},
    save(ctx, values) {
      const kept = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '').map(([name, v]) => [name, rawOf(v)]))
      const key = and(eq(listFilters.userId, ctx.user.id), eq(listFilters.func, list.name))
      if (Object.keys(kept).length === 0) {
        ctx.db.delete(listFilters).where(key).run()
      } else {
        ctx.db
          .insert(listFilters)
          .values({ userId: ctx.user.id, func: list.name, params: JSON.stringify(kept) })
          .onConflictDoUpdate({ target: [listFilters.userId, listFilters.func], set: { params: JSON.stringify(kept) } })
          .run()
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
