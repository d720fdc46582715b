import { and, eq, ne, sql } from 'drizzle-orm'
import { invalid, taken } from '../../core/errors'
import { Level } from '../../core/principal'
import { containsPattern, firstRow, likePlaceholder, pageOf, rowById, sortedList, updateById } from '../../db/query'
import { accounts, resellers } from '../../db/schema/index'
import { formatDateTime } from '../../format/time'
import { defineFunction, type FunctionContext } from '../../core/registry'

const listed = {
  id: resellers.id,
  name: resellers.name,
  email: resellers.email,
  status: resellers.status,
  created: resellers.createdAt,
}

const statuses = ['active', 'suspended'] as const

/** Resellers: admins see every one, a reseller's staff its own. */
export const resellerList = defineFunction({
  name: 'reseller',
  kind: 'list',
  level: Level.reseller,
  cacheable: true,
  columns: [
    { name: 'id', type: 'int' },
    { name: 'name', type: 'string' },
    { name: 'email', type: 'string' },
    { name: 'status', type: 'string' },
    { name: 'created', type: 'datetime' },
  ],
  defaultSort: 'id',
  filters: {
    name: { type: 'string', max: 128 },
    status: { type: 'enum', values: statuses },
  },
  toolbar: ['reseller.edit', 'reseller.suspend', 'reseller.resume', 'reseller.delete'],
  async fetch(ctx, q) {
    const f = q.filter
    const byName = Boolean(f.name)
    const byStatus = Boolean(f.status)
    const own = ctx.user.level < Level.admin
    const statements = sortedList(ctx.db, resellers, listed, resellers.id, q, {
      shape: `${own ? 'o' : ''}${byName ? 'n' : ''}${byStatus ? 's' : ''}`,
      condition: () => {
        const parts = own ? [eq(resellers.id, sql.placeholder('own'))] : []
        if (byName) parts.push(likePlaceholder(resellers.name, 'name'))
        if (byStatus) parts.push(eq(resellers.status, sql.placeholder('status')))
        return parts.length ? and(...parts) : undefined
      },
    })
    const { rows, total } = await pageOf(statements, {
      limit: q.limit,
      offset: q.offset,
      name: byName ? containsPattern(String(f.name)) : undefined,
      status: f.status,
      own: own ? (ctx.user.resellerId ?? -1) : undefined,
    })
    return { rows: rows.map((r) => ({ ...r, created: formatDateTime(Number(r.created)) })), total }
  },
})

export const resellerEdit = defineFunction({
  name: 'reseller.edit',
  kind: 'form',
  level: Level.admin,
  fields: {
    name: { type: 'string', required: true, max: 128 },
    email: { type: 'email' },
    note: { type: 'text', max: 2000 },
    status: { type: 'enum', values: statuses, readonly: true },
  },
  async load(ctx, id) {
    const r = await rowById(ctx.db, resellers, resellers.id, id)
    return r && { name: r.name, email: r.email, note: r.note, status: r.status }
  },
  async save(ctx, values, id) {
    const name = values.name === undefined ? undefined : String(values.name)
    if (name !== undefined) {
      const clash = await firstRow(
        ctx.db
          .select({ id: resellers.id })
          .from(resellers)
          .where(id === undefined ? eq(resellers.name, name) : and(eq(resellers.name, name), ne(resellers.id, Number(id)))),
      )
      if (clash) throw taken('name', name)
    }
    const changes: Partial<typeof resellers.$inferInsert> = {}
    if (name !== undefined) changes.name = name
    if (values.email !== undefined) changes.email = String(values.email)
    if (values.note !== undefined) changes.note = String(values.note)
    if (id === undefined) {
      const [created] = await ctx.db
        .insert(resellers)
        .values({ name: String(name), ...changes, createdAt: ctx.now })
        .returning({ id: resellers.id })
      return created.id
    }
    await updateById(ctx.db, resellers, resellers.id, Number(id), changes)
    return id
  },
})

async function setStatus(ctx: FunctionContext, id: string, status: (typeof statuses)[number]): Promise<void> {
  const r = await rowById(ctx.db, resellers, resellers.id, id)
  if (r) await ctx.db.update(resellers).set({ status }).where(eq(resellers.id, r.id))
}

export const resellerSuspend = defineFunction({
  name: 'reseller.suspend',
  kind: 'group',
  level: Level.admin,
  each: async (ctx, id) => setStatus(ctx, id, 'suspended'),
})

export const resellerResume = defineFunction({
  name: 'reseller.resume',
  kind: 'group',
  level: Level.admin,
  each: async (ctx, id) => setStatus(ctx, id, 'active'),
})

/** Deletes resellers (with their staff users); one that still has clients is refused. */
export const resellerDelete = defineFunction({
  name: 'reseller.delete',
  kind: 'group',
  level: Level.admin,
  async each(ctx, id) {
    const reseller = await rowById(ctx.db, resellers, resellers.id, id)
    if (!reseller) return
    const client = await firstRow(ctx.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.resellerId, reseller.id)).limit(1))
    if (client) throw invalid('elid', id, 'resellerhasclients', { name: reseller.name })
    await ctx.db.delete(resellers).where(eq(resellers.id, reseller.id))
  },
})
