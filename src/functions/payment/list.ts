import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm'
import { formatAmount } from '../../billing/money'
import { scopeCondition } from '../../billing/scope'
import { scopeOf } from '../../core/access'
import { Level } from '../../core/principal'
import { dayAfter, dayStart, formatDateTime } from '../../core/time'
import type { Db } from '../../db/connection'
import { containsPattern, idPagedList, likePlaceholder, pageOf } from '../../db/query'
import { accounts, currencies, paymethods, payments } from '../../db/schema/index'
import { defineFunction } from '../registry'
import { paymentStatusValues } from './access'

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

const filterNames = ['account', 'status', 'paymethod', 'number', 'sender', 'created_from', 'created_to'] as const

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
  filters: {
    account: { type: 'int', min: 1 },
    status: { type: 'enum', values: paymentStatusValues },
    paymethod: { type: 'int', min: 1 },
    number: { type: 'string', max: 64 },
    sender: { type: 'string', max: 255 },
    created_from: { type: 'date' },
    created_to: { type: 'date' },
  },
  toolbar: ['payment.edit', 'payment.setpaid', 'payment.setnopay', 'payment.return', 'payment.returned', 'payment.fraud', 'payment.delete'],
  fetch(ctx, q) {
    const f = q.filter
    const used = filterNames.filter((name) => f[name] !== undefined && f[name] !== '')
    const scope = scopeCondition(scopeOf(ctx.user), payments.accountId)
    const statements = idPagedList(
      ctx.db,
      { name: 'payment', table: payments, idColumn: payments.id, sortable, page: (where, orderBy) => pageRows(ctx.db, where, orderBy) },
      q,
      {
        shape: `${scope.shape}:${used.join(',')}`,
        condition: () => {
          const parts: (SQL | undefined)[] = [scope.condition]
          if (used.includes('account')) parts.push(eq(payments.accountId, sql.placeholder('account')))
          if (used.includes('status')) parts.push(eq(payments.status, sql.placeholder('status')))
          if (used.includes('paymethod')) parts.push(eq(payments.paymethodId, sql.placeholder('paymethod')))
          if (used.includes('number')) parts.push(likePlaceholder(payments.number, 'number'))
          if (used.includes('sender')) parts.push(likePlaceholder(payments.sender, 'sender'))
          if (used.includes('created_from')) parts.push(gte(payments.createdAt, sql.placeholder('from')))
          if (used.includes('created_to')) parts.push(lt(payments.createdAt, sql.placeholder('to')))
          return and(...parts)
        },
      },
    )
    const { rows, total } = pageOf(statements, {
      limit: q.limit,
      offset: q.offset,
      scope: scope.value,
      account: f.account,
      status: f.status === undefined ? undefined : Number(f.status),
      paymethod: f.paymethod,
      number: f.number ? containsPattern(String(f.number)) : undefined,
      sender: f.sender ? containsPattern(String(f.sender)) : undefined,
      from: f.created_from ? dayStart(String(f.created_from)) : undefined,
      to: f.created_to ? dayAfter(String(f.created_to)) : undefined,
    })
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
