import { eq, sql } from 'drizzle-orm'
import { scopeCondition } from '../../billing/scope'
import { tariffById } from '../../billing/services'
import { scopeOf } from '../../core/access'
import { Level } from '../../core/principal'
import { formatDate, formatDateTime } from '../../format/time'
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
  fetch(ctx, q) {
    const where = filterWhere(filterRules, q.filter, scopeCondition(scopeOf(ctx.user), items.accountId), ctx.db)
    const statements = sortedList(ctx.db, items, listed, items.id, q, where, { table: accounts, on: eq(accounts.id, items.accountId) })
    const { rows, total } = pageOf(statements, { limit: q.limit, offset: q.offset, ...where.values })
    const tariffs = new Map<number, { name: string; type: string }>()
    const tariffOf = (id: number) => {
      let found = tariffs.get(id)
      if (!found) {
        const t = tariffById(ctx.db, id)
        tariffs.set(id, (found = { name: t?.name ?? '', type: t?.productType ?? '' }))
      }
      return found
    }
    const money = amountFormatter(ctx.db)
    return {
      rows: rows.map(({ currency_id, ...r }) => {
        const tariff = tariffOf(Number(r.pricelist))
        return {
          ...r,
          pricelist: tariff.name,
          product_type: tariff.type,
          created: formatDateTime(Number(r.created)),
          expires: r.expires === null ? '' : formatDate(Number(r.expires)),
          cost: money(Number(r.cost), Number(currency_id)),
        }
      }),
      total,
    }
  },
})
