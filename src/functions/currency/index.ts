import { eq } from 'drizzle-orm'
import { invalid, missed, taken } from '../../core/errors'
import { Level } from '../../core/principal'
import { firstRow, pageOf, rowById, sortedList } from '../../db/query'
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
  async fetch(ctx, q) {
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
  async load(ctx, id) {
    const c = await currencyById(ctx.db, id)
    return c && { code: c.code, name: c.name, places: c.places }
  },
  async save(ctx, values, id) {
    if (id !== undefined) {
      const current = (await currencyById(ctx.db, id))!
      if (values.name !== undefined) await ctx.db.update(currencies).set({ name: String(values.name) }).where(eq(currencies.id, current.id))
      return current.id
    }
    const code = String(values.code)
    if (await currencyByCode(ctx.db, code)) throw taken('code', code)
    const [created] = await ctx.db
      .insert(currencies)
      .values({ code, name: String(values.name), places: values.places === '' || values.places === undefined ? 2 : Number(values.places), createdAt: ctx.now })
      .returning({ id: currencies.id })
    return created.id
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

async function currencyInUse(db: Db, currencyId: number): Promise<boolean> {
  for (const [table, column] of currencyUsers) {
    if (await firstRow(db.select({ id: column }).from(table).where(eq(column, currencyId)).limit(1))) return true
  }
  return false
}

/** Deletes currencies that nothing uses; one used by a client, price or record is refused. */
export const currencyDelete = defineFunction({
  name: 'currency.delete',
  kind: 'group',
  level: Level.admin,
  async each(ctx, id) {
    const currency = await currencyById(ctx.db, id)
    if (!currency) return
    if (await currencyInUse(ctx.db, currency.id)) throw invalid('elid', id, 'currencyinuse', { code: currency.code })
    await ctx.db.delete(currencies).where(eq(currencies.id, currency.id))
  },
})

export function currencyByCode(db: Db, code: string) {
  return firstRow(db.select().from(currencies).where(eq(currencies.code, code)))
}

/** The currency of a code given in a field; `missed` when there is none. */
export async function requireCurrency(db: Db, code: string) {
  const currency = await currencyByCode(db, code)
  if (!currency) throw missed('currency', code)
  return currency
}

/** Currencies as choices of a select field: code → "code — name". */
export async function currencyChoices(db: Db): Promise<[string, string][]> {
  const rows = await db.select({ code: currencies.code, name: currencies.name }).from(currencies).orderBy(currencies.code)
  return rows.map((c) => [c.code, `${c.code} — ${c.name}`])
}
