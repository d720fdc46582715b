import { and, eq, sql, type SQL } from 'drizzle-orm'
import { Level } from '../../core/principal'
import { formatDateTime } from '../../format/time'
import type { Db } from '../../db/connection'
import { containsPattern, likePlaceholder, pageOf, sortedList } from '../../db/query'
import { users } from '../../db/schema/index'
import { defineFunction, type ListQuery } from '../../core/registry'

/** The columns a row is read from, by the name they are listed (and sorted) under. */
const listed = {
  id: users.id,
  name: users.name,
  realname: users.realname,
  email: users.email,
  level: users.level,
  status: users.status,
  reseller: users.resellerId,
  account: users.accountId,
  created: users.createdAt,
}

export const levelValues = ['16', '24', '28'] as const

const filterNames = ['name', 'email', 'level', 'status', 'reseller', 'account'] as const

/**
 * The list's statements for one shape: who asks (admins see every user up to their own level,
 * a reseller's user the client users of its reseller) and which filters are used; values
 * are placeholders.
 */
function statementsFor(db: Db, ownerScope: boolean, q: ListQuery) {
  const used = filterNames.filter((f) => q.filter[f] !== undefined && q.filter[f] !== '')
  return sortedList(db, users, listed, users.id, q, {
    shape: `${ownerScope ? 'owner' : 'level'}:${used.join(',')}`,
    condition: () => {
      const where: SQL[] = [
        ownerScope
          ? sql`${users.resellerId} = ${sql.placeholder('scope')} and ${users.level} < ${Level.reseller}`
          : sql`${users.level} <= ${sql.placeholder('scope')}`,
      ]
      if (used.includes('name')) where.push(likePlaceholder(users.name, 'name'))
      if (used.includes('email')) where.push(likePlaceholder(users.email, 'email'))
      if (used.includes('level')) where.push(eq(users.level, sql.placeholder('level')))
      if (used.includes('status')) where.push(eq(users.status, sql.placeholder('status')))
      if (used.includes('reseller')) where.push(eq(users.resellerId, sql.placeholder('reseller')))
      if (used.includes('account')) where.push(eq(users.accountId, sql.placeholder('account')))
      return and(...where)
    },
  })
}

export default defineFunction({
  name: 'user',
  kind: 'list',
  level: Level.reseller,
  columns: [
    { name: 'id', type: 'int' },
    { name: 'name', type: 'string' },
    { name: 'realname', type: 'string' },
    { name: 'email', type: 'string' },
    { name: 'level', type: 'int' },
    { name: 'status', type: 'string' },
    { name: 'reseller', type: 'int' },
    { name: 'account', type: 'int' },
    { name: 'created', type: 'datetime' },
  ],
  cacheable: true,
  defaultSort: 'id',
  filters: {
    name: { type: 'string', max: 64 },
    email: { type: 'string', max: 254 },
    level: { type: 'enum', values: levelValues },
    status: { type: 'enum', values: ['active', 'suspended'] },
    reseller: { type: 'int', min: 1 },
    account: { type: 'int', min: 1 },
  },
  toolbar: ['user.edit', 'user.delete', 'user.suspend', 'user.resume'],
  async fetch(ctx, q) {
    const ownerScope = ctx.user.level < Level.admin
    const f = q.filter
    const values = {
      scope: ownerScope ? (ctx.user.resellerId ?? -1) : ctx.user.level,
      limit: q.limit,
      offset: q.offset,
      name: f.name ? containsPattern(String(f.name)) : undefined,
      email: f.email ? containsPattern(String(f.email)) : undefined,
      level: f.level ? Number(f.level) : undefined,
      status: f.status || undefined,
      reseller: f.reseller || undefined,
      account: f.account || undefined,
    }
    const { rows, total } = await pageOf(statementsFor(ctx.db, ownerScope, q), values)
    return {
      rows: rows.map((r) => ({ ...r, created: formatDateTime(Number(r.created)) })),
      total,
    }
  },
})
