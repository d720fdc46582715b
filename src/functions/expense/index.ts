import { eq } from 'drizzle-orm'
import { amountOf } from '../../billing/amounts'
import { deleteExpense, expenseById, manualCharge } from '../../billing/expenses'
import { ownsAccountOf, requireAccount, scopeCondition } from '../../billing/scope'
import { scopeOf } from '../../core/access'
import { denied, invalid } from '../../core/errors'
import { Level } from '../../core/principal'
import { formatAmount } from '../../format/money'
import { formatDateTime } from '../../format/time'
import { filterWhere } from '../../db/filter-where'
import { elementId, pageOf, sortedList } from '../../db/query'
import { accounts, expenses } from '../../db/schema/index'
import { currencyById } from '../currency/index'
import { billingEnv, currencyUnitsOf, requireItem } from '../item/common'
import { defineFunction, type FunctionContext } from '../../core/registry'
import { expenseCsv } from './download'
import { expenseFilterRules, expenseFilters } from './filters'

export { expenseDownload } from './download'

const listed = {
  id: expenses.id,
  account: expenses.accountId,
  account_name: accounts.name,
  item: expenses.itemId,
  amount: expenses.amount,
  currency: expenses.currencyId,
  created: expenses.createdAt,
  description: expenses.description,
  invoice: expenses.invoiceId,
}

/** Every charge to the clients the caller may see (negative amounts: money given back). */
export const expenseList = defineFunction({
  name: 'expense',
  kind: 'list',
  level: Level.user,
  cacheable: true,
  columns: [
    { name: 'id', type: 'int' },
    { name: 'account', type: 'int' },
    { name: 'account_name', type: 'string' },
    { name: 'item', type: 'int' },
    { name: 'amount', type: 'money' },
    { name: 'currency', type: 'string', sort: false },
    { name: 'created', type: 'datetime' },
    { name: 'description', type: 'string' },
    { name: 'invoice', type: 'int' },
  ],
  defaultSort: 'id',
  filters: expenseFilters,
  file: expenseCsv,
  toolbar: ['expense.edit', 'expense.delete'],
  async fetch(ctx, q) {
    const where = await filterWhere(expenseFilterRules, q.filter, scopeCondition(scopeOf(ctx.user), expenses.accountId), ctx.db)
    const statements = sortedList(ctx.db, expenses, listed, expenses.id, q, where, { table: accounts, on: eq(accounts.id, expenses.accountId) })
    const { rows, total } = await pageOf(statements, { limit: q.limit, offset: q.offset, ...where.values })
    const units = await currencyUnitsOf(ctx.db, rows.map((r) => Number(r.currency)))
    return {
      rows: rows.map((r) => {
        const unit = units.get(Number(r.currency))
        return {
          ...r,
          item: r.item ?? '',
          amount: formatAmount(Number(r.amount), unit?.places ?? 2),
          currency: unit?.code ?? '',
          created: formatDateTime(Number(r.created)),
          invoice: r.invoice ?? '',
        }
      }),
      total,
    }
  },
})

/** An expense the caller may see, by `elid`; an access error for another owner's. */
async function visibleExpense(ctx: FunctionContext, elid: string) {
  const id = elementId(elid)
  const expense = id === undefined ? undefined : await expenseById(ctx.db, id)
  if (expense && !(await ownsAccountOf(ctx.db, ctx.user, expense.accountId))) throw denied('elid', elid)
  return expense
}

/**
 * An expense: viewed, or recorded by an operator for a client (a manual charge, or with a
 * negative amount money given back), optionally for one of the client's services. Recorded
 * expenses are not changed: a wrong one is deleted and recorded again.
 */
export const expenseEdit = defineFunction({
  name: 'expense.edit',
  kind: 'form',
  level: Level.admin,
  createOnly: true,
  fields: {
    account: { type: 'int', min: 1, required: true },
    // Plain text, not `money`: a negative amount gives money back. Checked against the client's currency.
    amount: { type: 'string', required: true, max: 20 },
    description: { type: 'string', required: true, max: 255 },
    item: { type: 'int', min: 1 },
    currency: { type: 'currency', readonly: true },
    created: { type: 'string', readonly: true },
    invoice: { type: 'int', readonly: true },
  },
  async load(ctx, id) {
    const expense = await visibleExpense(ctx, id)
    if (!expense) return undefined
    const currency = await currencyById(ctx.db, String(expense.currencyId))
    return {
      account: expense.accountId,
      amount: formatAmount(expense.amount, currency?.places ?? 2),
      description: expense.description,
      item: expense.itemId ?? '',
      currency: currency?.code ?? '',
      created: formatDateTime(expense.createdAt),
      invoice: expense.invoiceId ?? '',
    }
  },
  async save(ctx, values, id) {
    if (id !== undefined) throw invalid('elid', id, 'expense.recorded')
    const account = await requireAccount(ctx.db, ctx.user, 'account', String(values.account))
    const places = (await currencyById(ctx.db, String(account.currencyId)))?.places ?? 2
    const amount = amountOf('amount', String(values.amount), places)
    let itemId: number | null = null
    if (values.item !== undefined && values.item !== '') {
      const item = await requireItem(ctx, String(values.item), 'item')
      if (item.accountId !== account.id) throw invalid('item', String(values.item), 'expense.item')
      itemId = item.id
    }
    return manualCharge(billingEnv(ctx), { account, amount, description: String(values.description), itemId })
  },
})

/** Deletes expenses, giving their amounts back; those already invoiced are refused. */
export const expenseDelete = defineFunction({
  name: 'expense.delete',
  kind: 'group',
  level: Level.admin,
  async each(ctx, id) {
    const expense = await visibleExpense(ctx, id)
    if (expense) await deleteExpense(billingEnv(ctx), expense)
  },
})
