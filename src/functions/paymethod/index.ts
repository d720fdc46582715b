import { eq } from 'drizzle-orm'
import { paymethodUsed } from '../../billing/payments'
import { invalid } from '../../core/errors'
import { Level } from '../../core/principal'
import type { Db } from '../../db/connection'
import { deleteById, firstRow, pageOf, rowById, sortedList, updateById } from '../../db/query'
import { currencies, paymethods } from '../../db/schema/index'
import { currencyChoices, requireCurrency } from '../currency/index'
import { defineFunction, type FunctionContext } from '../../core/registry'

const listed = {
  id: paymethods.id,
  name: paymethods.name,
  currency: currencies.code,
  enabled: paymethods.enabled,
}

function paymethodById(db: Db, id: string) {
  return rowById(db, paymethods, paymethods.id, id)
}

/** Payment methods; every user may see them, admins manage them. */
export const paymethodList = defineFunction({
  name: 'paymethod',
  kind: 'list',
  level: Level.user,
  cacheable: true,
  columns: [
    { name: 'id', type: 'int' },
    { name: 'name', type: 'string' },
    { name: 'currency', type: 'string' },
    { name: 'enabled', type: 'flag' },
  ],
  defaultSort: 'id',
  toolbar: ['paymethod.edit', 'paymethod.enable', 'paymethod.disable', 'paymethod.delete'],
  async fetch(ctx, q) {
    const statements = sortedList(ctx.db, paymethods, listed, paymethods.id, q, undefined, {
      table: currencies,
      on: eq(currencies.id, paymethods.currencyId),
    })
    return pageOf(statements, { limit: q.limit, offset: q.offset })
  },
})

export const paymethodEdit = defineFunction({
  name: 'paymethod.edit',
  kind: 'form',
  level: Level.admin,
  fields: {
    name: { type: 'string', required: true, max: 128 },
    currency: { type: 'currency', required: true },
    enabled: { type: 'flag', default: 'on' },
  },
  choices: async (ctx) => ({ currency: await currencyChoices(ctx.db) }),
  async load(ctx, id) {
    const p = await paymethodById(ctx.db, id)
    if (!p) return undefined
    const currency = await firstRow(ctx.db.select({ code: currencies.code }).from(currencies).where(eq(currencies.id, p.currencyId)))
    return { name: p.name, currency: currency?.code ?? '', enabled: p.enabled }
  },
  async save(ctx, values, id) {
    const changes: Partial<typeof paymethods.$inferInsert> = {}
    if (values.name !== undefined) changes.name = String(values.name)
    if (values.currency !== undefined) changes.currencyId = (await requireCurrency(ctx.db, String(values.currency))).id
    if (values.enabled !== undefined) changes.enabled = values.enabled === true
    if (id === undefined) {
      const [created] = await ctx.db
        .insert(paymethods)
        .values({ name: String(values.name), currencyId: changes.currencyId!, enabled: changes.enabled ?? true, createdAt: ctx.now })
        .returning({ id: paymethods.id })
      return created.id
    }
    await updateById(ctx.db, paymethods, paymethods.id, Number(id), changes)
    return id
  },
})

async function setEnabled(ctx: FunctionContext, id: string, enabled: boolean): Promise<void> {
  const p = await paymethodById(ctx.db, id)
  if (p) await ctx.db.update(paymethods).set({ enabled }).where(eq(paymethods.id, p.id))
}

export const paymethodEnable = defineFunction({
  name: 'paymethod.enable',
  kind: 'group',
  level: Level.admin,
  each: async (ctx, id) => setEnabled(ctx, id, true),
})

export const paymethodDisable = defineFunction({
  name: 'paymethod.disable',
  kind: 'group',
  level: Level.admin,
  each: async (ctx, id) => setEnabled(ctx, id, false),
})

export const paymethodDelete = defineFunction({
  name: 'paymethod.delete',
  kind: 'group',
  level: Level.admin,
  async each(ctx, id) {
    const method = await paymethodById(ctx.db, id)
    if (method && (await paymethodUsed(ctx.db, method.id))) throw invalid('elid', id, 'paymethodused')
    await deleteById(ctx.db, paymethods, paymethods.id, id)
  },
})
