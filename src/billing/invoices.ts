import { and, count, eq, gte, isNull, lt, sql } from 'drizzle-orm'
import { invalid } from '../core/errors'
import { dayAfter, dayStart } from '../format/time'
import { nextId } from '../db/next-id'
import type { Db } from '../db/connection'
import { firstRow } from '../db/query'
import { expenses, invoices, type InvoiceStatus } from '../db/schema/index'
import type { Dialect } from '../db/store'
import { emit } from '../events/outbox'
import { invoiceData } from '../events/snapshots'
import type { Account } from './scope'

export type Invoice = typeof invoices.$inferSelect
export type InvoiceState = (typeof InvoiceStatus)[number]

export { lastDay } from './calendar'

/** `INV-2026-000042`: the year it was issued and its id, which is unique and never reused. */
export function invoiceNumber(id: number, issuedAt: number): string {
  return `INV-${new Date(issuedAt).getUTCFullYear()}-${String(id).padStart(6, '0')}`
}

export interface InvoiceRequest {
  account: Account
  /** The first day covered, `YYYY-MM-DD`. */
  from: string
  /** The last day covered (inclusive), `YYYY-MM-DD`. */
  to: string
  now: number
}

/**
 * Invoices a client's expenses of a period (whole UTC days, both ends included) that are on no
 * invoice yet, in the client's currency. Must run inside the caller's transaction.
 *
 * An invoice asks to be paid, so it is refused when there is nothing to invoice, and when the
 * refunds in the period outweigh the charges: those expenses stay uninvoiced and are netted by a
 * later invoice whose period covers them together with enough charges. A zero total (a charge
 * and its full refund) is a valid statement and is issued.
 */
export async function generateInvoice(db: Db, dialect: Dialect, r: InvoiceRequest): Promise<{ id: number; number: string; amount: number }> {
  if (r.from > r.to) throw invalid('to', r.to, 'invoiceperiod', { from: r.from })
  const periodFrom = dayStart(r.from)
  const periodTo = dayAfter(r.to)
  const open = and(
    eq(expenses.accountId, r.account.id),
    eq(expenses.currencyId, r.account.currencyId),
    isNull(expenses.invoiceId),
    gte(expenses.createdAt, periodFrom),
    lt(expenses.createdAt, periodTo),
  )
  const found = await firstRow(
    db
      .select({ lines: count(), amount: sql<number>`coalesce(sum(${expenses.amount}), 0)`.mapWith(Number) })
      .from(expenses)
      .where(open),
  )
  const lines = found?.lines ?? 0
  const amount = found?.amount ?? 0
  if (lines === 0) throw invalid('from', r.from, 'invoiceempty', { from: r.from, to: r.to })
  if (amount < 0) throw invalid('from', r.from, 'invoicenegative', { from: r.from, to: r.to })
  const id = await nextId(db, dialect, invoices, invoices.id)
  const number = invoiceNumber(id, r.now)
  await db
    .insert(invoices)
    .values({ id, number, accountId: r.account.id, currencyId: r.account.currencyId, periodFrom, periodTo, amount, createdAt: r.now })
  await db.update(expenses).set({ invoiceId: id }).where(open)
  await emit(db, r.now, { event: 'invoices.create', objectId: id, data: async () => (await invoiceData(db, id))! })
  return { id, number, amount }
}

/** Marks a new invoice paid. Bookkeeping only: the balance moves with payments, not invoices. */
export async function markInvoicePaid(db: Db, invoice: Invoice, now: number): Promise<void> {
  if (invoice.status !== 'new') throw invalid('elid', String(invoice.id), 'invoicenotnew', { number: invoice.number })
  await db.update(invoices).set({ status: 'paid', paidAt: now }).where(eq(invoices.id, invoice.id))
  await emit(db, now, { event: 'invoices.paid', objectId: invoice.id, data: async () => (await invoiceData(db, invoice.id))! })
}

/** Cancels a new invoice and frees its expenses, so that another invoice may cover them. */
export async function cancelInvoice(db: Db, invoice: Invoice): Promise<void> {
  if (invoice.status !== 'new') throw invalid('elid', String(invoice.id), 'invoicenotnew', { number: invoice.number })
  await db.update(expenses).set({ invoiceId: null }).where(eq(expenses.invoiceId, invoice.id))
  await db.update(invoices).set({ status: 'cancelled' }).where(eq(invoices.id, invoice.id))
}

/** Deletes a cancelled invoice; one that is new or paid is part of the books and stays. */
export async function deleteInvoice(db: Db, invoice: Invoice): Promise<void> {
  if (invoice.status !== 'cancelled') {
    throw invalid('elid', String(invoice.id), 'invoicenotcancelled', { number: invoice.number })
  }
  await db.delete(invoices).where(eq(invoices.id, invoice.id))
}
