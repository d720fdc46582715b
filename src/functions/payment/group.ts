import { deletePayment, movePayment, type PaymentMove } from '../../billing/payments'
import { Level } from '../../core/principal'
import { PaymentStatus } from '../../db/schema/index'
import { defineFunction, type FunctionContext } from '../../core/registry'
import { aboutElement } from '../provisioning/proposed'
import { visiblePayment } from './access'

async function move(ctx: FunctionContext, id: string, to: PaymentMove): Promise<void> {
  const payment = await visiblePayment(ctx, id)
  if (payment) await movePayment(ctx.db, payment, to, ctx.now, ctx.services.config.lang)
}

/** Credits new, in-progress or pledged payments to their clients' balances. */
export const paymentSetPaid = defineFunction({
  name: 'payment.setpaid',
  kind: 'group',
  level: Level.reseller,
  before: aboutElement('payments.update', 'payment.edit', false, { status: PaymentStatus.credited }),
  each: async (ctx, id) => move(ctx, id, 'setpaid'),
})

/** Makes payments new again, taking credited ones off the balance. */
export const paymentSetNoPay = defineFunction({
  name: 'payment.setnopay',
  kind: 'group',
  level: Level.reseller,
  before: aboutElement('payments.update', 'payment.edit', false, { status: PaymentStatus.new }),
  each: async (ctx, id) => move(ctx, id, 'setnopay'),
})

/** Marks credited payments as to be returned; the money stays on the balance until returned. */
export const paymentReturn = defineFunction({
  name: 'payment.return',
  kind: 'group',
  level: Level.reseller,
  before: aboutElement('payments.update', 'payment.edit', false, { status: PaymentStatus.pendingReturn }),
  each: async (ctx, id) => move(ctx, id, 'return'),
})

/** Marks credited or pending payments as returned, taking them off the balance. */
export const paymentReturned = defineFunction({
  name: 'payment.returned',
  kind: 'group',
  level: Level.reseller,
  before: aboutElement('payments.update', 'payment.edit', false, { status: PaymentStatus.returned }),
  each: async (ctx, id) => move(ctx, id, 'returned'),
})

/** Marks payments as fraudulent, taking credited ones off the balance. */
export const paymentFraud = defineFunction({
  name: 'payment.fraud',
  kind: 'group',
  level: Level.reseller,
  before: aboutElement('payments.update', 'payment.edit', false, { status: PaymentStatus.fraudulent }),
  each: async (ctx, id) => move(ctx, id, 'fraud'),
})

/** Deletes payments that are not on the balance. */
export const paymentDelete = defineFunction({
  name: 'payment.delete',
  kind: 'group',
  level: Level.reseller,
  before: aboutElement('payments.delete', 'payment.edit'),
  async each(ctx, id) {
    const payment = await visiblePayment(ctx, id)
    if (payment) await deletePayment(ctx.db, payment, ctx.now)
  },
})
