import { isAbsolute } from 'node:path'
import { and, eq, inArray, sql } from 'drizzle-orm'
import { invalid } from '../../core/errors'
import type { Values } from '../../core/params'
import { clip } from '../../format/text'
import { Level } from '../../core/principal'
import { formatDateTime } from '../../format/time'
import type { Db } from '../../db/connection'
import { contains, equals, filterWhere, matching } from '../../db/filter-where'
import { pageOf, rowById, sortedList, updateById } from '../../db/query'
import { provisioningDeliveries, provisioningHandlers } from '../../db/schema/index'
import { eventIds, normalEventList } from '../../events/catalog'
import { defineFunction, type FunctionContext } from '../../core/registry'

type Handler = typeof provisioningHandlers.$inferSelect

const handlerTypes = ['http', 'script'] as const
const stages = ['after', 'before'] as const
const statuses = ['enabled', 'disabled', 'archived'] as const
const failureSettings = ['allow', 'forbid'] as const

/** The longest a before-handler may hold up the change it is asked about. */
const maxBeforeTimeoutMs = 60_000

const listed = {
  id: provisioningHandlers.id,
  name: provisioningHandlers.name,
  events: provisioningHandlers.events,
  type: provisioningHandlers.type,
  target: provisioningHandlers.target,
  stage: provisioningHandlers.stage,
  status: provisioningHandlers.status,
  priority: provisioningHandlers.priority,
}

const filters = {
  name: { type: 'string', max: 128 },
  event: { type: 'enum', values: eventIds },
  type: { type: 'enum', values: handlerTypes },
  stage: { type: 'enum', values: stages },
  status: { type: 'enum', values: statuses },
} as const

const filterRules = {
  name: contains(provisioningHandlers.name),
  // A handler of `*`, or one whose comma list names the event.
  event: matching(
    (p) => sql`(${provisioningHandlers.events} = '*' or ',' || ${provisioningHandlers.events} || ',' like '%,' || ${p} || ',%')`,
  ),
  type: equals(provisioningHandlers.type),
  stage: equals(provisioningHandlers.stage),
  status: equals(provisioningHandlers.status),
}

/** The handlers billing calls on events, after or before the change; admins manage them. */
export const handlerList = defineFunction({
  name: 'provisioning.handler',
  kind: 'list',
  level: Level.admin,
  columns: [
    { name: 'id', type: 'int' },
    { name: 'name', type: 'string' },
    { name: 'events', type: 'string' },
    { name: 'type', type: 'string' },
    { name: 'target', type: 'string' },
    { name: 'stage', type: 'string' },
    { name: 'status', type: 'string' },
    { name: 'priority', type: 'int' },
  ],
  defaultSort: 'id',
  filters,
  toolbar: ['provisioning.handler.edit', 'provisioning.handler.enable', 'provisioning.handler.disable', 'provisioning.handler.delete'],
  async fetch(ctx, q) {
    const where = filterWhere(filterRules, q.filter, { shape: 'all', condition: undefined, value: undefined }, ctx.db)
    const statements = sortedList(ctx.db, provisioningHandlers, listed, provisioningHandlers.id, q, where)
    return pageOf(statements, { limit: q.limit, offset: q.offset, ...where.values })
  },
})

function handlerById(db: Db, id: string): Promise<Handler | undefined> {
  return rowById(db, provisioningHandlers, provisioningHandlers.id, id)
}

/** The settings a handler ends up with, checked together (a target must suit the type). */
function checkedSettings(values: Values, current: Handler | undefined): Partial<typeof provisioningHandlers.$inferInsert> {
  const out: Partial<typeof provisioningHandlers.$inferInsert> = {}
  if (values.name !== undefined) out.name = String(values.name)
  if (values.events !== undefined) {
    const events = normalEventList(String(values.events))
    if (!events) throw invalid('events', clip(String(values.events)), 'handlerevents', { events: eventIds.join(', ') })
    out.events = events
  }
  if (values.type !== undefined) out.type = values.type as Handler['type']
  if (values.target !== undefined) out.target = String(values.target).trim()
  if (values.stage !== undefined) out.stage = values.stage as Handler['stage']
  if (values.status !== undefined) out.status = values.status as Handler['status']
  if (values.priority !== undefined) out.priority = Number(values.priority)
  if (values.timeout_ms !== undefined) out.timeoutMs = Number(values.timeout_ms)
  if (values.on_failure !== undefined) out.onFailure = values.on_failure as Handler['onFailure']
  if (values.secret !== undefined) out.secret = String(values.secret)

  const type = out.type ?? current?.type ?? 'http'
  const target = out.target ?? current?.target ?? ''
  if (type === 'http' && !isHttpUrl(target)) throw invalid('target', clip(target), 'handlerurl')
  if (type === 'script' && !isAbsolute(target)) throw invalid('target', clip(target), 'handlerpath')
  const stage = out.stage ?? current?.stage ?? 'after'
  const timeout = out.timeoutMs ?? current?.timeoutMs ?? 0
  if (stage === 'before' && timeout > maxBeforeTimeoutMs) {
    throw invalid('timeout_ms', String(timeout), 'handlertimeout', { max: maxBeforeTimeoutMs })
  }
  return out
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
  } catch {
    return false
  }
}

/**
 * One handler: what it is called on (`events`: `*` or event ids separated by commas), how
 * (`type` http with a URL `target`, or script with an absolute path), when (`stage`), in which
 * order (`priority`, 1 first), how long it may take (`timeout_ms`, 0: the stage's default), the
 * secret that signs its requests (never shown; left empty on update, it is kept) and what a
 * before-handler's failure to answer means (`on_failure`). Changes apply to the next event.
 */
export const handlerEdit = defineFunction({
  name: 'provisioning.handler.edit',
  kind: 'form',
  level: Level.admin,
  fields: {
    name: { type: 'string', required: true, max: 128 },
    events: { type: 'string', required: true, max: 2000 },
    type: { type: 'enum', values: handlerTypes, default: 'http' },
    target: { type: 'string', required: true, max: 2000 },
    stage: { type: 'enum', values: stages, default: 'after' },
    status: { type: 'enum', values: statuses, default: 'enabled' },
    priority: { type: 'int', min: 1, max: 1_000_000, default: '10' },
    timeout_ms: { type: 'int', min: 0, max: 600_000, default: '0' },
    on_failure: { type: 'enum', values: failureSettings, default: 'allow' },
    secret: { type: 'string', secret: true, max: 256 },
    signed: { type: 'flag', readonly: true },
    created: { type: 'string', readonly: true },
  },
  async load(ctx, id) {
    const h = await handlerById(ctx.db, id)
    if (!h) return undefined
    return {
      name: h.name,
      events: h.events,
      type: h.type,
      target: h.target,
      stage: h.stage,
      status: h.status,
      priority: h.priority,
      timeout_ms: h.timeoutMs,
      on_failure: h.onFailure,
      // The secret itself never leaves the database; the form shows whether there is one.
      signed: h.secret !== '',
      created: formatDateTime(h.createdAt),
    }
  },
  async save(ctx, values, id) {
    const current = id === undefined ? undefined : await handlerById(ctx.db, id)
    const settings = checkedSettings(values, current)
    if (!current) {
      const [created] = await ctx.db
        .insert(provisioningHandlers)
        .values({ name: settings.name!, events: settings.events!, type: settings.type!, target: settings.target!, ...settings, createdAt: ctx.now })
        .returning({ id: provisioningHandlers.id })
      return created!.id
    }
    await updateById(ctx.db, provisioningHandlers, provisioningHandlers.id, current.id, settings)
    return current.id
  },
})

async function setStatus(ctx: FunctionContext, id: string, status: Handler['status']): Promise<void> {
  const h = await handlerById(ctx.db, id)
  if (!h || h.status === status) return
  await ctx.db.update(provisioningHandlers).set({ status }).where(eq(provisioningHandlers.id, h.id))
}

export const handlerEnable = defineFunction({
  name: 'provisioning.handler.enable',
  kind: 'group',
  level: Level.admin,
  each: (ctx, id) => setStatus(ctx, id, 'enabled'),
})

export const handlerDisable = defineFunction({
  name: 'provisioning.handler.disable',
  kind: 'group',
  level: Level.admin,
  each: (ctx, id) => setStatus(ctx, id, 'disabled'),
})

/** Deletes handlers; what they had yet to receive is marked failed (their log stays). */
export const handlerDelete = defineFunction({
  name: 'provisioning.handler.delete',
  kind: 'group',
  level: Level.admin,
  async each(ctx, id) {
    const h = await handlerById(ctx.db, id)
    if (!h) return
    await ctx.db
      .update(provisioningDeliveries)
      .set({ status: 'fail', updatedAt: ctx.now })
      .where(and(eq(provisioningDeliveries.handlerId, h.id), inArray(provisioningDeliveries.status, ['pending', 'retrying'])))
    await ctx.db.delete(provisioningHandlers).where(eq(provisioningHandlers.id, h.id))
  },
})
