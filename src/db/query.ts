import { count, sql, type AnyColumn, type SQL } from 'drizzle-orm'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'
import type { Db } from './connection'

/** `column` contains `value` literally (case-insensitive for ASCII), with % and _ taken as themselves. */
export function contains(column: AnyColumn, value: string): SQL {
  const pattern = `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  return sql`${column} like ${pattern} escape '\\'`
}

/** Rows of a table matching a condition, counted synchronously. */
export function countRows(db: Db, table: SQLiteTable, where?: SQL): number {
  return db.select({ n: count() }).from(table).where(where).get()?.n ?? 0
}
