import type { Translate } from '../i18n/index'

// Function names contain dots, so these lookups separate key levels with '|' instead.
const flat = { keySeparator: '|' }

const filterSuffix = '.filter'

/** The localised title of a function; a list's `.filter` form is named after its list. */
export function titleOf(t: Translate, func: string): string {
  const own = t(`functions:${func}|title`, { ...flat, defaultValue: '' })
  if (own || !func.endsWith(filterSuffix)) return own || func
  return t('common:filterOf', { title: titleOf(t, func.slice(0, -filterSuffix.length)) })
}

/**
 * The localised label of a column, field or parameter: the function's own (a `.filter` form's
 * are its list's), then the shared one.
 */
export function labelOf(t: Translate, func: string, field: string): string {
  return t(keysOf(func, `fields|${field}`, `fields:${field}`), { ...flat, defaultValue: field })
}

/** The localised label of one allowed value of a field, found the way its field's label is. */
export function valueLabel(t: Translate, func: string, field: string, value: string): string {
  return t(keysOf(func, `values|${field}|${value}`, `values:${field}|${value}`), { ...flat, defaultValue: value })
}

/** Keys to look up in order: the function's own, its list's for a `.filter` form, the shared one. */
function keysOf(func: string, own: string, shared: string): string[] {
  const keys = [`functions:${func}|${own}`]
  if (func.endsWith(filterSuffix)) keys.push(`functions:${func.slice(0, -filterSuffix.length)}|${own}`)
  keys.push(shared)
  return keys
}

/** Whether a function has a title of its own in the translator's language. */
export function hasTitle(t: Translate, func: string): boolean {
  if (func.endsWith(filterSuffix) && hasTitle(t, func.slice(0, -filterSuffix.length))) return true
  return t(`functions:${func}|title`, { ...flat, defaultValue: '' }) !== ''
}
