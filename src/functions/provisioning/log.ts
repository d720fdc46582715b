import { eq, sql, type SQL } from 'drizzle-orm'
import { BillError, invalid } from '../../core/errors'
import { Level } from '../../core/principal'
import { formatDateTime } from '../../format/time'
import type { Db } from '../../db/connection'
import { equals, filterWhere, fromDay, toDay } from '../../db/filter-where'
import { firstRow, idPagedList, pageOf, rowById } from '../../db/query'
import { provisioningDeliveries, provisioningHandlers, provisioningLog } from '../../db/schema/index'
import { eventIds } from '../../events/catalog'
import { resendDelivery } from '../../events/resend'
import { defineFunction, type FunctionContext } from '../../core/registry'

/** `refused`: a before-handler answered, and forbade the change. */
const logStatuses = ['success', 'fail', 'pending', 'retrying', 'refused'] as const
const stages = ['after', 'before'] as const

/** How much of an error a row of the list shows (as `message`); the details show all of it. */
const shortError = 120

const handlerName = sql<string | null>`(select ${provisioningHandlers.name} from ${provisioningHandlers} where ${provisioningHandlers.id} = ${provisioningLog.handlerId})`

/** What each column sorts by: ids are paged on the log alone. */
const sortable = {
  id: provisioningLog.id,
  date: provisioningLog.at,
  status: provisioningLog.status,
  stage: provisioningLog.stage,
  event: provisioningLog.event,
  handler: handlerName,
  object: provisioningLog.objectId,
  attempt: provisioningLog.attempt,
  duration: provisioningLog.durationMs,
}

function pageRows(db: Db, where: SQL, orderBy: SQL[]) {
  return db
    .select({
      id: provisioningLog.id,
      date: provisioningLog.at,
      status: provisioningLog.status,
      stage: provisioningLog.stage,
      event: provisioningLog.event,
      handler_id: provisioningLog.handlerId,
      handler: provisioningHandlers.name,
      object: provisioningLog.objectId,
      attempt: provisioningLog.attempt,
      duration: provisioningLog.durationMs,
      message: sql<string>`substr(${provisioningLog.error}, 1, ${shortError + 1})`,
    })
    .from(provisioningLog)
    .leftJoin(provisioningHandlers, eq(provisioningHandlers.id, provisioningLog.handlerId))
    .where(where)
    .orderBy(...orderBy)
}

const filters = {
  event: { type: 'enum', values: eventIds },
  handler: { type: 'int', min: 1 },
  status: { type: 'enum', values: logStatuses },
  stage: { type: 'enum', values: stages },
  object: { type: 'int', min: 0 },
  date_from: { type: 'date' },
  date_to: { type: 'date' },
} as const

const filterRules = {
  event: equals(provisioningLog.event),
  handler: equals(provisioningLog.handlerId),
  status: equals(provisioningLog.status),
  stage: equals(provisioningLog.stage),
  object: equals(provisioningLog.objectId),
  date_from: fromDay(provisioningLog.at),
  date_to: toDay(provisioningLog.at),
}

/** A deleted handler's calls keep its id. */
function handlerLabel(name: string | null, id: number): string {
  return name ?? `#${id}`
}

/** Every call of a handler, either stage, newest first. */
export const logList = defineFunction({
  name: 'provisioning.log',
  kind: 'list',
  level: Level.admin,
  columns: [
    { name: 'id', type: 'int' },
    { name: 'date', type: 'datetime' },
    { name: 'status', type: 'string' },
    { name: 'stage', type: 'string' },
    { name: 'event', type: 'string' },
    { name: 'handler', type: 'string' },
    { name: 'object', type: 'int' },
    { name: 'attempt', type: 'int' },
    { name: 'duration', type: 'int' },
    { name: 'message', type: 'string', sort: false },
  ],
  defaultSort: 'id',
  defaultOrder: 'desc',
  filters,
  toolbar: ['provisioning.log.info', 'provisioning.log.resend'],
  async fetch(ctx, q) {
    const where = filterWhere(filterRules, q.filter, { shape: 'all', condition: undefined, value: undefined }, ctx.db)
    const statements = idPagedList(
      ctx.db,
      { name: 'provisioning.log', table: provisioningLog, idColumn: provisioningLog.id, sortable, page: (w, o) => pageRows(ctx.db, w, o) },
      q,
      where,
    )
    const { rows, total } = await pageOf(statements, { limit: q.limit, offset: q.offset, ...where.values })
    return {
      rows: rows.map(({ handler_id, ...r }) => {
        const message = String(r.message)
        return {
          ...r,
          date: formatDateTime(Number(r.date)),
          handler: handlerLabel(r.handler as string | null, Number(handler_id)),
          message: message.length > shortError ? `${message.slice(0, shortError)}…` : message,
        }
      }),
      total,
    }
  },
})

/** A log entry with what was sent: its own payload (before-stage) or its delivery's. */
async function logEntry(db: Db, elid: string) {
  const entry = await rowById(db, provisioningLog, provisioningLog.id, elid)
  if (!entry) return undefined
  const delivery =
    entry.deliveryId === null
      ? undefined
      : await firstRow(
          db
            .select({ deliveryId: provisioningDeliveries.deliveryId, payload: provisioningDeliveries.payload, status: provisioningDeliveries.status })
            .from(provisioningDeliveries)
            .where(eq(provisioningDeliveries.id, entry.deliveryId)),
        )
  return { entry, delivery, payload: entry.payload ?? delivery?.payload ?? '' }
}

/** One call in full: the body sent, the answer, the error, the delivery it belongs to. */
export const logInfo = defineFunction({
  name: 'provisioning.log.info',
  kind: 'form',
  level: Level.admin,
  fields: {
    date: { type: 'string', readonly: true },
    status: { type: 'enum', values: logStatuses, readonly: true },
    stage: { type: 'enum', values: stages, readonly: true },
    event: { type: 'string', readonly: true },
    handler: { type: 'int', readonly: true },
    handler_name: { type: 'string', readonly: true },
    object: { type: 'int', readonly: true },
    attempt: { type: 'int', readonly: true },
    duration: { type: 'int', readonly: true },
    delivery: { type: 'string', readonly: true },
    delivery_status: { type: 'string', readonly: true },
    payload: { type: 'text', readonly: true },
    response: { type: 'text', readonly: true },
    // Not `error`: an `<error>` element in a reply means the call failed.
    message: { type: 'text', readonly: true },
  },
  async load(ctx, id) {
    const found = await logEntry(ctx.db, id)
    if (!found) return undefined
    const { entry, delivery, payload } = found
    const handler = await firstRow(ctx.db.select({ name: provisioningHandlers.name }).from(provisioningHandlers).where(eq(provisioningHandlers.id, entry.handlerId)))
    return {
      date: formatDateTime(entry.at),
      status: entry.status,
      stage: entry.stage,
      event: entry.event,
      handler: entry.handlerId,
      handler_name: handlerLabel(handler?.name ?? null, entry.handlerId),
      object: entry.objectId ?? '',
      attempt: entry.attempt,
      duration: entry.durationMs,
      delivery: delivery?.deliveryId ?? '',
      delivery_status: delivery?.status ?? '',
      payload,
      response: entry.response,
      message: entry.error,
    }
  },
  async save() {
    throw new BillError('access', 'func', 'provisioning.log.info', {}, 'errors:access.provisioninglogviewonly')
  },
})

async function resend(ctx: FunctionContext, id: string): Promise<void> {
  const found = await logEntry(ctx.db, id)
  if (!found) return
  const { entry, payload } = found
  // A before-stage call decided a change that is over; calling it again decides nothing.
  if (entry.stage === 'before') throw invalid('elid', id, 'provisioningresendbefore')
  if (!payload) throw invalid('elid', id, 'provisioningnopayload')
  const sent = await resendDelivery(ctx.db, ctx.now, { handlerId: entry.handlerId, event: entry.event, objectId: entry.objectId, payload })
  if (!sent) throw invalid('elid', id, 'provisioninghandlergone')
}

/** Delivers logged events again to their handlers: a new delivery each, with the same body. */
export const logResend = defineFunction({
  name: 'provisioning.log.resend',
  kind: 'group',
  level: Level.admin,
  each: resend,
})
