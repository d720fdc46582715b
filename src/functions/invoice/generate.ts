import { generateInvoice } from '../../billing/invoices'
import { requireAccount } from '../../billing/scope'
import { Level } from '../../core/principal'
import { node } from '../../output/document'
import { defineFunction } from '../../core/registry'
import { created } from '../provisioning/proposed'

/**
 * Issues an invoice to a client for the expenses of a period that no invoice covers yet: from
 * the start of `from` to the end of `to` (UTC days, both included).
 */
export const invoiceGenerate = defineFunction({
  name: 'invoice.generate',
  kind: 'action',
  level: Level.reseller,
  before: created('invoices.create'),
  writes: true,
  params: {
    account: { type: 'int', required: true, min: 1 },
    from: { type: 'date', required: true },
    to: { type: 'date', required: true },
  },
  async run(ctx, values) {
    const account = await requireAccount(ctx.db, ctx.user, 'account', Number(values.account))
    const issued = await generateInvoice(ctx.db, ctx.store.dialect, { account, from: String(values.from), to: String(values.to), now: ctx.now })
    return [node('ok', true), node('id', issued.id), node('number', issued.number)]
  },
})
