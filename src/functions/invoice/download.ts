import { asc, eq } from 'drizzle-orm'
import { lastDay } from '../../billing/invoices'
import { formatDate } from '../../format/time'
import { formatAmount } from '../../format/money'
import { labelOf, titleOf, valueLabel } from '../../core/labels'
import { Level } from '../../core/principal'
import { expenses } from '../../db/schema/index'
import { branch, node, type DocNode } from '../../output/document'
import { invoicePdf, type SheetWords } from '../../output/invoice-pdf'
import { defineFunction, type FunctionContext } from '../../core/registry'
import { requireInvoiceDetails } from './access'

const name = 'invoice.download'

/** The PDF's words: the report's own, in the call's language. */
function sheetWords(ctx: FunctionContext): SheetWords {
  return {
    title: titleOf(ctx.t, name),
    label: (field) => labelOf(ctx.t, name, field),
    page: (page, pages) => ctx.t(`functions:${name}|page`, { keySeparator: '|', page, pages }),
  }
}

/** What an invoice shows, whichever way it is given (a document, a printable page, a PDF). */
export async function invoicePrintout(ctx: FunctionContext, elid: string) {
  const { invoice, account, currency } = await requireInvoiceDetails(ctx, elid)
  const money = (minor: number) => formatAmount(minor, currency.places)
  const lines = (
    await ctx.db
      .select({ at: expenses.createdAt, description: expenses.description, amount: expenses.amount })
      .from(expenses)
      .where(eq(expenses.invoiceId, invoice.id))
      .orderBy(asc(expenses.createdAt), asc(expenses.id))
  ).map((l) => ({ date: formatDate(l.at), description: l.description, amount: money(l.amount) }))
  return {
    operator: ctx.services.config.operatorName,
    number: invoice.number,
    status: valueLabel(ctx.t, 'invoice', 'status', invoice.status),
    created: formatDate(invoice.createdAt),
    period_from: formatDate(invoice.periodFrom),
    period_to: lastDay(invoice.periodTo),
    paid: invoice.paidAt === null ? null : formatDate(invoice.paidAt),
    account_name: account.name,
    account_email: account.email,
    lines,
    total: money(invoice.amount),
    currency: currency.code,
    /** When it was issued, in ms: the PDF's creation date. */
    issuedAt: invoice.createdAt,
  }
}

export type InvoicePrintout = Awaited<ReturnType<typeof invoicePrintout>>

/**
 * An invoice as a document to print or send: who issues it, to whom, its lines and total. With
 * `out=print` it is a printable page; with `out=pdf` (and on the file channel,
 * `/admin/invoices/download?id_invoices=…`) an A4 PDF. Dates are UTC days, the period's end its
 * last day.
 */
export const invoiceDownload = defineFunction({
  name,
  kind: 'report',
  level: Level.user,
  writes: false,
  params: {
    elid: { type: 'string', required: true, max: 32 },
  },
  file: {
    format: 'pdf',
    route: 'invoices/download',
    aliases: { id_invoices: 'elid' },
    async open(ctx, values) {
      const printout = await invoicePrintout(ctx, String(values.elid))
      return { format: 'pdf', filename: `${printout.number}.pdf`, content: [await invoicePdf(printout, sheetWords(ctx))] }
    },
  },
  async run(ctx, values) {
    const p = await invoicePrintout(ctx, String(values.elid))
    const lineList: DocNode = {
      name: 'lines',
      lists: ['line'],
      children: p.lines.map((l) => branch('line', [node('date', l.date), node('description', l.description), node('amount', l.amount)])),
    }
    return [
      node('operator', p.operator),
      node('number', p.number),
      node('status', p.status),
      node('created', p.created),
      node('period_from', p.period_from),
      node('period_to', p.period_to),
      node('paid', p.paid),
      node('account_name', p.account_name),
      node('account_email', p.account_email),
      lineList,
      node('total', p.total),
      node('currency', p.currency),
    ]
  },
})
