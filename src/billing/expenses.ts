import { eq } from 'drizzle-orm'
import { invalid } from '../core/errors'
import type { Db } from '../db/connection'
import { expenses } from '../db/schema/index'
import { charge, removeExpense } from './ledger'
import type { Account } from './scope'
import { settleAccount, type BillingEnv } from './services'

export type Expense = typeof expenses.$inferSelect

export function expenseById(db: Db, id: number): Expense | undefined {
  return db.select().from(expenses).where(eq(expenses.id, id)).get()
}

/**
 * An operator's charge to a client (a positive amount) or money given back (a negative one),
 * optionally for one of its services. Money given back may let waiting services start.
 */
export function manualCharge(
  env: BillingEnv,
  input: { account: Account; amount: number; description: string; itemId: number | null },
): number {
  if (input.amount === 0) throw invalid('amount', '0', 'expense.zero')
  const id = charge(env.db, {
    accountId: input.account.id,
    currencyId: input.account.currencyId,
    itemId: input.itemId,
    amount: input.amount,
    description: input.description,
    at: env.now,
  })
  if (input.amount < 0) settleAccount(env.db, input.account.id, env.now, env.lang)
  return id
}

/**
 * Deletes an expense and gives its amount back to the balance (a deleted refund takes it away
 * again). An expense already on an invoice stays: the invoice would no longer add up.
 */
export function deleteExpense(env: BillingEnv, expense: Expense): void {
  if (expense.invoiceId !== null) throw invalid('elid', String(expense.id), 'expense.invoiced')
  removeExpense(env.db, expense, env.now)
  if (expense.amount > 0) settleAccount(env.db, expense.accountId, env.now, env.lang)
}
