/** Times are UTC everywhere: shown, filtered by and billed by (a paid month ends where it began). */

const pad = (n: number) => String(n).padStart(2, '0')

/** `YYYY-MM-DD HH:MM:SS`, UTC. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms)
  return `${formatDate(ms)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
}

/** `YYYY-MM-DD`, UTC. */
export function formatDate(ms: number): string {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}

/** The start of a day written `YYYY-MM-DD` (already validated), in ms. */
export function dayStart(date: string): number {
  const [y, m, d] = date.split('-').map(Number)
  return Date.UTC(y, m - 1, d)
}

/** The start of the day after `YYYY-MM-DD`: the exclusive end of a range that includes that day. */
export function dayAfter(date: string): number {
  const [y, m, d] = date.split('-').map(Number)
  return Date.UTC(y, m - 1, d + 1)
}
