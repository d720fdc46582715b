import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm'
import { contains, countRows } from '../../db/query'
import { Level } from '../../core/principal'
import { formatDateTime } from '../../core/time'
import { users } from '../../db/schema/index'
import { defineFunction } from '../registry'

const sortColumns = {
  id: users.id,
  name: users.name,
  realname: users.realname,
  email: users.email,
  level: users.level,
  status: users.status,
  created: users.createdAt,
}

export const levelValues = ['16', '24', '28'] as const

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
  defaultSort: 'id',
  filters: {
    name: { type: 'string', max: 64 },
    email: { type: 'string', max: 254 },
    level: { type: 'enum', values: levelValues },
    status: { type: 'enum', values: ['active', 'suspended'] },
  },
  toolbar: ['user.edit', 'user.delete', 'user.suspend', 'user.resume'],
  fetch(ctx, q) {
    const where: SQL[] = []
    if (ctx.user.level < Level.admin) where.push(eq(users.parentId, ctx.user.id))
    else where.push(sql`${users.level} <= ${ctx.user.level}`)
    const f = q.filter
    if (f.name) where.push(contains(users.name, String(f.name)))
    if (f.email) where.push(contains(users.email, String(f.email)))
    if (f.level) where.push(eq(users.level, Number(f.level)))
    if (f.status) where.push(eq(users.status, f.status as 'active' | 'suspended'))
    const condition = and(...where)
    const column = sortColumns[(q.sort ?? 'id') as keyof typeof sortColumns] ?? users.id
    const rows = ctx.db
      .select({
        id: users.id,
        name: users.name,
        realname: users.realname,
        email: users.email,
        level: users.level,
        status: users.status,
        createdAt: users.createdAt,
      })
      .from(users)
      .where(condition)
      .orderBy(q.order === 'desc' ? desc(column) : asc(column), asc(users.id))
      .limit(q.limit)
      .offset(q.offset)
      .all()
    const total = countRows(ctx.db, users, condition)
    return {
      rows: rows.map(({ createdAt, ...r }) => ({ ...r, created: formatDateTime(createdAt) })),
      total,
    }
  },
})

