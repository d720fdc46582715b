import { eq } from 'drizzle-orm'
import { lastDay, type Invoice } from '../../billing/invoices'
import { formatDate } from '../../core/time'
import { formatAmount } from '../../billing/money'
import { ownsAccountOf } from '../../billing/scope'
import { denied, missed } from '../../core/errors'
import { formatDateTime } from '../../core/time'
import { elementId, rowById } from '../../db/query'
import { accounts, currencies, invoices } from '../../db/schema/index'
import type { FunctionContext } from '../registry'

/**
 * The invoice an `elid` names, if it exists; an access error when it belongs to a client the
 * caller may not see, so that nothing about it is revealed.
 */
export function visibleInvoice(ctx: FunctionContext, elid: string): Invoice | undefined {
  const invoice = rowById(ctx.db, invoices, invoices.id, elid)
  if (invoice && !ownsAccountOf(ctx.db, ctx.user, invoice.accountId)) throw denied('elid', elid)
  return invoice
}

/** An invoice with its client and currency, for showing it whole; ownership as for visibleInvoice. */
export function invoiceDetails(ctx: FunctionContext, elid: string) {
  const id = elementId(elid)
  if (id === undefined) return undefined
  const found = ctx.db
    .select({ invoice: invoices, name: accounts.name, email: accounts.email, code: currencies.code, places: currencies.places })
    .from(invoices)
    .innerJoin(accounts, eq(accounts.id, invoices.accountId))
    .innerJoin(currencies, eq(currencies.id, invoices.currencyId))
    .where(eq(invoices.id, id))
    .get()
  if (!found) return undefined
  if (!ownsAccountOf(ctx.db, ctx.user, found.invoice.accountId)) throw denied('elid', elid)
  return { invoice: found.invoice, account: { name: found.name, email: found.email }, currency: { code: found.code, places: found.places } }
}

export type InvoiceDetails = NonNullable<ReturnType<typeof invoiceDetails>>

/** The invoice an `elid` names, whole: `missed` when there is none, `access` when it is not the caller's. */
export function requireInvoiceDetails(ctx: FunctionContext, elid: string): InvoiceDetails {
  const details = elid ? invoiceDetails(ctx, elid) : undefined
  if (!details) throw missed('elid', elid)
  return details
}

/** The fields every view of one invoice shows; the period's end is its last day, as it was asked for. */
export function invoiceFields({ invoice, account, currency }: InvoiceDetails) {
  return {
    number: invoice.number,
    account: invoice.accountId,
    account_name: account.name,
    period_from: formatDate(invoice.periodFrom),
    period_to: lastDay(invoice.periodTo),
    amount: formatAmount(invoice.amount, currency.places),
    currency: currency.code,
    status: invoice.status,
    created: formatDateTime(invoice.createdAt),
    paid: invoice.paidAt === null ? '' : formatDateTime(invoice.paidAt),
  }
}
