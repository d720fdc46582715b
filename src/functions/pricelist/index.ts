import { and, eq, sql } from 'drizzle-orm'
import { amountOf, optionalAmountOf } from '../../billing/amounts'
import { formatAmount } from '../../format/money'
import { tariffInUse } from '../../billing/services'
import { invalid } from '../../core/errors'
import { Level } from '../../core/principal'
import type { Db } from '../../db/connection'
import { deleteById, elementId, firstRow, pageOf, sortedList, updateById } from '../../db/query'
import { currencies, pricelists } from '../../db/schema/index'
import { currencyChoices, requireCurrency } from '../currency/index'
import { defineFunction } from '../../core/registry'

/** The periods a tariff can be paid for, in months, and the columns holding their prices. */
export const periods = [1, 3, 6, 12] as const
const priceColumn = { 1: 'price1', 3: 'price3', 6: 'price6', 12: 'price12' } as const

const listed = {
  id: pricelists.id,
  name: pricelists.name,
  product_type: pricelists.productType,
  currency: currencies.code,
  places: currencies.places,
  setup_fee: pricelists.setupFee,
  price_1: pricelists.price1,
  price_3: pricelists.price3,
  price_6: pricelists.price6,
  price_12: pricelists.price12,
  orderable: pricelists.orderable,
  active: pricelists.active,
}

async function tariffById(db: Db, elid: string) {
  const id = elementId(elid)
  if (id === undefined) return undefined
  return firstRow(
    db
      .select({ tariff: pricelists, code: currencies.code, places: currencies.places })
      .from(pricelists)
      .innerJoin(currencies, eq(currencies.id, pricelists.currencyId))
      .where(eq(pricelists.id, id)),
  )
}

const money = (minor: number | null, places: number) => (minor === null ? '' : formatAmount(minor, places))

/** Tariff plans with their prices; every user may see them, admins manage them. */
export const pricelistList = defineFunction({
  name: 'pricelist',
  kind: 'list',
  level: Level.user,
  cacheable: true,
  columns: [
    { name: 'id', type: 'int' },
    { name: 'name', type: 'string' },
    { name: 'product_type', type: 'string' },
    { name: 'currency', type: 'string' },
    { name: 'setup_fee', type: 'money' },
    { name: 'price_1', type: 'money' },
    { name: 'price_3', type: 'money' },
    { name: 'price_6', type: 'money' },
    { name: 'price_12', type: 'money' },
    { name: 'orderable', type: 'flag' },
    { name: 'active', type: 'flag' },
  ],
  defaultSort: 'id',
  filters: {
    product_type: { type: 'string', max: 32 },
    active: { type: 'flag' },
  },
  toolbar: ['pricelist.edit', 'pricelist.delete'],
  async fetch(ctx, q) {
    const f = q.filter
    const byType = f.product_type !== undefined && f.product_type !== ''
    // The flag goes into the statement (a shape each way), so the column maps it: 1/0 on SQLite, a boolean on PostgreSQL.
    const active = f.active === undefined ? undefined : f.active === true
    const statements = sortedList(
      ctx.db,
      pricelists,
      listed,
      pricelists.id,
      q,
      {
        shape: `${byType ? 't' : ''}${active === undefined ? '' : active ? 'a' : 'i'}`,
        condition: () => {
          const parts = []
          if (byType) parts.push(eq(pricelists.productType, sql.placeholder('type')))
          if (active !== undefined) parts.push(eq(pricelists.active, active))
          return parts.length ? and(...parts) : undefined
        },
      },
      { table: currencies, on: eq(currencies.id, pricelists.currencyId) },
    )
    const { rows, total } = await pageOf(statements, { limit: q.limit, offset: q.offset, type: f.product_type })
    return {
      rows: rows.map(({ places, ...r }) => {
        const p = Number(places)
        const out: Record<string, string | number | boolean | null> = { ...r, setup_fee: money(r.setup_fee as number, p) }
        for (const months of periods) out[`price_${months}`] = money(r[`price_${months}`] as number | null, p)
        return out
      }),
      total,
    }
  },
})

/**
 * A tariff plan: name, product type, currency, setup fee and a price per period (empty: not
 * offered for that period). The currency is fixed once created, as its prices are in its units.
 */
export const pricelistEdit = defineFunction({
  name: 'pricelist.edit',
  kind: 'form',
  level: Level.admin,
  fields: {
    name: { type: 'string', required: true, max: 128 },
    product_type: { type: 'string', required: true, max: 32 },
    currency: { type: 'currency', required: true, fixed: true },
    setup_fee: { type: 'money', default: '0' },
    price_1: { type: 'money' },
    price_3: { type: 'money' },
    price_6: { type: 'money' },
    price_12: { type: 'money' },
    orderable: { type: 'flag', default: 'on' },
    active: { type: 'flag', default: 'on' },
  },
  choices: async (ctx) => ({ currency: await currencyChoices(ctx.db) }),
  async load(ctx, id) {
    const found = await tariffById(ctx.db, id)
    if (!found) return undefined
    const { tariff: t, code, places } = found
    return {
      name: t.name,
      product_type: t.productType,
      currency: code,
      setup_fee: money(t.setupFee, places),
      price_1: money(t.price1, places),
      price_3: money(t.price3, places),
      price_6: money(t.price6, places),
      price_12: money(t.price12, places),
      orderable: t.orderable,
      active: t.active,
    }
  },
  async save(ctx, values, id) {
    const existing = id === undefined ? undefined : await tariffById(ctx.db, id)
    const currency = existing ? { id: existing.tariff.currencyId, places: existing.places } : await requireCurrency(ctx.db, String(values.currency))
    const changes: Partial<typeof pricelists.$inferInsert> = {}
    if (values.name !== undefined) changes.name = String(values.name)
    if (values.product_type !== undefined) changes.productType = String(values.product_type)
    if (values.setup_fee !== undefined) changes.setupFee = values.setup_fee === '' ? 0 : amountOf('setup_fee', String(values.setup_fee), currency.places)
    for (const months of periods) {
      const amount = optionalAmountOf(`price_${months}`, values[`price_${months}`] as string | undefined, currency.places)
      if (amount !== undefined) changes[priceColumn[months]] = amount
    }
    if (values.orderable !== undefined) changes.orderable = values.orderable === true
    if (values.active !== undefined) changes.active = values.active === true
    if (!existing) {
      const [created] = await ctx.db
        .insert(pricelists)
        .values({ name: String(values.name), productType: String(values.product_type), currencyId: currency.id, ...changes, createdAt: ctx.now })
        .returning({ id: pricelists.id })
      return created.id
    }
    await updateById(ctx.db, pricelists, pricelists.id, existing.tariff.id, changes)
    return existing.tariff.id
  },
})

export const pricelistDelete = defineFunction({
  name: 'pricelist.delete',
  kind: 'group',
  level: Level.admin,
  async each(ctx, id) {
    const tariff = elementId(id)
    if (tariff !== undefined && (await tariffInUse(ctx.db, tariff))) throw invalid('elid', id, 'item.tariffused')
    await deleteById(ctx.db, pricelists, pricelists.id, id)
  },
})
