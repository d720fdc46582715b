import { cancelInvoice, deleteInvoice, markInvoicePaid, type Invoice } from '../../billing/invoices'
import { Level } from '../../core/principal'
import { defineFunction, type FunctionContext } from '../../core/registry'
import { visibleInvoice } from './access'

/** Applies an operation to one invoice of the caller's clients; one that no longer exists is skipped. */
function onInvoice(operation: (ctx: FunctionContext, invoice: Invoice) => Promise<void>) {
  return async (ctx: FunctionContext, id: string): Promise<void> => {
    const invoice = await visibleInvoice(ctx, id)
    if (invoice) await operation(ctx, invoice)
  }
}

/** Marks new invoices paid. A bookkeeping mark: the client's balance moves with payments. */
export const invoiceSetPaid = defineFunction({
  name: 'invoice.setpaid',
  kind: 'group',
  level: Level.reseller,
  each: onInvoice(async (ctx, invoice) => markInvoicePaid(ctx.db, invoice, ctx.now)),
})

/** Cancels new invoices; their expenses may then be invoiced again. */
export const invoiceCancel = defineFunction({
  name: 'invoice.cancel',
  kind: 'group',
  level: Level.reseller,
  each: onInvoice(async (ctx, invoice) => cancelInvoice(ctx.db, invoice)),
})

/** Deletes cancelled invoices. */
export const invoiceDelete = defineFunction({
  name: 'invoice.delete',
  kind: 'group',
  level: Level.reseller,
  each: onInvoice(async (ctx, invoice) => deleteInvoice(ctx.db, invoice)),
})
