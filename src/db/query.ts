import { Column, asc, count, desc, eq, getTableName, inArray, is, sql, type AnyColumn, type Placeholder, type SQL } from 'drizzle-orm'
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core'
import { statementFor } from './statement-cache'
import type { Db } from './connection'

/** A column's value as rows carry it (the same as a document's scalar). */
export type Cell = string | number | boolean | null

/**
 * Orders by a column or value, with missing values (NULL) first when ascending and last when
 * descending, as SQLite does by itself: PostgreSQL's default is the other way round. A column
 * that cannot be NULL is ordered plainly, so its indexes serve the order on both databases,
 * unless it comes from a left-joined table (`fromLeftJoin`), where it is missing for rows
 * nothing matched.
 */
export function orderedBy(value: AnyColumn | SQL, order: 'asc' | 'desc', fromLeftJoin = false): SQL {
  if (!fromLeftJoin && is(value, Column) && value.notNull) return order === 'desc' ? desc(value) : asc(value)
  return order === 'desc' ? sql`${value} desc nulls last` : sql`${value} asc nulls first`
}

/** The LIKE pattern for "contains `value` literally": % and _ taken as themselves. */
export function containsPattern(value: string): string {
  return `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/**
 * `column` matches a LIKE pattern given as a placeholder, with backslash escapes, whatever the
 * case of either (SQLite's LIKE ignores case, PostgreSQL's does not: both sides are lowered).
 */
export function likePlaceholder(column: AnyColumn | SQL, placeholder: Placeholder | string): SQL {
  const pattern = typeof placeholder === 'string' ? sql.placeholder(placeholder) : placeholder
  return sql`lower(${column}) like lower(${pattern}) escape '\\'`
}

/** Rows of a table matching a condition. */
export async function countRows(db: Db, table: SQLiteTable, where?: SQL): Promise<number> {
  return (await firstRow(db.select({ n: count() }).from(table).where(where)))?.n ?? 0
}

/**
 * A statement prepared once per handle and shape (`key`), with its values as placeholders: lists
 * run the same few queries over and over, and building and preparing them dominates. Keys are
 * made of declared names only (table, filters used, sort column, order); the combinations a
 * caller may try are many, so the one cache bounds what it keeps per handle.
 */
function preparedOnce<T>(db: Db, key: string, build: () => T): T {
  return statementFor(db, key, build)
}

/** A list's two prepared statements: one page of rows, and how many rows there are in all. */
export interface ListStatements<R> {
  rows: { execute(values: Record<string, unknown>): PromiseLike<R[]> }
  count: { execute(values: Record<string, unknown>): PromiseLike<{ n: number }[]> }
}

/**
 * One page and the exact total. (A `count(*) over ()` window in the page query would save the
 * second statement but makes SQLite sort and count every row first: three times slower.)
 */
export async function pageOf<R>(
  statements: ListStatements<R>,
  values: Record<string, unknown> & { offset: number; limit: number },
): Promise<{ rows: R[]; total: number }> {
  const rows = await statements.rows.execute(values)
  const total = values.offset === 0 && rows.length < values.limit ? rows.length : ((await statements.count.execute(values))[0]?.n ?? 0)
  return { rows, total }
}

/**
 * A table joined to a list's own for some of its columns; `left` keeps rows that have no match
 * (their columns from it are null). The count never joins, so a list's condition must be on
 * its own table's columns.
 */
export interface ListJoin {
  table: SQLiteTable
  on: SQL
  left?: boolean
}

/**
 * The statements of a plain list: `listed` columns (by the names they are listed and sorted
 * under) of one table, in the requested order, optionally narrowed by a condition whose values
 * are placeholders. `shape` names the condition's variant, so each variant is prepared once.
 */
export function sortedList(
  db: Db,
  table: SQLiteTable,
  listed: Record<string, SQLiteColumn>,
  idColumn: AnyColumn,
  q: { sort?: string; order: 'asc' | 'desc' },
  where?: { shape: string; condition: () => SQL | undefined },
  /** Other tables some listed columns come from (a currency's code, a client's name). */
  join?: ListJoin | ListJoin[],
): ListStatements<Record<string, Cell>> {
  const sort = q.sort !== undefined && q.sort in listed ? q.sort : undefined
  const key = `${getTableName(table)}:${where?.shape ?? ''}:${sort ?? ''}:${q.order}`
  return preparedOnce(db, key, () => {
    const condition = where?.condition()
    const joins = join === undefined ? [] : Array.isArray(join) ? join : [join]
    const column = sort ? listed[sort] : idColumn
    const fromLeftJoin = joins.some((j) => j.left && is(column, Column) && column.table === j.table)
    let rows = db.select(listed).from(table).$dynamic()
    for (const j of joins) {
      rows = j.left ? rows.leftJoin(j.table, j.on) : rows.innerJoin(j.table, j.on)
    }
    return {
      rows: rows
        .where(condition)
        // Ties by id in the same direction, so an index on (column, id) serves both directions.
        .orderBy(orderedBy(column, q.order, fromLeftJoin), orderedBy(idColumn, q.order))
        .limit(sql.placeholder('limit'))
        .offset(sql.placeholder('offset'))
        .prepare(),
      count: db.select({ n: count() }).from(table).where(condition).prepare(),
    } as ListStatements<Record<string, Cell>> // columns hold numbers, strings, flags or null
  })
}

/**
 * The statements of a list whose rows take columns from other tables (a client's name, a
 * currency's code) and whose last pages must cost what its first does. The page's ids are
 * chosen from `table` alone — filtered, sorted and skipped by OFFSET there, on its own indexes —
 * and only the rows of that page are joined:
 * `… where id in (select id from table where … order by … limit ? offset ?) order by …`.
 * The total is a plain count on `table` with the same condition.
 *
 * `sortable` gives what each sortable name orders by. It is used in both queries, so a value
 * from another table is written as a correlated subquery
 * (`(select name from accounts where accounts.id = payments.account_id)`), not a joined column.
 * Ties go by id in the same direction as the sort, so an index on (column, id) serves both
 * directions. `name` tells lists over the same table apart; `where.shape` names the
 * condition's variant, so each variant is prepared once.
 */
export function idPagedList(
  db: Db,
  list: {
    name: string
    table: SQLiteTable
    idColumn: SQLiteColumn
    sortable: Record<string, AnyColumn | SQL>
    /** The page's rows, joined as needed, narrowed by `where` and ordered by `orderBy`. */
    page: (where: SQL, orderBy: SQL[]) => { prepare(): unknown }
  },
  q: { sort?: string; order: 'asc' | 'desc' },
  where?: { shape: string; condition: () => SQL | undefined },
): ListStatements<Record<string, Cell>> {
  const sort = q.sort !== undefined && q.sort in list.sortable ? q.sort : undefined
  const key = `ids:${list.name}:${where?.shape ?? ''}:${sort ?? ''}:${q.order}`
  return preparedOnce(db, key, () => {
    const condition = where?.condition()
    const orderBy = [...(sort && list.sortable[sort] !== list.idColumn ? [orderedBy(list.sortable[sort], q.order)] : []), orderedBy(list.idColumn, q.order)]
    const ids = db
      .select({ id: list.idColumn })
      .from(list.table)
      .where(condition)
      .orderBy(...orderBy)
      .limit(sql.placeholder('limit'))
      .offset(sql.placeholder('offset'))
    return {
      rows: list.page(inArray(list.idColumn, ids), orderBy).prepare(),
      count: db.select({ n: count() }).from(list.table).where(condition).prepare(),
    } as ListStatements<Record<string, Cell>> // columns hold numbers, strings, flags or null
  })
}

/** An `elid` as a row id, or undefined when it cannot be one. */
export function elementId(elid: string): number | undefined {
  return /^\d{1,15}$/.test(elid) ? Number(elid) : undefined
}

/** The row of a table whose id column equals an `elid`, if there is one. */
export async function rowById<T extends SQLiteTable>(db: Db, table: T, idColumn: SQLiteColumn, elid: string): Promise<T['$inferSelect'] | undefined> {
  const id = elementId(elid)
  return id === undefined ? undefined : rowWithId(db, table, idColumn, id)
}

/** The row of a table whose id column equals `id`, if there is one (a prepared statement per table). */
export async function rowWithId<T extends SQLiteTable>(db: Db, table: T, idColumn: SQLiteColumn, id: number): Promise<T['$inferSelect'] | undefined> {
  const statement = preparedOnce(db, `row:${getTableName(table)}:${idColumn.name}`, () =>
    db
      .select()
      .from(table as SQLiteTable)
      .where(eq(idColumn, sql.placeholder('id')))
      .prepare(),
  )
  return (await statement.execute({ id }))[0] as T['$inferSelect'] | undefined
}

/** Deletes the row whose id column equals an `elid`; an `elid` that names no row changes nothing. */
export async function deleteById(db: Db, table: SQLiteTable, idColumn: SQLiteColumn, elid: string): Promise<void> {
  const id = elementId(elid)
  if (id !== undefined) await db.delete(table).where(eq(idColumn, id))
}

/**
 * Sets columns of the row whose id column equals `id`. Columns left undefined are not set, and a
 * save that sets none writes nothing (a form saved unchanged): returns whether it wrote.
 */
export async function updateById<T extends SQLiteTable>(db: Db, table: T, idColumn: SQLiteColumn, id: number, changes: Partial<T['$inferInsert']>): Promise<boolean> {
  if (!Object.values(changes).some((value) => value !== undefined)) return false
  await db.update(table as SQLiteTable).set(changes).where(eq(idColumn, id))
  return true
}

/** The first row of a query, if any (what SQLite's `.get()` gave, on either database). */
export async function firstRow<T>(query: PromiseLike<T[]>): Promise<T | undefined> {
  return (await query)[0]
}

/** How many rows a write changed, whichever driver ran it (SQLite's `changes`, PostgreSQL's `rowCount`). */
export function changedRows(result: unknown): number {
  const r = result as { changes?: number; rowCount?: number | null }
  return r.changes ?? r.rowCount ?? 0
}
