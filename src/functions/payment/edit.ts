import { emit } from '../../events/outbox'
import { paymentData, paymentFields } from '../../events/snapshots'
import { eq, sql } from 'drizzle-orm'
import { amountOf } from '../../billing/amounts'
import { currencyOf } from '../../billing/currencies'
import { isCredited } from '../../billing/ledger'
import type { Payment } from '../../billing/payments'
import { requireAccount } from '../../billing/scope'
import { invalid, missed, taken } from '../../core/errors'
import { parseValue, type Values } from '../../core/params'
import { Level } from '../../core/principal'
import type { Db } from '../../db/connection'
import { newIdValue, nextId, withNewId } from '../../db/next-id'
import { preparedFor } from '../../db/prepared'
import { firstRow } from '../../db/query'
import { currencies, paymethods, PaymentStatus, payments } from '../../db/schema/index'
import { defineFunction, type FunctionContext } from '../../core/registry'
import { savedForm } from '../provisioning/proposed'
import { paymentStatusValues, visiblePayment } from './access'

/** A payment's amount: a decimal in the currency's places, above zero. */
function paymentAmount(text: string, places: number): number {
  const amount = amountOf('amount', text, places)
  if (amount <= 0) throw invalid('amount', text, 'paymentamount')
  return amount
}

/** The payment method a payment in `currencyId` may be made with: existing, enabled, in that currency. */
async function usablePaymethod(db: Db, id: number, currencyId: number): Promise<number> {
  const method = await firstRow(db.select().from(paymethods).where(eq(paymethods.id, id)))
  if (!method) throw missed('paymethod', String(id))
  if (!method.enabled) throw invalid('paymethod', String(id), 'paymethoddisabled')
  if (method.currencyId !== currencyId) throw invalid('paymethod', String(id), 'paymethodcurrency')
  return method.id
}

async function numberTaken(db: Db, number: string): Promise<boolean> {
  return (await firstRow(db.select({ id: payments.id }).from(payments).where(eq(payments.number, number)))) !== undefined
}

type PaymentFields = Omit<typeof payments.$inferInsert, 'id' | 'number'>

/** What a new payment is given, apart from its id and number. */
const fieldValues = {
  accountId: sql.placeholder('accountId'),
  paymethodId: sql.placeholder('paymethodId'),
  amount: sql.placeholder('amount'),
  currencyId: sql.placeholder('currencyId'),
  status: sql.placeholder('status'),
  createdAt: sql.placeholder('createdAt'),
  sender: sql.placeholder('sender'),
  note: sql.placeholder('note'),
}

/**
 * Takes the next id and inserts the payment with it in one statement, numbered with the given
 * `number` or else with the id, unless that number is taken. A generated number is not looked up
 * first, so concurrent creations never conflict over the numbers they read.
 */
function newPaymentInsert(ctx: FunctionContext) {
  return ctx.store.statement(ctx.db, 'payments:insert-new', () =>
    withNewId(ctx.db, ctx.store.dialect, payments, payments.id)
      .insert(payments)
      .values({ ...fieldValues, id: newIdValue, number: sql`coalesce(${sql.placeholder('number')}, cast(${newIdValue} as text))` })
      .onConflictDoNothing({ target: payments.number })
      .returning({ id: payments.id })
      .prepare(),
  )
}

const numberedInsert = preparedFor((db) =>
  db
    .insert(payments)
    .values({ ...fieldValues, id: sql.placeholder('id'), number: sql.placeholder('number') })
    .onConflictDoNothing({ target: payments.number })
    .returning({ id: payments.id })
    .prepare(),
)

/** Inserts a payment with this id and number unless the number is taken: returns whether it did. */
async function insertNumbered(db: Db, payment: PaymentFields & { id: number; number: string }): Promise<boolean> {
  return (await numberedInsert(db).execute(payment)).length > 0
}

/** When a number given earlier is the new id: a new id, numbered with a suffix where that is taken too. */
async function insertSuffixed(ctx: FunctionContext, fields: PaymentFields): Promise<number> {
  const id = await nextId(ctx.db, ctx.store.dialect, payments, payments.id)
  for (let n = 1; !(await insertNumbered(ctx.db, { ...fields, id, number: n === 1 ? String(id) : `${id}-${n}` })); n++);
  return id
}

/** The client a new payment is for: `account`, or `plid` as BILLmanager scripts pass it. */
function accountParam(ctx: FunctionContext, values: Values): number {
  if (values.account !== undefined && values.account !== '') return Number(values.account)
  const plid = ctx.call.params.plid
  if (plid) return parseValue('plid', { type: 'int', min: 1 }, plid) as number
  throw missed('account')
}

async function create(ctx: FunctionContext, values: Values): Promise<number> {
  const account = await requireAccount(ctx.db, ctx.user, 'account', accountParam(ctx, values))
  const amount = paymentAmount(String(values.amount), (await currencyOf(ctx.db, account.currencyId))!.places)
  const paymethodId = values.paymethod ? await usablePaymethod(ctx.db, Number(values.paymethod), account.currencyId) : null
  const given = values.number ? String(values.number) : undefined
  // Checked before an id is taken, so that a refused number leaves no gap in the ids on PostgreSQL.
  if (given !== undefined && (await numberTaken(ctx.db, given))) throw taken('number', given)
  const fields: PaymentFields = {
    accountId: account.id,
    paymethodId,
    amount,
    currencyId: account.currencyId,
    status: PaymentStatus.new,
    createdAt: ctx.now,
    sender: String(values.sender ?? ''),
    note: String(values.note ?? ''),
  }
  const made = (await newPaymentInsert(ctx).execute({ ...fields, number: given ?? null }))[0]
  if (!made && given !== undefined) throw taken('number', given)
  const id = made?.id ?? (await insertSuffixed(ctx, fields))
  await emit(ctx.db, ctx.now, { event: 'payments.create', objectId: id, data: async () => (await paymentData(ctx.db, id))! })
  return id
}

/** Sender and note change freely; amount and method only while the amount is not on the balance. */
async function update(ctx: FunctionContext, payment: Payment, values: Values): Promise<void> {
  const changes: Partial<typeof payments.$inferInsert> = {}
  if (values.amount !== undefined) {
    const amount = paymentAmount(String(values.amount), (await currencyOf(ctx.db, payment.currencyId))!.places)
    if (amount !== payment.amount) {
      if (isCredited(payment.status)) throw invalid('amount', String(values.amount), 'paymentlocked')
      changes.amount = amount
    }
  }
  if (values.paymethod !== undefined) {
    const paymethodId = values.paymethod === '' ? null : Number(values.paymethod)
    if (paymethodId !== payment.paymethodId) {
      if (isCredited(payment.status)) throw invalid('paymethod', String(values.paymethod), 'paymentlocked')
      changes.paymethodId = paymethodId === null ? null : await usablePaymethod(ctx.db, paymethodId, payment.currencyId)
    }
  }
  if (values.sender !== undefined) changes.sender = String(values.sender)
  if (values.note !== undefined) changes.note = String(values.note)
  if (!Object.keys(changes).length) return
  await ctx.db.update(payments).set(changes).where(eq(payments.id, payment.id))
  await emit(ctx.db, ctx.now, { event: 'payments.update', objectId: payment.id, data: async () => (await paymentData(ctx.db, payment.id))! })
}

/**
 * A payment: created new for a client in the client's currency; its status changes only through
 * the group operations (`payment.setpaid` and the others).
 */
export const paymentEdit = defineFunction({
  name: 'payment.edit',
  kind: 'form',
  level: Level.user,
  before: savedForm('payments.create', 'payments.update'),
  fields: {
    account: { type: 'int', min: 1, fixed: true },
    paymethod: { type: 'int', min: 1 },
    amount: { type: 'money', required: true },
    number: { type: 'string', max: 64, fixed: true },
    sender: { type: 'string', max: 255 },
    note: { type: 'text', max: 2000 },
    status: { type: 'enum', values: paymentStatusValues, readonly: true },
    currency: { type: 'currency', readonly: true },
    created: { type: 'string', readonly: true },
    paid: { type: 'string', readonly: true },
  },
  async choices(ctx) {
    const methods = await ctx.db
      .select({ id: paymethods.id, name: paymethods.name, code: currencies.code })
      .from(paymethods)
      .innerJoin(currencies, eq(currencies.id, paymethods.currencyId))
      .where(eq(paymethods.enabled, true))
      .orderBy(paymethods.name)
    return { paymethod: methods.map((m): [string, string] => [String(m.id), `${m.name} (${m.code})`]) }
  },
  async load(ctx, id) {
    const p = await visiblePayment(ctx, id)
    return p && (await paymentFields(ctx.db, p))
  },
  async save(ctx, values, id) {
    if (id === undefined) return create(ctx, values)
    await update(ctx, (await visiblePayment(ctx, id))!, values)
    return id
  },
})
