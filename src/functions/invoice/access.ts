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
export async function visibleInvoice(ctx: FunctionContext, elid: string): Promise<Invoice | undefined> {
  const invoice = await rowById(ctx.db, invoices, invoices.id, elid)
  if (invoice && !(await ownsAccountOf(ctx.db, ctx.user, invoice.accountId))) throw denied('elid', elid)
  return invoice
}

/** An invoice with its client and currency, for showing it whole; ownership as for visibleInvoice. */
export async function invoiceDetails(ctx: FunctionContext, elid: string) {
  const id = elementId(elid)
  const found = id === undefined ? undefined : await invoiceRecord(ctx.db, id)
  if (found && !(await ownsAccountOf(ctx.db, ctx.user, found.invoice.accountId))) throw denied('elid', elid)
  return found
}

export type InvoiceDetails = NonNullable<Awaited<ReturnType<typeof invoiceDetails>>>

/** The invoice an `elid` names, whole: `missed` when there is none, `access` when it is not the caller's. */
export async function requireInvoiceDetails(ctx: FunctionContext, elid: string): Promise<InvoiceDetails> {
  const details = elid ? await invoiceDetails(ctx, elid) : undefined
  if (!details) throw missed('elid', elid)
  return details
}
