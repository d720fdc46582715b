import { asc, eq } from 'drizzle-orm'
import { lastDay } from '../../billing/invoices'
import { formatDate } from '../../core/time'
import { formatAmount } from '../../billing/money'
import { valueLabel } from '../../core/labels'
import { Level } from '../../core/principal'
import { expenses } from '../../db/schema/index'
import { branch, node, type DocNode } from '../../output/document'
import { defineFunction } from '../registry'
import { requireInvoiceDetails } from './access'

/**
 * An invoice as a document to print or send: who issues it, to whom, its lines and total. With
 * `out=print` it is a printable page. Dates are UTC days, the period's end its last day.
 */
export const invoiceDownload = defineFunction({
  name: 'invoice.download',
  kind: 'report',
  level: Level.user,
  writes: false,
  params: {
    elid: { type: 'string', required: true, max: 32 },
  },
  run(ctx, values) {
    const { invoice, account, currency } = requireInvoiceDetails(ctx, String(values.elid))
    const money = (minor: number) => formatAmount(minor, currency.places)
    const lines = ctx.db
      .select({ at: expenses.createdAt, description: expenses.description, amount: expenses.amount })
      .from(expenses)
      .where(eq(expenses.invoiceId, invoice.id))
      .orderBy(asc(expenses.createdAt), asc(expenses.id))
      .all()
      .map((l) => branch('line', [node('date', formatDate(l.at)), node('description', l.description), node('amount', money(l.amount))]))
    const lineList: DocNode = { name: 'lines', lists: ['line'], children: lines }
    return [
      node('operator', ctx.services.config.operatorName),
      node('number', invoice.number),
      node('status', valueLabel(ctx.t, 'invoice', 'status', invoice.status)),
      node('created', formatDate(invoice.createdAt)),
      node('period_from', formatDate(invoice.periodFrom)),
      node('period_to', lastDay(invoice.periodTo)),
      node('paid', invoice.paidAt === null ? null : formatDate(invoice.paidAt)),
      node('account_name', account.name),
      node('account_email', account.email),
      lineList,
      node('total', money(invoice.amount)),
      node('currency', currency.code),
    ]
  },
})
