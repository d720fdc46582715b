import { eq } from 'drizzle-orm'
import { invalid } from '../core/errors'
import type { Db } from '../db/connection'
import { firstRow } from '../db/query'
import { PaymentStatus, payments } from '../db/schema/index'
import { emit } from '../events/outbox'
import { paymentData } from '../events/snapshots'
import type { Lang } from '../i18n/index'
import { creditPayment, isCredited } from './ledger'
import { settleAccount } from './services'

export type Payment = typeof payments.$inferSelect

/** A status change an operator applies to payments: `payment.<name>`. */
export type PaymentMove = 'setpaid' | 'setnopay' | 'return' | 'returned' | 'fraud'

const s = PaymentStatus

/**
 * Where each move takes a payment, and from which statuses. A payment already where the move
 * leads is left as it is; from any other status the move is refused.
 */
const moves: Record<PaymentMove, { to: number; from: readonly number[]; done: readonly number[] }> = {
  setpaid: { to: s.credited, from: [s.new, s.inProgress, s.pledged], done: [s.credited, s.pendingReturn] },
  setnopay: { to: s.new, from: [s.inProgress, s.pledged, s.credited, s.pendingReturn], done: [s.new] },
  return: { to: s.pendingReturn, from: [s.credited], done: [s.pendingReturn] },
  returned: { to: s.returned, from: [s.credited, s.pendingReturn], done: [s.returned] },
  fraud: { to: s.fraudulent, from: [s.new, s.inProgress, s.pledged, s.credited, s.pendingReturn, s.returned], done: [s.fraudulent] },
}

/**
 * Moves a payment to another status, putting its amount on the balance or taking it off as the
 * move requires, in the caller's transaction. The pay date is set when it is credited and
 * cleared when it becomes new again. Money credited goes at once to the client's services
 * waiting for it (charges described in `lang`).
 */
export async function movePayment(db: Db, payment: Payment, move: PaymentMove, now: number, lang: Lang): Promise<void> {
  const rule = moves[move]
  if (rule.done.includes(payment.status)) return
  if (!rule.from.includes(payment.status)) throw invalid('elid', String(payment.id), `payment${move}`)
  const was = isCredited(payment.status)
  const will = isCredited(rule.to)
  if (was !== will) await creditPayment(db, payment.accountId, payment.amount, will ? 1 : -1, now)
  const paidAt = rule.to === s.new ? null : will && !was ? now : payment.paidAt
  await db.update(payments).set({ status: rule.to, paidAt }).where(eq(payments.id, payment.id))
  await emit(db, now, { event: 'payments.update', objectId: payment.id, data: async () => (await paymentData(db, payment.id))! })
  if (will && !was) await settleAccount(db, payment.accountId, now, lang)
}

/** Deletes a payment; one whose amount is on the balance is refused. Handlers are told what it was. */
export async function deletePayment(db: Db, payment: Payment, now: number): Promise<void> {
  if (isCredited(payment.status)) throw invalid('elid', String(payment.id), 'paymentdelete')
  await emit(db, now, { event: 'payments.delete', objectId: payment.id, data: async () => (await paymentData(db, payment.id))! })
  await db.delete(payments).where(eq(payments.id, payment.id))
}

/** Whether any payment was made with a payment method (which then cannot be deleted). */
export async function paymethodUsed(db: Db, paymethodId: number): Promise<boolean> {
  return (await firstRow(db.select({ id: payments.id }).from(payments).where(eq(payments.paymethodId, paymethodId)).limit(1))) !== undefined
}
