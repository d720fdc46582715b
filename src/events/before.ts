import { randomUUID } from 'node:crypto'
import { and, asc, eq, sql } from 'drizzle-orm'
import { BillError } from '../core/errors'
import type { Db } from '../db/connection'
import { preparedFor } from '../db/prepared'
import { memoised } from '../db/table-changes'
import { provisioningHandlers, provisioningLog } from '../db/schema/index'
import type { Store } from '../db/store'
import { handles } from './catalog'
import { timeoutOf } from './defaults'
import { cut, invoke, type InvokeResult } from './invoke'
import { dataOf, handlerTables, payloadOf, type DomainEvent } from './outbox'

/**
 * The before-stage: handlers asked, before a change is applied, whether it may happen. They get
 * the proposed data and may allow it, allow it with fields changed, or forbid it. Runs with no
 * transaction open (a handler may take seconds).
 */

export interface BeforeHandler {
  id: number
  name: string
  events: string
  type: 'http' | 'script'
  target: string
  secret: string
  timeoutMs: number
  onFailure: 'allow' | 'forbid'
}

/** What one handler's answer means for the change. */
export type Verdict =
  | { allow: true; changes?: Record<string, unknown> }
  | { allow: false; message: string; unreachable: boolean }

const handlersOf = preparedFor((db: Db) =>
  db
    .select({
      id: provisioningHandlers.id,
      name: provisioningHandlers.name,
      events: provisioningHandlers.events,
      type: provisioningHandlers.type,
      target: provisioningHandlers.target,
      secret: provisioningHandlers.secret,
      timeoutMs: provisioningHandlers.timeoutMs,
      onFailure: provisioningHandlers.onFailure,
    })
    .from(provisioningHandlers)
    .where(and(eq(provisioningHandlers.stage, 'before'), eq(provisioningHandlers.status, 'enabled')))
    .orderBy(asc(provisioningHandlers.priority), asc(provisioningHandlers.id))
    .prepare(),
)

const logOf = preparedFor((db: Db) =>
  db
    .insert(provisioningLog)
    .values({
      handlerId: sql.placeholder('handlerId'),
      stage: 'before',
      event: sql.placeholder('event'),
      objectId: sql.placeholder('objectId'),
      attempt: 1,
      status: sql.placeholder('status'),
      at: sql.placeholder('at'),
      durationMs: sql.placeholder('durationMs'),
      payload: sql.placeholder('payload'),
      response: sql.placeholder('response'),
      error: sql.placeholder('error'),
    })
    .prepare(),
)

/**
 * The enabled before-handlers, first to run first: kept until the handlers may have changed, so
 * that a handler changed from anywhere (the CLI, another process or gateway) applies at once.
 */
export async function beforeHandlers(store: Store): Promise<BeforeHandler[]> {
  const { db } = store
  return memoised(db, 'handlers:before', handlerTables, () => handlersOf(db).execute())
}

/**
 * Asks every handler of each event, in priority order; a handler sees the data as the handlers
 * before it left it. Returns, per event, the fields handlers changed (empty: allowed as is).
 * Throws the refusal (`access`, object `provisioning`) of the first handler that forbids.
 */
export async function runBefore(store: Store, now: number, handlers: BeforeHandler[], events: DomainEvent[]): Promise<Record<string, unknown>[]> {
  const changed: Record<string, unknown>[] = []
  for (const e of events) {
    const changes: Record<string, unknown> = {}
    let data = await dataOf(e)
    for (const h of handlers) {
      if (!handles(h.events, e.event)) continue
      const body = payloadOf(e, data, now)
      const result = await invoke(h, {
        body,
        event: e.event,
        objectId: e.objectId,
        deliveryId: randomUUID(),
        timeoutMs: timeoutOf({ stage: 'before', timeoutMs: h.timeoutMs }),
        now,
      })
      const verdict = verdictOf(h, result, data)
      const entry = {
        handlerId: h.id,
        event: e.event,
        objectId: e.objectId,
        status: statusOf(result, verdict),
        at: now,
        durationMs: result.durationMs,
        payload: body,
        response: result.response,
        error: verdict.allow ? result.error : cut(verdict.message || result.error),
      }
      await store.write(async (tx) => {
        await logOf(tx).execute(entry)
      })
      if (!verdict.allow) throw refusal(verdict)
      if (verdict.changes) {
        Object.assign(changes, verdict.changes)
        data = { ...data, ...verdict.changes }
      }
    }
    changed.push(changes)
  }
  return changed
}

/** Reads a handler's answer as the spec has it (section 4, "before"; section 5 for scripts). */
export function verdictOf(handler: Pick<BeforeHandler, 'type' | 'onFailure'>, result: InvokeResult, sent: Record<string, unknown>): Verdict {
  if (result.unreachable) {
    return handler.onFailure === 'forbid' ? { allow: false, message: result.error, unreachable: true } : { allow: true }
  }
  const answer = jsonObjectOf(result.response)
  if (!result.ok) {
    const given = textOf(answer?.error) || (answer ? '' : result.response.trim())
    // A script's refusal is its stderr; an HTTP handler's is its body (the status when it has none).
    const message = handler.type === 'script' ? result.error || given : given || result.error
    return { allow: false, message, unreachable: false }
  }
  if (!answer) return { allow: true }
  if (answer.allow === false) return { allow: false, message: textOf(answer.error), unreachable: false }
  const data = answer.data
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { allow: true }
  const changes: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(data)) {
    if (!sameValue(value, sent[name])) changes[name] = value
  }
  return Object.keys(changes).length ? { allow: true, changes } : { allow: true }
}

/**
 * How a call is logged: failed when the handler could not be asked (whatever `on_failure` made
 * of it), else allowed or refused by its answer.
 */
function statusOf(result: InvokeResult, verdict: Verdict): 'success' | 'refused' | 'fail' {
  if (result.unreachable) return 'fail'
  return verdict.allow ? 'success' : 'refused'
}

/** The caller's error for a forbidden change: the handler's own text where it gave one. */
function refusal(verdict: { message: string; unreachable: boolean }): BillError {
  // A handler that did not answer: its connection error names internal hosts, so it stays in the log.
  if (verdict.unreachable) return new BillError('access', 'provisioning', '', {}, 'errors:access.provisioningunreachable')
  const message = verdict.message.trim().slice(0, 1000)
  return new BillError('access', 'provisioning', '', { message }, message ? 'errors:access.provisioning' : 'errors:access.provisioningrefused')
}

function jsonObjectOf(text: string): Record<string, unknown> | undefined {
  if (!text.trim()) return undefined
  try {
    const parsed: unknown = JSON.parse(text)
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value)
}

/** An echoed value is unchanged when it reads the same (`10` for `"10"`). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  const scalar = (v: unknown) => v === null || v === undefined || ['string', 'number', 'boolean'].includes(typeof v)
  if (scalar(a) && scalar(b)) return String(a ?? '') === String(b ?? '')
  return JSON.stringify(a) === JSON.stringify(b)
}
