/** Calendar arithmetic for the demo data, in UTC like every date on the wire. */

export const minute = 60_000
export const hour = 60 * minute
export const day = 24 * hour
export const year = 365 * day

/** ms plus whole calendar months; the day is kept, or the month's last day when it has fewer. */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms)
  const target = d.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), target + 1, 0)).getUTCDate()
  return Date.UTC(d.getUTCFullYear(), target, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds())
}

/** Months since year 0: one number per calendar month. */
export function monthOf(ms: number): number {
  const d = new Date(ms)
  return d.getUTCFullYear() * 12 + d.getUTCMonth()
}

/** The first millisecond of a month numbered by monthOf. */
export function monthStart(month: number): number {
  return Date.UTC(Math.floor(month / 12), month % 12, 1)
}

/** `YYYY-MM-DD` */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** `YYYY-MM` of a month numbered by monthOf. */
export function isoMonth(month: number): string {
  return isoDate(monthStart(month)).slice(0, 7)
}
