import { eq } from 'drizzle-orm'
import { invalid } from '../core/errors'
import type { Db } from '../db/connection'
import { firstRow } from '../db/query'
import { expenses } from '../db/schema/index'
import { charge, removeExpense } from './ledger'
import type { Account } from './scope'
import { settleAccount, type BillingEnv } from './services'

export type Expense = typeof expenses.$inferSelect

export async function expenseById(db: Db, id: number): Promise<Expense | undefined> {
  return firstRow(db.select().from(expenses).where(eq(expenses.id, id)))
}

/**
 * An operator's charge to a client (a positive amount) or money given back (a negative one),
 * optionally for one of its services. Money given back may let waiting services start.
 */
export async function manualCharge(
  env: BillingEnv,
  input: { account: Account; amount: number; description: string; itemId: number | null },
): Promise<number> {
  if (input.amount === 0) throw invalid('amount', '0', 'expense.zero')
  const id = await charge(env.db, {
    accountId: input.account.id,
    currencyId: input.account.currencyId,
    itemId: input.itemId,
    amount: input.amount,
    description: input.description,
    at: env.now,
  })
  if (input.amount < 0) await settleAccount(env.db, input.account.id, env.now, env.lang)
  return id
}

/**
 * Deletes an expense and gives its amount back to the balance (a deleted refund takes it away
 * again). An expense already on an invoice stays: the invoice would no longer add up.
 */
export async function deleteExpense(env: BillingEnv, expense: Expense): Promise<void> {
  if (expense.invoiceId !== null) throw invalid('elid', String(expense.id), 'expense.invoiced')
  await removeExpense(env.db, expense, env.now)
  if (expense.amount > 0) await settleAccount(env.db, expense.accountId, env.now, env.lang)
}
