import { and, asc, count, desc, eq, sql, type SQL } from 'drizzle-orm'
import { Level } from '../../core/principal'
import { formatDateTime } from '../../core/time'
import type { Db } from '../../db/connection'
import { containsPattern, likePlaceholder, pageOf, preparedOnce } from '../../db/query'
import { auditLog } from '../../db/schema/index'
import { defineFunction, type ListQuery } from '../registry'

const sortColumns = {
  id: auditLog.id,
  at: auditLog.at,
  actor: auditLog.actor,
  acting_as: auditLog.actingAs,
  function: auditLog.func,
  result: auditLog.result,
}

const filterNames = ['actor', 'function', 'result'] as const

function statementFor(db: Db, q: ListQuery) {
  const used = filterNames.filter((f) => q.filter[f] !== undefined && q.filter[f] !== '')
  const sort = (q.sort ?? 'id') as keyof typeof sortColumns
  return preparedOnce(db, `audit:${used.join(',')}:${sort}:${q.order}`, () => {
    const where: SQL[] = []
    if (used.includes('actor')) where.push(eq(auditLog.actor, sql.placeholder('actor')))
    if (used.includes('function')) where.push(likePlaceholder(auditLog.func, 'function'))
    if (used.includes('result')) where.push(eq(auditLog.result, sql.placeholder('result')))
    const column = sortColumns[sort] ?? auditLog.id
    const condition = where.length ? and(...where) : undefined
    return {
      rows: db
        .select()
        .from(auditLog)
        .where(condition)
        .orderBy(q.order === 'desc' ? desc(column) : asc(column), asc(auditLog.id))
        .limit(sql.placeholder('limit'))
        .offset(sql.placeholder('offset'))
        .prepare(),
      count: db.select({ n: count() }).from(auditLog).where(condition).prepare(),
    }
  })
}

/** Every write and every su: who, as whom, from where, what, with which result. */
export default defineFunction({
  name: 'audit',
  kind: 'list',
  level: Level.admin,
  columns: [
    { name: 'id', type: 'int' },
    { name: 'at', type: 'datetime' },
    { name: 'actor', type: 'string' },
    { name: 'acting_as', type: 'string' },
    { name: 'address', type: 'string', sort: false },
    { name: 'function', type: 'string' },
    { name: 'params', type: 'string', sort: false },
    { name: 'result', type: 'string' },
    { name: 'detail', type: 'string', sort: false },
  ],
  cacheable: true,
  defaultSort: 'id',
  filters: {
    actor: { type: 'string', max: 64 },
    function: { type: 'string', max: 64 },
    result: { type: 'string', max: 16 },
  },
  fetch(ctx, q) {
    const f = q.filter
    const values = {
      limit: q.limit,
      offset: q.offset,
      actor: f.actor || undefined,
      function: f.function ? containsPattern(String(f.function)) : undefined,
      result: f.result || undefined,
    }
    const { rows, total } = pageOf(statementFor(ctx.db, q), values)
    return {
      rows: rows.map((r) => ({
        id: r.id,
        at: formatDateTime(r.at),
        actor: r.actor,
        acting_as: r.actingAs,
        address: r.address,
        function: r.func,
        params: r.params,
        result: r.result,
        detail: r.detail,
      })),
      total,
    }
  },
})
