import { getTableName, sql } from 'drizzle-orm'
import type { Db } from '../db/connection'
import { invoices } from '../db/schema/index'
import type { Dialect } from '../db/store'

/**
 * The id the next invoice is to be inserted with. An invoice's number is made from its id, so
 * the row is written with its number at once; neither database hands out an id twice, even one
 * of a deleted row, so no number is ever issued twice.
 */
export function nextInvoiceId(db: Db, dialect: Dialect): Promise<number> {
  return dialect === 'pg' ? nextFromSequence(db) : nextAfterLastAutoincrement(db)
}

/** AUTOINCREMENT's last id plus one: safe because it is read inside the one write lock. */
async function nextAfterLastAutoincrement(db: Db): Promise<number> {
  const row = db.get<{ seq: number } | undefined>(sql`select seq from sqlite_sequence where name = ${getTableName(invoices)}`)
  return (row?.seq ?? 0) + 1
}

/**
 * Takes the id from the identity column's sequence: concurrent writers each get their own, and
 * a transaction run again takes a new one (the one it had is skipped, never reused).
 */
async function nextFromSequence(db: Db): Promise<number> {
  const pg = db as unknown as { execute(query: unknown): Promise<{ rows: { id: number }[] }> }
  const { rows } = await pg.execute(sql`select nextval(pg_get_serial_sequence(${getTableName(invoices)}, ${invoices.id.name})) as id`)
  return Number(rows[0].id)
}
