import { and, eq, gte, lt, sql, type AnyColumn, type Placeholder, type SQL } from 'drizzle-orm'
import { dayAfter, dayStart } from '../format/time'
import type { Db } from './connection'
import { containsPattern, likePlaceholder } from './query'

/** A parsed filter value (the core's parameter value). */
type Value = string | number | boolean
type Values = Record<string, Value>

/**
 * How one list filter narrows the rows: its condition (with the placeholder named after the
 * filter) and the value that placeholder takes from what the caller sent.
 */
export interface FilterRule {
  condition(placeholder: Placeholder): SQL
  value(given: Value, db: Db): unknown
}

/** The column equals the value (converted first, e.g. a currency code to its id). */
export function equals(column: AnyColumn, convert: (given: Value, db: Db) => unknown = (v) => v): FilterRule {
  return { condition: (p) => eq(column, p), value: convert }
}

/** The column contains the text, literally (`%` and `_` are themselves). */
export function contains(column: AnyColumn): FilterRule {
  return { condition: (p) => likePlaceholder(column, p), value: (v) => containsPattern(String(v)) }
}

/** The column (ms) is on or after the start of the day `YYYY-MM-DD`. */
export function fromDay(column: AnyColumn): FilterRule {
  return { condition: (p) => gte(column, p), value: (v) => dayStart(String(v)) }
}

/** The column (ms) is before the end of the day `YYYY-MM-DD`: that day is included. */
export function toDay(column: AnyColumn): FilterRule {
  return { condition: (p) => lt(column, p), value: (v) => dayAfter(String(v)) }
}

/** Any other condition with one placeholder (a value in another table). */
export function matching(condition: (placeholder: Placeholder) => SQL, convert: (given: Value, db: Db) => unknown = (v) => v): FilterRule {
  return { condition, value: convert }
}

/**
 * A list's condition from the filters the caller used and the caller's scope: `shape` names the
 * variant (which filters, which scope) so that each is prepared once, `condition` builds it with
 * placeholders, and `values` fills them (the scope's under `scope`).
 */
export function filterWhere(
  rules: Record<string, FilterRule>,
  filter: Values,
  scope: { shape: string; condition: SQL | undefined; value: unknown },
  db: Db,
): { shape: string; condition: () => SQL | undefined; values: Record<string, unknown> } {
  const used = Object.keys(rules).filter((name) => filter[name] !== undefined && filter[name] !== '')
  const values: Record<string, unknown> = { scope: scope.value }
  for (const name of used) values[name] = rules[name].value(filter[name], db)
  return {
    shape: `${scope.shape}:${used.join(',')}`,
    condition: () => {
      const parts = [...(scope.condition ? [scope.condition] : []), ...used.map((name) => rules[name].condition(sql.placeholder(name)))]
      return parts.length ? and(...parts) : undefined
    },
    values,
  }
}
