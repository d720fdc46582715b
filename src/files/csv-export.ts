import type { AnyColumn, SQL } from 'drizzle-orm'
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core'
import { scopeCondition } from '../billing/scope'
import { scopeOf } from '../core/access'
import type { ParamSpecs } from '../core/params'
import { Level } from '../core/principal'
import type { Db } from '../db/connection'
import { filterWhere, type FilterRule } from '../db/filter-where'
import type { Store } from '../db/store'
import { defineFunction, type FileDef, type FileReply, type FileSpec } from '../core/registry'
import { CsvWriter } from '../output/csv'
import type { Lookup } from './lookups'
import { windowChunks, windowedRows } from './windows'

/** A list's rows as a CSV file: what it selects and how each selected row is written. */
export interface CsvExport {
  /** The file's name, without `.csv`; also names the export's statements. */
  name: string
  table: SQLiteTable
  id: SQLiteColumn
  /** What each row holds, in the order `write` reads it: the id first, then the table's columns. */
  fields: readonly (SQLiteColumn | SQL)[]
  /** The header line's column names (the list's). */
  columns: readonly string[]
  /**
   * The lookups `write` uses, each with the position in `fields` of the id it is given: the
   * ids a window of rows names are read before its rows are written.
   */
  lookups?: readonly (readonly [lookup: Lookup<unknown>, field: number])[]
  /** Writes one selected row as a CSV line. */
  write(row: unknown[], out: CsvWriter): void
}

/** The list's filter as filterWhere gives it: shape, condition, and its placeholders' values. */
export interface ExportFilter {
  shape: string
  condition: () => SQL | undefined
  values: Record<string, unknown>
}

/** Every row the filter selects, as a CSV file read from the database as it is sent. */
export async function csvFile(store: Store, spec: CsvExport, where: ExportFilter): Promise<FileReply> {
  const rows = await windowedRows(store, {
    shape: `${spec.name}:${where.shape}`,
    table: spec.table,
    id: spec.id,
    fields: spec.fields,
    where: where.condition(),
    values: where.values,
  })
  const lookups = spec.lookups ?? []
  const lookUp = async (window: unknown[][]) => {
    await Promise.all(lookups.map(([lookup, field]) => lookup.load(window.map((row) => row[field] as number | null))))
  }
  const out = new CsvWriter()
  return {
    format: 'csv',
    filename: `${spec.name}.csv`,
    content: windowChunks(rows, spec.columns, spec.write, out, lookUp),
    recycle: (chunk) => out.recycle(chunk),
  }
}

/**
 * A list's CSV export, both ways it is reached: the list with `out=csv` (`file`) and its
 * `<list>.download` function for the file channel at `/admin/<route>` (`download`). Either
 * gives every row the filter selects and the caller may see, in id order. The file is read
 * after the call has returned, through the store's own handle (never a transaction's).
 */
export function csvExportOf(list: {
  name: string
  route: string
  filters: ParamSpecs
  rules: Record<string, FilterRule>
  accountColumn: AnyColumn
  rows: (db: Db) => CsvExport
}): { file: FileSpec; download: FileDef } {
  const file: FileSpec = {
    format: 'csv',
    async open(ctx, filter) {
      const { store } = ctx
      const where = await filterWhere(list.rules, filter, scopeCondition(scopeOf(ctx.user), list.accountColumn), store.db)
      return csvFile(store, list.rows(store.db), where)
    },
  }
  const download = defineFunction({
    name: `${list.name}.download`,
    kind: 'file',
    level: Level.user,
    params: list.filters,
    file: { ...file, route: list.route },
  })
  return { file, download }
}
