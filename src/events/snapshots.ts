import { eq } from 'drizzle-orm'
import { formatDateTime } from '../core/time'
import type { Db } from '../db/connection'
import { currencies, payments } from '../db/schema/index'
import { formatAmount } from '../billing/money'

/**
 * Objects as handlers are told of them: the fields the API returns for the object (its `.edit`
 * form's names), with `id`, amounts as decimal strings and times in UTC.
 */

export function paymentData(db: Db, id: number): Record<string, unknown> | undefined {
  const row = db
    .select({ p: payments, code: currencies.code, places: currencies.places })
    .from(payments)
    .innerJoin(currencies, eq(currencies.id, payments.currencyId))
    .where(eq(payments.id, id))
    .get()
  if (!row) return undefined
  const { p } = row
  return {
    id: p.id,
    account: p.accountId,
    paymethod: p.paymethodId ?? '',
    amount: formatAmount(p.amount, row.places),
    number: p.number,
    sender: p.sender,
    note: p.note,
    status: p.status,
    currency: row.code,
    created: formatDateTime(p.createdAt),
    paid: p.paidAt === null ? '' : formatDateTime(p.paidAt),
  }
}
