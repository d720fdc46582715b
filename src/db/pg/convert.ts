import { is, Table, type SQL } from 'drizzle-orm'
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  type PgColumnBuilderBase,
  type PgTable,
} from 'drizzle-orm/pg-core'
import { getTableConfig, type SQLiteColumn, type SQLiteTable } from 'drizzle-orm/sqlite-core'

/**
 * The PostgreSQL tables of a SQLite schema: the same tables, columns, keys, indexes and checks,
 * so that one declaration (the SQLite one, which queries are written against) serves both
 * databases. Whole numbers (ids, money in minor units, times in milliseconds) are 64-bit
 * `bigint`; flags are `boolean`; text stays `text`.
 */
export function pgTablesOf(schema: Record<string, unknown>): Record<string, PgTable> {
  const byName = new Map<string, PgTable>()
  const out: Record<string, PgTable> = {}
  for (const [key, value] of Object.entries(schema)) {
    if (!is(value, Table)) continue
    const table = pgTableOf(value as SQLiteTable, byName)
    byName.set(getTableConfig(value as SQLiteTable).name, table)
    out[key] = table
  }
  return out
}

function pgTableOf(source: SQLiteTable, tables: Map<string, PgTable>): PgTable {
  const config = getTableConfig(source)
  const columns: Record<string, PgColumnBuilderBase> = {}
  const keyOf = new Map<string, string>()
  for (const [key, column] of Object.entries(source) as [string, unknown][]) {
    if (!isColumn(column)) continue
    keyOf.set(column.name, key)
    columns[key] = pgColumnOf(column, config.name)
  }
  return pgTable(config.name, columns, (t) => {
    const own = (column: { name: string }) => t[keyOf.get(column.name)!]
    const extras = []
    for (const i of config.indexes) {
      const cols = i.config.columns.map((c) => own(c as SQLiteColumn))
      const built = (i.config.unique ? uniqueIndex(i.config.name) : index(i.config.name)).on(...(cols as [never]))
      extras.push(i.config.where ? built.where(i.config.where as SQL) : built)
    }
    for (const c of config.checks) extras.push(check(c.name, c.value))
    for (const pk of config.primaryKeys) extras.push(primaryKey({ name: pk.getName(), columns: pk.columns.map(own) as [never] }))
    for (const fk of config.foreignKeys) {
      const ref = fk.reference()
      const target = tables.get(getTableConfig(ref.foreignTable).name)
      if (!target) throw new Error(`${config.name}: a foreign key to ${getTableConfig(ref.foreignTable).name}, declared later`)
      const targetColumns = target as unknown as Record<string, unknown>
      const foreign = ref.foreignColumns.map((c) => Object.values(targetColumns).find((col) => isNamed(col, c.name)))
      let built = foreignKey({ name: fk.getName(), columns: ref.columns.map(own) as [never], foreignColumns: foreign as [never] })
      if (fk.onDelete) built = built.onDelete(fk.onDelete)
      if (fk.onUpdate) built = built.onUpdate(fk.onUpdate)
      extras.push(built)
    }
    return extras
  })
}

function pgColumnOf(column: SQLiteColumn, table: string): PgColumnBuilderBase {
  let built
  switch (column.columnType) {
    case 'SQLiteInteger':
      built = bigint(column.name, { mode: 'number' })
      if (column.primary) built = built.generatedByDefaultAsIdentity()
      break
    case 'SQLiteBoolean':
      built = boolean(column.name)
      break
    case 'SQLiteText':
      built = text(column.name)
      break
    default:
      throw new Error(`${table}.${column.name}: no PostgreSQL type for ${column.columnType}`)
  }
  if (column.primary) built = built.primaryKey()
  if (column.notNull && !column.primary) built = built.notNull()
  if (column.hasDefault && column.default !== undefined) built = built.default(column.default as never)
  if (column.isUnique) built = built.unique(column.uniqueName)
  return built
}

function isColumn(value: unknown): value is SQLiteColumn {
  return typeof value === 'object' && value !== null && 'columnType' in value && 'name' in value && 'table' in value
}

function isNamed(value: unknown, name: string): boolean {
  return isColumn(value) && value.name === name
}
