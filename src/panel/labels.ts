import { labelOf, titleOf, valueLabel } from '../core/labels'
import type { Translate } from '../i18n/index'

/*
 * The core's label lookups, plus a fallback for dotted function names (`user.delete`): their
 * entries in functions.json are flat keys, which i18next's default `.` key separator cannot
 * reach. The fallback looks them up with `>` as the separator; once the core finds them itself,
 * it is never reached.
 */

const bySeparator = { keySeparator: '>' }

export function titleFor(t: Translate, func: string): string {
  const title = titleOf(t, func)
  if (title !== func || !func.includes('.')) return title
  return t(`functions:${func}>title`, { ...bySeparator, defaultValue: func })
}

export function labelFor(t: Translate, func: string, field: string): string {
  if (!func.includes('.')) return labelOf(t, func, field)
  const own = t(`functions:${func}>fields>${field}`, { ...bySeparator, defaultValue: '' })
  return own || labelOf(t, func, field)
}

export function valueFor(t: Translate, func: string, field: string, value: string): string {
  if (!func.includes('.')) return valueLabel(t, func, field, value)
  const own = t(`functions:${func}>values>${field}>${value}`, { ...bySeparator, defaultValue: '' })
  return own || valueLabel(t, func, field, value)
}
