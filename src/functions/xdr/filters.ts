import { gte, lt, sql } from 'drizzle-orm'
import { parseUtcTime } from '../../billing/xdr-batch'
import { invalid } from '../../core/errors'
import type { ParamSpecs } from '../../core/params'
import { equals, matching } from '../../db/filter-where'
import { xdrs } from '../../db/schema/index'

/** A time filter: `YYYY-MM-DD` (midnight UTC), `YYYY-MM-DD HH:MM:SS` (UTC) or ISO 8601. */
function timeFilter(field: string, value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined
  const ms = parseUtcTime(String(value), true)
  if (ms === undefined) throw invalid(field, String(value), 'xdrtime')
  return ms
}

/** What the usage record list (and its CSV file) can be filtered on. */
export const xdrFilters = {
  item: { type: 'int', min: 1 },
  account: { type: 'int', min: 1 },
  started_from: { type: 'string', max: 40 },
  started_to: { type: 'string', max: 40 },
  rated: { type: 'flag' },
} satisfies ParamSpecs

/** How each filter narrows the usage records. */
export const xdrFilterRules = {
  item: equals(xdrs.itemId),
  account: equals(xdrs.accountId),
  started_from: matching((p) => gte(xdrs.startedAt, p), (v) => timeFilter('started_from', v)),
  started_to: matching((p) => lt(xdrs.startedAt, p), (v) => timeFilter('started_to', v)),
  // Written as an expression, so SQLite keeps to the time, client or service index.
  rated: matching((p) => sql`(${xdrs.expenseId} is not null) = ${p}`, (v) => (v === true ? 1 : 0)),
}
