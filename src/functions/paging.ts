import type { ListQuery } from '../core/registry'

/** Sorts and pages rows held in memory (lists not backed by a table), numbers in number order. */
export function pageInMemory<T extends Record<string, unknown>>(rows: T[], q: ListQuery) {
  if (q.sort) {
    const key = q.sort
    const sign = q.order === 'desc' ? -1 : 1
    rows.sort((a, b) => sign * String(a[key]).localeCompare(String(b[key]), 'en', { numeric: true }))
  }
  return { rows: rows.slice(q.offset, q.offset + q.limit), total: rows.length }
}
