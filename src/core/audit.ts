import { sql } from 'drizzle-orm'
import type { Db } from '../db/connection'
import { preparedFor } from '../db/prepared'
import { auditLog } from '../db/schema/index'
import type { ParamSpecs } from './params'
import { isSecret } from './params'

export interface AuditEntry {
  at: number
  actor: string
  actingAs: string
  address: string
  func: string
  params: Record<string, string>
  result: string
  detail?: string
}

/** Parameters as they may be stored: secrets masked, long values cut. */
export function maskParams(params: Record<string, string>, specs: ParamSpecs = {}): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name in params) {
    if (name === 'func') continue
    const value = params[name]
    out[name] = isSecret(name, specs[name]) ? '***' : value.length > 500 ? `${value.slice(0, 500)}…` : value
  }
  return out
}

const auditInsert = preparedFor((db) =>
  db
    .insert(auditLog)
    .values({
      at: sql.placeholder('at'),
      actor: sql.placeholder('actor'),
      actingAs: sql.placeholder('actingAs'),
      address: sql.placeholder('address'),
      func: sql.placeholder('func'),
      params: sql.placeholder('params'),
      result: sql.placeholder('result'),
      detail: sql.placeholder('detail'),
    })
    .prepare(),
)

export async function recordAudit(db: Db, entry: AuditEntry, specs?: ParamSpecs): Promise<void> {
  await auditInsert(db).execute({
    at: entry.at,
    actor: storable(entry.actor).slice(0, nameLength),
    actingAs: storable(entry.actingAs).slice(0, nameLength),
    address: entry.address,
    func: storable(entry.func),
    params: JSON.stringify(maskParams(entry.params, specs)),
    result: entry.result,
    detail: storable(entry.detail ?? ''),
  })
}

/** Logins are indexed, and a refused call may name one of any length: kept to what a login can be. */
const nameLength = 255

/**
 * A name as the caller gave it, which a refused call may not have checked: NUL, which
 * PostgreSQL's text cannot hold, stands as U+FFFD (the JSON of the parameters escapes it).
 */
function storable(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD')
}
