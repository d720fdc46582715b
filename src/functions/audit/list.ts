import { and, asc, desc, eq, type SQL } from 'drizzle-orm'
import { Level } from '../../core/principal'
import { formatDateTime } from '../../core/time'
import { contains, countRows } from '../../db/query'
import { auditLog } from '../../db/schema/index'
import { defineFunction } from '../registry'

const sortColumns = {
  id: auditLog.id,
  at: auditLog.at,
  actor: auditLog.actor,
  acting_as: auditLog.actingAs,
  function: auditLog.func,
  result: auditLog.result,
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
  defaultSort: 'id',
  filters: {
    actor: { type: 'string', max: 64 },
    function: { type: 'string', max: 64 },
    result: { type: 'string', max: 16 },
  },
  fetch(ctx, q) {
    const where: SQL[] = []
    const f = q.filter
    if (f.actor) where.push(eq(auditLog.actor, String(f.actor)))
    if (f.function) where.push(contains(auditLog.func, String(f.function)))
    if (f.result) where.push(eq(auditLog.result, String(f.result)))
    const condition = where.length ? and(...where) : undefined
    const column = sortColumns[(q.sort ?? 'id') as keyof typeof sortColumns] ?? auditLog.id
    const rows = ctx.db
      .select()
      .from(auditLog)
      .where(condition)
      .orderBy(q.order === 'desc' ? desc(column) : asc(column), asc(auditLog.id))
      .limit(q.limit)
      .offset(q.offset)
      .all()
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
      total: countRows(ctx.db, auditLog, condition),
    }
  },
})
