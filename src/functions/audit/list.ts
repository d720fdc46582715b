import { and, eq, sql, type SQL } from 'drizzle-orm'
import { Level } from '../../core/principal'
import { formatDateTime } from '../../format/time'
import type { Db } from '../../db/connection'
import { containsPattern, likePlaceholder, pageOf, sortedList } from '../../db/query'
import { auditLog } from '../../db/schema/index'
import { defineFunction, type ListQuery } from '../../core/registry'

/** The columns a row is read from, by the name they are listed (and sorted) under. */
const listed = {
  id: auditLog.id,
  at: auditLog.at,
  actor: auditLog.actor,
  acting_as: auditLog.actingAs,
  address: auditLog.address,
  function: auditLog.func,
  params: auditLog.params,
  result: auditLog.result,
  detail: auditLog.detail,
}

const filterNames = ['actor', 'function', 'result'] as const

function statementsFor(db: Db, q: ListQuery) {
  const used = filterNames.filter((f) => q.filter[f] !== undefined && q.filter[f] !== '')
  return sortedList(db, auditLog, listed, auditLog.id, q, {
    shape: used.join(','),
    condition: () => {
      const where: SQL[] = []
      if (used.includes('actor')) where.push(eq(auditLog.actor, sql.placeholder('actor')))
      if (used.includes('function')) where.push(likePlaceholder(auditLog.func, 'function'))
      if (used.includes('result')) where.push(eq(auditLog.result, sql.placeholder('result')))
      return where.length ? and(...where) : undefined
    },
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
  async fetch(ctx, q) {
    const f = q.filter
    const values = {
      limit: q.limit,
      offset: q.offset,
      actor: f.actor || undefined,
      function: f.function ? containsPattern(String(f.function)) : undefined,
      result: f.result || undefined,
    }
    const { rows, total } = await pageOf(statementsFor(ctx.db, q), values)
    return { rows: rows.map((r) => ({ ...r, at: formatDateTime(Number(r.at)) })), total }
  },
})
