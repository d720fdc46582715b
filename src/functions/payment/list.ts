import { eq, sql, type SQL } from 'drizzle-orm'
import { formatAmount } from '../../format/money'
import { scopeCondition } from '../../billing/scope'
import { scopeOf } from '../../core/access'
import { Level } from '../../core/principal'
import { formatDateTime } from '../../format/time'
import type { Db } from '../../db/connection'
import { filterWhere } from '../../db/filter-where'
import { idPagedList, pageOf } from '../../db/query'
import { accounts, currencies, paymethods, payments } from '../../db/schema/index'
import { defineFunction } from '../../core/registry'
import { paymentCsv } from './download'
import { paymentFilterRules, paymentFilters } from './filters'

/** What each column sorts by; values from other tables as subqueries, so ids are paged on payments alone. */
const sortable = {
  id: payments.id,
  number: payments.number,
  account: payments.accountId,
  account_name: sql`(select ${accounts.name} from ${accounts} where ${accounts.id} = ${payments.accountId})`,
  paymethod: sql`(select ${paymethods.name} from ${paymethods} where ${paymethods.id} = ${payments.paymethodId})`,
  amount: payments.amount,
  currency: sql`(select ${currencies.code} from ${currencies} where ${currencies.id} = ${payments.currencyId})`,
  status: payments.status,
  created: payments.createdAt,
  paid: payments.paidAt,
  sender: payments.sender,
}

function pageRows(db: Db, where: SQL, orderBy: SQL[]) {
  return db
    .select({
      id: payments.id,
      number: payments.number,
      account: payments.accountId,
      account_name: accounts.name,
      paymethod: paymethods.name,
      amount: payments.amount,
      places: currencies.places,
      currency: currencies.code,
      status: payments.status,
      created: payments.createdAt,
      paid: payments.paidAt,
      sender: payments.sender,
    })
    .from(payments)
    .innerJoin(accounts, eq(accounts.id, payments.accountId))
    .innerJoin(currencies, eq(currencies.id, payments.currencyId))
    .leftJoin(paymethods, eq(paymethods.id, payments.paymethodId))
    .where(where)
    .orderBy(...orderBy)
}

/**
 * Payments: admins see every one, a reseller's staff those of its clients, a client user its
 * client's. Filters and columns as BILLmanager names them (`status=4`: credited).
 */
export const paymentList = defineFunction({
  name: 'payment',
  kind: 'list',
  level: Level.user,
  cacheable: true,
  columns: [
    { name: 'id', type: 'int' },
    { name: 'number', type: 'string' },
    { name: 'account', type: 'int' },
    { name: 'account_name', type: 'string' },
    { name: 'paymethod', type: 'string' },
    { name: 'amount', type: 'money' },
    { name: 'currency', type: 'string' },
    { name: 'status', type: 'int' },
    { name: 'created', type: 'datetime' },
    { name: 'paid', type: 'datetime' },
    { name: 'sender', type: 'string' },
  ],
  defaultSort: 'id',
  filters: paymentFilters,
  file: paymentCsv,
  toolbar: ['payment.edit', 'payment.setpaid', 'payment.setnopay', 'payment.return', 'payment.returned', 'payment.fraud', 'payment.delete'],
  async fetch(ctx, q) {
    const where = await filterWhere(paymentFilterRules, q.filter, scopeCondition(scopeOf(ctx.user), payments.accountId), ctx.db)
    const statements = idPagedList(
      ctx.db,
      { name: 'payment', table: payments, idColumn: payments.id, sortable, page: (rowsWhere, orderBy) => pageRows(ctx.db, rowsWhere, orderBy) },
      q,
      where,
    )
    const { rows, total } = await pageOf(statements, { limit: q.limit, offset: q.offset, ...where.values })
    return {
      rows: rows.map(({ places, ...r }) => ({
        ...r,
        paymethod: r.paymethod ?? '',
        amount: formatAmount(Number(r.amount), Number(places)),
        created: formatDateTime(Number(r.created)),
        paid: r.paid === null ? '' : formatDateTime(Number(r.paid)),
      })),
      total,
    }
  },
})
