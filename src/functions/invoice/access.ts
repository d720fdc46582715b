import type { Invoice } from '../../billing/invoices'
import { ownsAccountOf } from '../../billing/scope'
import { denied, missed } from '../../core/errors'
import { elementId, rowById } from '../../db/query'
import { invoices } from '../../db/schema/index'
import { invoiceRecord } from '../../events/snapshots'
import type { FunctionContext } from '../../core/registry'

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
  const found = id === undefined ? undefined : invoiceRecord(ctx.db, id)
  if (found && !ownsAccountOf(ctx.db, ctx.user, found.invoice.accountId)) throw denied('elid', elid)
  return found
}

export type InvoiceDetails = NonNullable<ReturnType<typeof invoiceDetails>>

/** The invoice an `elid` names, whole: `missed` when there is none, `access` when it is not the caller's. */
export function requireInvoiceDetails(ctx: FunctionContext, elid: string): InvoiceDetails {
  const details = elid ? invoiceDetails(ctx, elid) : undefined
  if (!details) throw missed('elid', elid)
  return details
}
