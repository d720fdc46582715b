import { eq, inArray, sql } from 'drizzle-orm'
import { scopeCondition } from '../../billing/scope'
import { scopeOf } from '../../core/access'
import { Level } from '../../core/principal'
import { formatDate, formatDateTime } from '../../format/time'
import type { Db } from '../../db/connection'
import { equals, filterWhere, fromDay, matching, toDay } from '../../db/filter-where'
import { pageOf, sortedList } from '../../db/query'
import { accounts, items, pricelists } from '../../db/schema/index'
import { defineFunction } from '../../core/registry'
import { amountFormatter, statusValues } from './common'

/** Columns read from the tables, by the names they are listed (and sorted) under. */
const listed = {
  id: items.id,
  name: items.name,
  account: items.accountId,
  account_name: accounts.name,
  pricelist: items.pricelistId,
  period: items.period,
  status: items.status,
  created: items.createdAt,
  expires: items.expiresAt,
  auto_renew: items.autoRenew,
  cost: items.cost,
  currency_id: accounts.currencyId,
}

const filterRules = {
  account: equals(items.accountId),
  pricelist: equals(items.pricelistId),
  status: equals(items.status, Number),
  product_type: matching((type) => sql`${items.pricelistId} in (select ${pricelists.id} from ${pricelists} where ${pricelists.productType} = ${type})`),
  expires_from: fromDay(items.expiresAt),
  expires_to: toDay(items.expiresAt),
}

/** Name and product type of the tariffs `ids` name (repeats welcome), read in one query. */
async function tariffsOf(db: Db, ids: number[]): Promise<Map<number, { name: string; type: string }>> {
  const distinct = [...new Set(ids)]
  if (!distinct.length) return new Map()
  const rows = await db
    .select({ id: pricelists.id, name: pricelists.name, type: pricelists.productType })
    .from(pricelists)
    .where(inArray(pricelists.id, distinct))
  return new Map(rows.map(({ id, ...tariff }) => [id, tariff]))
}

/** Services of the clients the caller may see, with their tariff, status, expiry and cost. */
export const itemList = defineFunction({
  name: 'item',
  kind: 'list',
  level: Level.user,
  cacheable: true,
  columns: [
    { name: 'id', type: 'int' },
    { name: 'name', type: 'string' },
    { name: 'account', type: 'int' },
    { name: 'account_name', type: 'string' },
    { name: 'pricelist', type: 'string', sort: false },
    { name: 'product_type', type: 'string', sort: false },
    { name: 'period', type: 'int' },
    { name: 'status', type: 'int' },
    { name: 'created', type: 'datetime' },
    { name: 'expires', type: 'date' },
    { name: 'auto_renew', type: 'flag' },
    { name: 'cost', type: 'money' },
  ],
  defaultSort: 'id',
  filters: {
    account: { type: 'int', min: 1 },
    pricelist: { type: 'int', min: 1 },
    status: { type: 'enum', values: statusValues },
    product_type: { type: 'string', max: 32 },
    expires_from: { type: 'date' },
    expires_to: { type: 'date' },
  },
  toolbar: ['item.edit', 'item.order', 'service.prolong', 'item.renewal', 'item.suspend', 'item.resume', 'item.delete'],
  async fetch(ctx, q) {
    const where = await filterWhere(filterRules, q.filter, scopeCondition(scopeOf(ctx.user), items.accountId), ctx.db)
    const statements = sortedList(ctx.db, items, listed, items.id, q, where, { table: accounts, on: eq(accounts.id, items.accountId) })
    const { rows, total } = await pageOf(statements, { limit: q.limit, offset: q.offset, ...where.values })
    const [tariffs, money] = await Promise.all([
      tariffsOf(ctx.db, rows.map((r) => Number(r.pricelist))),
      amountFormatter(ctx.db, rows.map((r) => Number(r.currency_id))),
    ])
    return {
      rows: rows.map(({ currency_id, ...r }) => {
        const tariff = tariffs.get(Number(r.pricelist))
        return {
          ...r,
          pricelist: tariff?.name ?? '',
          product_type: tariff?.type ?? '',
          created: formatDateTime(Number(r.created)),
          expires: r.expires === null ? '' : formatDate(Number(r.expires)),
          cost: money(Number(r.cost), Number(currency_id)),
        }
      }),
      total,
    }
  },
})
