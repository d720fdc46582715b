import { eq, getTableName, sql, type SQL } from 'drizzle-orm'
import { integer, sqliteTable, text, type SQLiteColumn, type SQLiteTable } from 'drizzle-orm/sqlite-core'
import type { Db } from './connection'
import { preparedFor } from './prepared'
import type { Dialect } from './store'

/**
 * The id the next row of `table` is to be inserted with, for rows whose other columns are made
 * from their id (an invoice's or a payment's number), so that the row is written whole at once.
 * Neither database hands out an id twice, even one of a deleted row.
 */
export function nextId(db: Db, dialect: Dialect, table: SQLiteTable, idColumn: SQLiteColumn): Promise<number> {
  return dialect === 'pg' ? nextFromSequence(db, table, idColumn) : nextAfterLastAutoincrement(db, table)
}

/** SQLite's own table of the last id each AUTOINCREMENT table handed out (not one of ours to migrate). */
const sqliteSequence = sqliteTable('sqlite_sequence', { name: text('name').notNull(), seq: integer('seq').notNull() })

const lastAutoincrement = preparedFor((db) =>
  db
    .select({ seq: sqliteSequence.seq })
    .from(sqliteSequence)
    .where(eq(sqliteSequence.name, sql.placeholder('name')))
    .prepare(),
)

/** AUTOINCREMENT's last id plus one: safe because it is read inside the one write lock. */
async function nextAfterLastAutoincrement(db: Db, table: SQLiteTable): Promise<number> {
  const [last] = await lastAutoincrement(db).execute({ name: getTableName(table) })
  return (last?.seq ?? 0) + 1
}

/**
 * Takes the id from the identity column's sequence: concurrent writers each get their own, and
 * a transaction run again takes a new one (the one it had is skipped, never reused).
 */
async function nextFromSequence(db: Db, table: SQLiteTable, idColumn: SQLiteColumn): Promise<number> {
  const pg = db as unknown as { execute(query: unknown): Promise<{ rows: { id: number }[] }> }
  const { rows } = await pg.execute(sql`select nextval(pg_get_serial_sequence(${getTableName(table)}, ${idColumn.name})) as id`)
  return Number(rows[0].id)
}

/**
 * The `with` an insert starts with to take the table's next id in the same statement, so that
 * taking it costs no round trip of its own: `newIdValue` is that id inside the statement.
 */
export function withNewId(db: Db, dialect: Dialect, table: SQLiteTable, idColumn: SQLiteColumn) {
  const name = getTableName(table)
  const next =
    dialect === 'pg'
      ? sql`select nextval(pg_get_serial_sequence(${name}, ${idColumn.name})) as id`
      : sql`select coalesce((select ${sqliteSequence.seq} from ${sqliteSequence} where ${sqliteSequence.name} = ${name}), 0) + 1 as id`
  return db.with(db.$with('new_id', { id: sql<number>`id` }).as(next))
}

/** The id `withNewId` takes, as a value of the insert. */
export const newIdValue: SQL = sql`(select id from new_id)`
