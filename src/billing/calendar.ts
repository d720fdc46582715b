import { formatDate } from '../format/time'

/** Calendar arithmetic on UTC milliseconds, for paid periods and date filters. */

/**
 * `ms` moved by whole calendar months in UTC, keeping the time of day. A day that the target
 * month lacks becomes its last day: 31 January + 1 month = 28 (or 29) February.
 */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms)
  const year = d.getUTCFullYear()
  const month = d.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  return Date.UTC(year, month, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds())
}

/** The last day an exclusive end covers, as `YYYY-MM-DD`: how a period's end is shown. */
export function lastDay(exclusiveEnd: number): string {
  return formatDate(exclusiveEnd - 1)
}
