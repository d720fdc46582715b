import { eq } from 'drizzle-orm'
import { formatAmount } from '../../format/money'
import { scopeCondition } from '../../billing/scope'
import { scopeOf } from '../../core/access'
import { Level } from '../../core/principal'
import { formatDateTime } from '../../format/time'
import type { Values } from '../../core/params'
import type { Db } from '../../db/connection'
import { contains, equals, filterWhere } from '../../db/filter-where'
import { pageOf, sortedList } from '../../db/query'
import { accounts, currencies, resellers } from '../../db/schema/index'
import { currencyByCode } from '../currency/index'
import { defineFunction } from '../../core/registry'

/** A client's statuses; archived clients are kept for their history only. */
export const accountStatuses = ['active', 'suspended', 'archived'] as const
export type AccountStatus = (typeof accountStatuses)[number]

const listed = {
  id: accounts.id,
  name: accounts.name,
  email: accounts.email,
  reseller: resellers.name,
  currency: currencies.code,
  places: currencies.places,
  balance: accounts.balance,
  credit_limit: accounts.creditLimit,
  status: accounts.status,
  created: accounts.createdAt,
}

/** No row has this id: a filter on an unknown currency finds nothing. */
const noSuchId = -1

/** What the list filters on; `currency` by the currency's id (see `withCurrencyId`). */
const filterRules = {
  name: contains(accounts.name),
  email: contains(accounts.email),
  reseller: equals(accounts.resellerId),
  currency: equals(accounts.currencyId),
  status: equals(accounts.status),
}

/** The filter with its currency code (as the caller gives it) turned into the currency's id. */
async function withCurrencyId(db: Db, filter: Values): Promise<Values> {
  if (filter.currency === undefined || filter.currency === '') return filter
  return { ...filter, currency: (await currencyByCode(db, String(filter.currency)))?.id ?? noSuchId }
}

/**
 * Clients: admins see every one, a reseller's staff its reseller's, a client user only its own.
 * Amounts are shown with the places of the client's currency.
 */
export const accountList = defineFunction({
  name: 'account',
  kind: 'list',
  level: Level.user,
  cacheable: true,
  columns: [
    { name: 'id', type: 'int' },
    { name: 'name', type: 'string' },
    { name: 'email', type: 'string' },
    { name: 'reseller', type: 'string' },
    { name: 'currency', type: 'string' },
    { name: 'balance', type: 'money' },
    { name: 'credit_limit', type: 'money' },
    { name: 'status', type: 'string' },
    { name: 'created', type: 'datetime' },
  ],
  defaultSort: 'id',
  filters: {
    name: { type: 'string', max: 128 },
    email: { type: 'string', max: 254 },
    reseller: { type: 'int', min: 1 },
    currency: { type: 'currency' },
    status: { type: 'enum', values: accountStatuses },
  },
  toolbar: ['account.edit', 'account.customfields', 'payment', 'item', 'expense', 'invoice', 'account.su', 'account.suspend', 'account.resume', 'account.archive', 'account.delete'],
  async fetch(ctx, q) {
    const filter = await withCurrencyId(ctx.db, q.filter)
    const where = await filterWhere(filterRules, filter, scopeCondition(scopeOf(ctx.user), accounts.id), ctx.db)
    const statements = sortedList(
      ctx.db,
      accounts,
      listed,
      accounts.id,
      q,
      where,
      [
        { table: currencies, on: eq(currencies.id, accounts.currencyId) },
        { table: resellers, on: eq(resellers.id, accounts.resellerId), left: true },
      ],
    )
    const { rows, total } = await pageOf(statements, { limit: q.limit, offset: q.offset, ...where.values })
    return {
      rows: rows.map(({ places, ...r }) => ({
        ...r,
        reseller: r.reseller ?? '',
        balance: formatAmount(Number(r.balance), Number(places)),
        credit_limit: formatAmount(Number(r.credit_limit), Number(places)),
        created: formatDateTime(Number(r.created)),
      })),
      total,
    }
  },
})
