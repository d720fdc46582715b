import { scopeOf } from '../../core/access'
import { invalid } from '../../core/errors'
import { Level } from '../../core/principal'
import { formatAmount, formatIso } from '../../format/money'
import { requireAccount, scopeCondition } from '../../billing/scope'
import { parseBatch, parseUtcTime } from '../../billing/xdr-batch'
import { formatDate, formatDateTime } from '../../format/time'
import { formatUnitPrice, rateUsage, stageUsage, storeUsage, usageRowsByIds, type StagedUsage } from '../../billing/xdrs'
import { filterWhere } from '../../db/filter-where'
import { pageOf, sortedList } from '../../db/query'
import { xdrs } from '../../db/schema/index'
import { node } from '../../output/document'
import { defineFunction } from '../../core/registry'
import { xdrCsv } from './download'
import { xdrFilterRules, xdrFilters } from './filters'

export { xdrDownload } from './download'

const day = 86_400_000

/**
 * Usage records, deep pages as cheap as the first: the page's ids are chosen from an index
 * alone (start time and id, or the client's or service's index), then only those rows are read.
 * `started_from` is inclusive, `started_to` exclusive; both in UTC.
 */
export const xdrList = defineFunction({
  name: 'xdr',
  kind: 'list',
  level: Level.user,
  cacheable: true,
  columns: [
    { name: 'id', type: 'int' },
    { name: 'item', type: 'int', sort: false },
    { name: 'account', type: 'int', sort: false },
    { name: 'account_name', type: 'string', sort: false },
    { name: 'started', type: 'datetime' },
    { name: 'quantity', type: 'int', sort: false },
    { name: 'unit_price', type: 'string', sort: false },
    { name: 'cost', type: 'money', sort: false },
    { name: 'currency', type: 'string', sort: false },
    { name: 'expense', type: 'int', sort: false },
  ],
  defaultSort: 'started',
  filters: xdrFilters,
  file: xdrCsv,
  toolbar: ['xdr.import', 'xdr.rate'],
  async fetch(ctx, q) {
    const where = await filterWhere(xdrFilterRules, q.filter, scopeCondition(scopeOf(ctx.user), xdrs.accountId), ctx.db)
    const statements = sortedList(ctx.db, xdrs, { id: xdrs.id, started: xdrs.startedAt }, xdrs.id, q, where)
    const { rows: page, total } = await pageOf(statements, { limit: q.limit, offset: q.offset, ...where.values })
    const usage = await usageRowsByIds(
      ctx.db,
      ctx.store.dialect,
      page.map((r) => Number(r.id)),
    )
    const rows = usage.map((r) => ({
      id: r.id,
      item: r.item,
      account: r.account,
      account_name: r.accountName,
      started: formatDateTime(r.startedAt),
      quantity: r.quantity,
      unit_price: formatUnitPrice(r.unitPrice, r.places),
      cost: formatAmount(r.cost, r.places),
      currency: r.currency,
      expense: r.expense ?? '',
    }))
    return { rows, total }
  },
})

/**
 * Imports a batch of usage records, all or none, in `data` (a form or query parameter, a
 * `text/csv` body, or a JSON body): JSON `[{"item":7,"start":"2026-11-01 10:00:00",
 * "quantity":3600,"unit_price":"0.0025"},…]` (or `{"records":[…]}`), or CSV with a header line
 * naming the columns `item,start,quantity,unit_price[,cost]` in any order. Start times are UTC
 * (`YYYY-MM-DD HH:MM:SS`, or ISO 8601 with `Z` or an offset); unit prices have up to 6 decimals
 * of the service's currency; a given cost is taken as it is (in the currency's places), else
 * the cost is quantity × unit price rounded half-up. The batch is not echoed back: it can be large.
 */
export const xdrImport = defineFunction({
  name: 'xdr.import',
  kind: 'action',
  level: Level.admin,
  writes: true,
  params: {
    data: { type: 'text', required: true, max: 1024 * 1024 * 1024, secret: true },
  },
  // Reading, checking and staging the batch take no write lock: the transaction only copies it.
  prepare: async (ctx, values): Promise<StagedUsage> => stageUsage(ctx.store, parseBatch(String(values.data)), ctx.call.progress),
  async run(ctx, _values, staged: StagedUsage) {
    return [node('imported', await storeUsage(ctx.db, staged))]
  },
})

/**
 * Rates the unrated records of one client (or of all) that started before the end of `todate`
 * (UTC): one expense per service for the sum of their costs, charged to the balance.
 */
export const xdrRate = defineFunction({
  name: 'xdr.rate',
  kind: 'action',
  level: Level.admin,
  writes: true,
  params: {
    account: { type: 'int', min: 1 },
    todate: { type: 'date', required: true },
  },
  async run(ctx, values) {
    const given = values.account === undefined || values.account === '' ? undefined : Number(values.account)
    const account = given === undefined ? undefined : await requireAccount(ctx.db, ctx.user, 'account', given)
    const end = parseUtcTime(String(values.todate), true)
    if (end === undefined) throw invalid('todate', String(values.todate), 'date')
    const before = end + day
    const result = await rateUsage(ctx.db, {
      accountId: account?.id,
      before,
      at: ctx.now,
      describe: (service, from, to) =>
        ctx.t('functions:xdr.rate|description', {
          keySeparator: '|',
          service: service.name || `#${service.id}`,
          from: formatDate(from),
          to: formatDate(to),
        }),
    })
    const totals = [...result.totals].map(([code, t]) => formatIso(t.amount, t.places, code))
    return [node('expenses', result.expenses), node('records', result.records), node('total', totals.join(', '))]
  },
})
