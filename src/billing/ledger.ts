import { eq, inArray, sql } from 'drizzle-orm'
import type { Db } from '../db/connection'
import { accounts, expenses, PaymentStatus, payments } from '../db/schema/index'
import { emit } from '../events/outbox'
import { preparedFor } from '../db/prepared'

/**
 * Payment statuses whose amount is on the client's balance: credited, and pending return
 * (the money is still held until it is actually returned).
 */
export const creditedStatuses: readonly number[] = [PaymentStatus.credited, PaymentStatus.pendingReturn]

export function isCredited(status: number): boolean {
  return creditedStatuses.includes(status)
}

/**
 * The only ways a balance changes. Each must run inside the caller's transaction, together
 * with the payment or expense row it accounts for, so that a balance always equals credited
 * payments minus expenses.
 */

/**
 * Tells handlers when a change of `delta` took a client's balance (now `after`) across zero: up
 * from below zero, or down from above it. Judged on the balance the change itself returned, so
 * each crossing is told once, whatever else runs at the same time.
 */
async function balanceMoved(db: Db, accountId: number, after: number, delta: number, now: number): Promise<void> {
  const before = after - delta
  const event = before < 0 && after >= 0 ? 'clients.balance_notzero' : before > 0 && after <= 0 ? 'clients.balance_zero' : undefined
  if (event) await emit(db, now, { event, objectId: accountId, data: {} })
}

/** Adds `delta` to a client's balance at `now`. */
async function addToBalance(db: Db, accountId: number, delta: number, now: number): Promise<void> {
  const [row] = await db
    .update(accounts)
    .set({ balance: sql`${accounts.balance} + ${delta}` })
    .where(eq(accounts.id, accountId))
    .returning({ balance: accounts.balance })
  if (row) await balanceMoved(db, accountId, row.balance, delta, now)
}

/** Moves a payment's amount onto the balance (`sign` 1) or off it again (`sign` -1). */
export async function creditPayment(db: Db, accountId: number, amount: number, sign: 1 | -1, now: number): Promise<void> {
  await addToBalance(db, accountId, sign * amount, now)
}

export interface Charge {
  accountId: number
  currencyId: number
  itemId?: number | null
  /** Positive: a charge; negative: money given back. */
  amount: number
  description: string
  at: number
}

/** A renewal pass charges thousands of services: its two statements are prepared once. */
function prepareCharge(db: Db) {
  return {
    insert: db
      .insert(expenses)
      .values({
        accountId: sql.placeholder('accountId'),
        currencyId: sql.placeholder('currencyId'),
        itemId: sql.placeholder('itemId'),
        amount: sql.placeholder('amount'),
        description: sql.placeholder('description'),
        createdAt: sql.placeholder('at'),
      })
      .returning({ id: expenses.id })
      .prepare(),
    lower: db
      .update(accounts)
      .set({ balance: sql`${accounts.balance} - ${sql.placeholder('amount')}` })
      .where(eq(accounts.id, sql.placeholder('accountId')))
      .returning({ balance: accounts.balance })
      .prepare(),
  }
}

const chargeStatements = preparedFor(prepareCharge)

/** Records an expense and takes it off the balance; returns the expense's id. */
export async function charge(db: Db, c: Charge): Promise<number> {
  const statements = chargeStatements(db)
  const values = { ...c, itemId: c.itemId ?? null }
  const [row] = await statements.insert.execute(values)
  const [lowered] = await statements.lower.execute(values)
  if (lowered) await balanceMoved(db, c.accountId, lowered.balance, -c.amount, c.at)
  return row.id
}

/** Deletes an expense and gives its amount back to the balance. */
export async function removeExpense(db: Db, expense: { id: number; accountId: number; amount: number }, now: number): Promise<void> {
  await db.delete(expenses).where(eq(expenses.id, expense.id))
  await addToBalance(db, expense.accountId, expense.amount, now)
}

/** Whether a charge fits the client's balance and credit limit. */
export function canAfford(account: { balance: number; creditLimit: number }, amount: number): boolean {
  return account.balance - amount >= -account.creditLimit
}

/**
 * Clients whose stored balance differs from credited payments minus expenses, with both
 * figures. Empty when the books are straight.
 */
export async function balanceDrift(db: Db): Promise<{ id: number; balance: number; expected: number }[]> {
  const credited = db
    .select({ accountId: payments.accountId, total: sql<number>`sum(${payments.amount})`.as('credited_total') })
    .from(payments)
    .where(inArray(payments.status, [...creditedStatuses]))
    .groupBy(payments.accountId)
    .as('credited')
  const charged = db
    .select({ accountId: expenses.accountId, total: sql<number>`sum(${expenses.amount})`.as('charged_total') })
    .from(expenses)
    .groupBy(expenses.accountId)
    .as('charged')
  const expected = sql<number>`coalesce(${credited.total}, 0) - coalesce(${charged.total}, 0)`.mapWith(Number)
  return db
    .select({ id: accounts.id, balance: accounts.balance, expected })
    .from(accounts)
    .leftJoin(credited, eq(credited.accountId, accounts.id))
    .leftJoin(charged, eq(charged.accountId, accounts.id))
    .where(sql`${accounts.balance} <> ${expected}`)
}
