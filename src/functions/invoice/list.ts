import { eq, sql } from 'drizzle-orm'
import { lastDay } from '../../billing/invoices'
import { formatAmount } from '../../format/money'
import { scopeCondition } from '../../billing/scope'
import { scopeOf } from '../../core/access'
import { Level } from '../../core/principal'
import { formatDate, formatDateTime } from '../../format/time'
import type { Db } from '../../db/connection'
import { equals, filterWhere, fromDay, toDay } from '../../db/filter-where'
import { pageOf, sortedList } from '../../db/query'
import { accounts, currencies, expenses, InvoiceStatus, invoices } from '../../db/schema/index'
import { defineFunction } from '../../core/registry'
import { requireInvoiceDetails } from './access'

/** The columns a row is read from, by the names it is listed and sorted under. */
const listed = {
  id: invoices.id,
  number: invoices.number,
  account: invoices.accountId,
  account_name: accounts.name,
  period_from: invoices.periodFrom,
  period_to: invoices.periodTo,
  amount: invoices.amount,
  currency_id: invoices.currencyId,
  status: invoices.status,
  created: invoices.createdAt,
  paid: invoices.paidAt,
}

const filterRules = {
  account: equals(invoices.accountId),
  status: equals(invoices.status),
  created_from: fromDay(invoices.createdAt),
  created_to: toDay(invoices.createdAt),
}

/** Code and places of every currency: a handful of rows, read once per page instead of joined. */
async function currencyUnits(db: Db): Promise<Map<number, { code: string; places: number }>> {
  const units = await db.select({ id: currencies.id, code: currencies.code, places: currencies.places }).from(currencies)
  return new Map(units.map((c) => [c.id, c]))
}

const dateTime = (ms: unknown) => (ms === null ? '' : formatDateTime(Number(ms)))

/** Invoices: admins see every one, a reseller's staff those of its clients, a client user its own. */
export const invoiceList = defineFunction({
  name: 'invoice',
  kind: 'list',
  level: Level.user,
  cacheable: true,
  columns: [
    { name: 'id', type: 'int' },
    { name: 'number', type: 'string' },
    { name: 'account', type: 'int' },
    { name: 'account_name', type: 'string' },
    { name: 'period_from', type: 'date' },
    { name: 'period_to', type: 'date' },
    { name: 'amount', type: 'money' },
    { name: 'currency', type: 'string', sort: false },
    { name: 'status', type: 'string' },
    { name: 'created', type: 'datetime' },
    { name: 'paid', type: 'datetime' },
  ],
  defaultSort: 'id',
  filters: {
    account: { type: 'int', min: 1 },
    status: { type: 'enum', values: InvoiceStatus },
    created_from: { type: 'date' },
    created_to: { type: 'date' },
  },
  toolbar: ['invoice.edit', 'invoice.lines', 'invoice.download', 'invoice.generate', 'invoice.setpaid', 'invoice.cancel', 'invoice.delete'],
  async fetch(ctx, q) {
    const where = await filterWhere(filterRules, q.filter, scopeCondition(scopeOf(ctx.user), invoices.accountId), ctx.db)
    const statements = sortedList(ctx.db, invoices, listed, invoices.id, q, where, { table: accounts, on: eq(accounts.id, invoices.accountId) })
    const { rows, total } = await pageOf(statements, { limit: q.limit, offset: q.offset, ...where.values })
    const units = await currencyUnits(ctx.db)
    return {
      rows: rows.map(({ currency_id, ...r }) => {
        const unit = units.get(Number(currency_id))!
        return {
          ...r,
          period_from: formatDate(Number(r.period_from)),
          period_to: lastDay(Number(r.period_to)),
          amount: formatAmount(Number(r.amount), unit.places),
          currency: unit.code,
          created: dateTime(r.created),
          paid: dateTime(r.paid),
        }
      }),
      total,
    }
  },
})

const lineColumns = {
  id: expenses.id,
  date: expenses.createdAt,
  description: expenses.description,
  amount: expenses.amount,
}

/** The lines of one invoice (`elid`): the expenses it covers. */
export const invoiceLines = defineFunction({
  name: 'invoice.lines',
  kind: 'list',
  level: Level.user,
  cacheable: true,
  columns: [
    { name: 'id', type: 'int' },
    { name: 'date', type: 'datetime' },
    { name: 'description', type: 'string' },
    { name: 'amount', type: 'money' },
  ],
  defaultSort: 'date',
  async fetch(ctx, q) {
    const details = await requireInvoiceDetails(ctx, ctx.call.params.elid ?? '')
    const statements = sortedList(ctx.db, expenses, lineColumns, expenses.id, q, {
      shape: 'invoice',
      condition: () => eq(expenses.invoiceId, sql.placeholder('invoice')),
    })
    const { rows, total } = await pageOf(statements, { limit: q.limit, offset: q.offset, invoice: details.invoice.id })
    const places = details.currency.places
    return {
      rows: rows.map((r) => ({ ...r, date: dateTime(r.date), amount: formatAmount(Number(r.amount), places) })),
      total,
    }
  },
})
