import { BillError } from '../../core/errors'
import { Level } from '../../core/principal'
import { InvoiceStatus } from '../../db/schema/index'
import { defineFunction } from '../../core/registry'
import { invoiceFields } from '../../events/snapshots'
import { invoiceDetails } from './access'

/**
 * One invoice, for viewing: it is issued by invoice.generate and changes only through its group
 * operations, so every field is read-only. Its lines are the child list invoice.lines.
 */
export const invoiceEdit = defineFunction({
  name: 'invoice.edit',
  kind: 'form',
  level: Level.user,
  fields: {
    number: { type: 'string', readonly: true },
    account: { type: 'int', readonly: true },
    account_name: { type: 'string', readonly: true },
    period_from: { type: 'date', readonly: true },
    period_to: { type: 'date', readonly: true },
    amount: { type: 'money', readonly: true },
    currency: { type: 'currency', readonly: true },
    status: { type: 'enum', values: InvoiceStatus, readonly: true },
    created: { type: 'string', readonly: true },
    paid: { type: 'string', readonly: true },
  },
  async load(ctx, id) {
    const details = await invoiceDetails(ctx, id)
    return details && invoiceFields(details)
  },
  async save() {
    throw new BillError('access', 'func', 'invoice.edit', {}, 'errors:access.invoiceviewonly')
  },
})
