import { denied } from '../../core/errors'
import type { Payment } from '../../billing/payments'
import { ownsAccountOf } from '../../billing/scope'
import { rowById } from '../../db/query'
import { payments } from '../../db/schema/index'
import type { FunctionContext } from '../../core/registry'

/** Payment statuses as BILLmanager numbers them, as the `status` parameter takes them. */
export const paymentStatusValues = ['1', '2', '3', '4', '5', '6', '7'] as const

/** The payment an `elid` names, if it exists; an access error when it belongs to a client the caller may not see. */
export async function visiblePayment(ctx: FunctionContext, elid: string): Promise<Payment | undefined> {
  const payment = await rowById(ctx.db, payments, payments.id, elid)
  if (payment && !(await ownsAccountOf(ctx.db, ctx.user, payment.accountId))) throw denied('elid', elid)
  return payment
}
