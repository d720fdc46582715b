import { eq } from 'drizzle-orm'
import { invalid, missed, taken } from '../../core/errors'
import { Level } from '../../core/principal'
import { pageOf, rowById, sortedList } from '../../db/query'
import { accounts, currencies, expenses, invoices, payments, paymethods, pricelists } from '../../db/schema/index'
import type { Db } from '../../db/connection'
import { defineFunction } from '../../core/registry'

const listed = {
  id: currencies.id,
  code: currencies.code,
  name: currencies.name,
  places: currencies.places,
}

/** Currencies amounts are kept in; everyone may read them. */
export const currencyList = defineFunction({
  name: 'currency',
  kind: 'list',
  level: Level.user,
  cacheable: true,
  columns: [
    { name: 'id', type: 'int' },
    { name: 'code', type: 'string' },
    { name: 'name', type: 'string' },
    { name: 'places', type: 'int' },
  ],
  defaultSort: 'code',
  toolbar: ['currency.edit', 'currency.delete'],
  fetch(ctx, q) {
    return pageOf(sortedList(ctx.db, currencies, listed, currencies.id, q), { limit: q.limit, offset: q.offset })
  },
})

export function currencyById(db: Db, id: string) {
  return rowById(db, currencies, currencies.id, id)
}

/**
 * Views, creates or renames a currency. Its code and decimal places are fixed once created:
 * amounts are stored in its smallest unit, so changing the places would change every amount.
 */
export const currencyEdit = defineFunction({
  name: 'currency.edit',
  kind: 'form',
  level: Level.admin,
  fields: {
    code: { type: 'currency', required: true, fixed: true },
    name: { type: 'string', required: true, max: 64 },
    places: { type: 'int', min: 0, max: 4, default: '2', fixed: true },
  },
  load(ctx, id) {
    const c = currencyById(ctx.db, id)
    return c && { code: c.code, name: c.name, places: c.places }
  },
  save(ctx, values, id) {
    if (id !== undefined) {
      const current = currencyById(ctx.db, id)!
      if (values.name !== undefined) ctx.db.update(currencies).set({ name: String(values.name) }).where(eq(currencies.id, current.id)).run()
      return current.id
    }
    const code = String(values.code)
    const clash = ctx.db.select({ id: currencies.id }).from(currencies).where(eq(currencies.code, code)).get()
    if (clash) throw taken('code', code)
    return ctx.db
      .insert(currencies)
      .values({ code, name: String(values.name), places: values.places === '' || values.places === undefined ? 2 : Number(values.places), createdAt: ctx.now })
      .returning({ id: currencies.id })
      .get().id
  },
})

/** The tables that keep amounts in a currency, with their currency column. */
const currencyUsers = [
  [accounts, accounts.currencyId],
  [paymethods, paymethods.currencyId],
  [pricelists, pricelists.currencyId],
  [payments, payments.currencyId],
  [invoices, invoices.currencyId],
  [expenses, expenses.currencyId],
] as const

function currencyInUse(db: Db, currencyId: number): boolean {
  return currencyUsers.some(([table, column]) => db.select({ id: column }).from(table).where(eq(column, currencyId)).limit(1).get() !== undefined)
}

/** Deletes currencies that nothing uses; one used by a client, price or record is refused. */
export const currencyDelete = defineFunction({
  name: 'currency.delete',
  kind: 'group',
  level: Level.admin,
  each(ctx, id) {
    const currency = currencyById(ctx.db, id)
    if (!currency) return
    if (currencyInUse(ctx.db, currency.id)) throw invalid('elid', id, 'currencyinuse', { code: currency.code })
    ctx.db.delete(currencies).where(eq(currencies.id, currency.id)).run()
  },
})

export function currencyByCode(db: Db, code: string) {
  return db.select().from(currencies).where(eq(currencies.code, code)).get()
}

/** The currency of a code given in a field; `missed` when there is none. */
export function requireCurrency(db: Db, code: string) {
  const currency = currencyByCode(db, code)
  if (!currency) throw missed('currency', code)
  return currency
}

/** Currencies as choices of a select field: code → "code — name". */
export function currencyChoices(db: Db): [string, string][] {
  return db
    .select({ code: currencies.code, name: currencies.name })
    .from(currencies)
    .orderBy(currencies.code)
    .all()
    .map((c) => [c.code, `${c.code} — ${c.name}`])
}
