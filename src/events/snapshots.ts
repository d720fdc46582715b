import { eq, sql } from 'drizzle-orm'
import { lastDay } from '../billing/calendar'
import { formatAmount } from '../format/money'
import { formatDate, formatDateTime } from '../format/time'
import type { Db } from '../db/connection'
import { preparedFor } from '../db/prepared'
import { firstRow } from '../db/query'
import { accounts, currencies, invoices, items, payments, users } from '../db/schema/index'
import { Level } from '../core/principal'
import type { Scalar } from '../output/document'

/**
 * Objects as handlers are told of them: the fields the API returns for the object (its `.edit`
 * form's names), with `id`, amounts as decimal strings and times in UTC. The `.edit` forms load
 * through the same builders, so an event never says something the API would not.
 */

export type Snapshot = Record<string, Scalar>

type Currency = { code: string; places: number }

// Events are told in the transactions of busy paths (payments, the renewal pass): their
// queries are prepared once.
const statements = preparedFor((db) => ({
  currency: db
    .select({ code: currencies.code, places: currencies.places })
    .from(currencies)
    .where(eq(currencies.id, sql.placeholder('id')))
    .prepare(),
  places: db
    .select({ places: currencies.places })
    .from(accounts)
    .innerJoin(currencies, eq(currencies.id, accounts.currencyId))
    .where(eq(accounts.id, sql.placeholder('id')))
    .prepare(),
  payment: db.select().from(payments).where(eq(payments.id, sql.placeholder('id'))).prepare(),
}))

async function currencyUnit(db: Db, id: number): Promise<Currency> {
  return (await firstRow(statements(db).currency.execute({ id })))!
}

/** The fields whose values differ between two snapshots of one object, as they are after. */
export function changedFields(before: Snapshot, after: Snapshot): Snapshot {
  const changed: Snapshot = {}
  for (const [name, value] of Object.entries(after)) {
    if (JSON.stringify(value) !== JSON.stringify(before[name])) changed[name] = value
  }
  return changed
}

// Clients

type Client = typeof accounts.$inferSelect

/** A client as `account.edit` shows it. */
export async function clientFields(db: Db, a: Client): Promise<Snapshot> {
  const currency = await currencyUnit(db, a.currencyId)
  return {
    name: a.name,
    email: a.email,
    reseller: a.resellerId ?? '',
    currency: currency.code,
    credit_limit: formatAmount(a.creditLimit, currency.places),
    language: a.lang,
    allowed_addresses: a.allowedAddresses,
    note: a.note,
    status: a.status,
    balance: formatAmount(a.balance, currency.places),
    created: formatDateTime(a.createdAt),
  }
}

export async function clientData(db: Db, id: number): Promise<Snapshot | undefined> {
  const a = await firstRow(db.select().from(accounts).where(eq(accounts.id, id)))
  return a && { id: a.id, ...(await clientFields(db, a)) }
}

// Client users

type User = typeof users.$inferSelect

/** A user as `user.edit` shows it: never its password. */
export function userFields(u: User): Snapshot {
  return {
    name: u.name,
    realname: u.realname,
    email: u.email,
    level: u.level,
    language: u.lang,
    allowed_addresses: u.allowedAddresses,
    reseller: u.resellerId ?? '',
    account: u.accountId ?? '',
    status: u.status,
  }
}

/** A user of a client (a client's own login, JeraSoft's "account"), or undefined for any other user. */
export async function clientUserData(db: Db, id: number): Promise<Snapshot | undefined> {
  const u = await firstRow(db.select().from(users).where(eq(users.id, id)))
  return u && isClientUser(u) ? { id: u.id, ...userFields(u) } : undefined
}

export function isClientUser(u: Pick<User, 'level' | 'accountId'>): boolean {
  return u.level === Level.user && u.accountId !== null
}

// Services

type Service = typeof items.$inferSelect

/** A service as `item.edit` shows it; `places` are those of its client's currency. */
export function serviceFields(item: Service, places: number): Snapshot {
  return {
    account: item.accountId,
    pricelist: item.pricelistId,
    period: String(item.period),
    name: item.name,
    auto_renew: item.autoRenew,
    status: String(item.status),
    expires: item.expiresAt === null ? '' : formatDate(item.expiresAt),
    cost: formatAmount(item.cost, places),
  }
}

/** The decimal places of the currency a client's services are priced in. */
export async function accountPlaces(db: Db, accountId: number): Promise<number> {
  return (await firstRow(statements(db).places.execute({ id: accountId })))!.places
}

/** A service as it is now (`item` is its current row). */
export async function serviceData(db: Db, item: Service): Promise<Snapshot> {
  return { id: item.id, ...serviceFields(item, await accountPlaces(db, item.accountId)) }
}

// Payments

type Payment = typeof payments.$inferSelect

/** A payment as `payment.edit` shows it. */
export async function paymentFields(db: Db, p: Payment): Promise<Snapshot> {
  const currency = await currencyUnit(db, p.currencyId)
  return {
    account: p.accountId,
    paymethod: p.paymethodId ?? '',
    amount: formatAmount(p.amount, currency.places),
    number: p.number,
    sender: p.sender,
    note: p.note,
    status: p.status,
    currency: currency.code,
    created: formatDateTime(p.createdAt),
    paid: p.paidAt === null ? '' : formatDateTime(p.paidAt),
  }
}

export async function paymentData(db: Db, id: number): Promise<Snapshot | undefined> {
  const p = await firstRow(statements(db).payment.execute({ id }))
  return p && { id: p.id, ...(await paymentFields(db, p)) }
}

// Invoices

/** An invoice with what showing it needs: its client's name and email, its currency. */
export async function invoiceRecord(db: Db, id: number) {
  const found = await firstRow(
    db
      .select({ invoice: invoices, name: accounts.name, email: accounts.email, code: currencies.code, places: currencies.places })
      .from(invoices)
      .innerJoin(accounts, eq(accounts.id, invoices.accountId))
      .innerJoin(currencies, eq(currencies.id, invoices.currencyId))
      .where(eq(invoices.id, id)),
  )
  if (!found) return undefined
  return { invoice: found.invoice, account: { name: found.name, email: found.email }, currency: { code: found.code, places: found.places } }
}

export type InvoiceRecord = NonNullable<Awaited<ReturnType<typeof invoiceRecord>>>

/** The fields every view of one invoice shows; the period's end is its last day, as it was asked for. */
export function invoiceFields({ invoice, account, currency }: InvoiceRecord): Snapshot {
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

export async function invoiceData(db: Db, id: number): Promise<Snapshot | undefined> {
  const record = await invoiceRecord(db, id)
  return record && { id, ...invoiceFields(record) }
}
