import { and, asc, count, desc, eq, sql, type SQL } from 'drizzle-orm'
import { Level } from '../../core/principal'
import { formatDateTime } from '../../core/time'
import { containsPattern, likePlaceholder, pageOf, preparedOnce } from '../../db/query'
import { users } from '../../db/schema/index'
import { defineFunction, type ListQuery } from '../registry'

/** The columns a row is read from, by the name they are listed (and sorted) under. */
const listed = {
  id: users.id,
  name: users.name,
  realname: users.realname,
  email: users.email,
  level: users.level,
  status: users.status,
  created: users.createdAt,
}

export const levelValues = ['16', '24', '28'] as const

const filterNames = ['name', 'email', 'level', 'status'] as const

/** The statement for one shape of the list: who asks (scope), which filters, which order. */
function statementFor(db: Parameters<typeof preparedOnce>[0], ownerScope: boolean, q: ListQuery) {
  const used = filterNames.filter((f) => q.filter[f] !== undefined && q.filter[f] !== '')
  const sort = (q.sort ?? 'id') as keyof typeof listed
  const key = `user:${ownerScope ? 'owner' : 'level'}:${used.join(',')}:${sort}:${q.order}`
  return preparedOnce(db, key, () => {
    const where: SQL[] = [
      ownerScope ? eq(users.parentId, sql.placeholder('scope')) : sql`${users.level} <= ${sql.placeholder('scope')}`,
    ]
    if (used.includes('name')) where.push(likePlaceholder(users.name, 'name'))
    if (used.includes('email')) where.push(likePlaceholder(users.email, 'email'))
    if (used.includes('level')) where.push(eq(users.level, sql.placeholder('level')))
    if (used.includes('status')) where.push(eq(users.status, sql.placeholder('status')))
    const column = listed[sort] ?? users.id
    const condition = and(...where)
    return {
      rows: db
        .select(listed)
        .from(users)
        .where(condition)
        .orderBy(q.order === 'desc' ? desc(column) : asc(column), asc(users.id))
        .limit(sql.placeholder('limit'))
        .offset(sql.placeholder('offset'))
        .prepare(),
      count: db.select({ n: count() }).from(users).where(condition).prepare(),
    }
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
    { name: 'created', type: 'datetime' },
  ],
  cacheable: true,
  defaultSort: 'id',
  filters: {
    name: { type: 'string', max: 64 },
    email: { type: 'string', max: 254 },
    level: { type: 'enum', values: levelValues },
    status: { type: 'enum', values: ['active', 'suspended'] },
  },
  toolbar: ['user.edit', 'user.delete', 'user.suspend', 'user.resume'],
  fetch(ctx, q) {
    // Admins see every user up to their own level; resellers the users they own.
    const ownerScope = ctx.user.level < Level.admin
    const f = q.filter
    const values = {
      scope: ownerScope ? ctx.user.id : ctx.user.level,
      limit: q.limit,
      offset: q.offset,
      name: f.name ? containsPattern(String(f.name)) : undefined,
      email: f.email ? containsPattern(String(f.email)) : undefined,
      level: f.level ? Number(f.level) : undefined,
      status: f.status || undefined,
    }
    const { rows, total } = pageOf(statementFor(ctx.db, ownerScope, q), values)
    return {
      rows: rows.map((r) => ({ ...r, created: formatDateTime(r.created) })),
      total,
    }
  },
})
