import type Database from 'better-sqlite3'
import type { Task } from '../cli/progress'

/** Rows per transaction: big enough that commits cost nothing, small enough for a short WAL. */
const rowsPerTransaction = 50_000

/**
 * Appends rows to one table through one prepared statement, committing every
 * rowsPerTransaction rows. Values are positional, in the order of `columns`; booleans as 0/1.
 * After an error the open transaction is the caller's to roll back (see rollbackOpen).
 */
export class Inserter {
  private readonly statement: Database.Statement
  private pending = 0

  constructor(
    private readonly sqlite: Database.Database,
    table: string,
    columns: readonly string[],
    private readonly task: Task,
  ) {
    const names = columns.map((c) => `"${c}"`).join(', ')
    const marks = columns.map(() => '?').join(', ')
    this.statement = sqlite.prepare(`insert into "${table}" (${names}) values (${marks})`)
  }

  row(...values: unknown[]): void {
    if (this.pending === 0) this.sqlite.exec('begin immediate')
    this.statement.run(...values)
    this.task.tick()
    if (++this.pending === rowsPerTransaction) this.commit()
  }

  finish(): void {
    this.commit()
    this.task.done()
  }

  private commit(): void {
    if (this.pending === 0) return
    this.sqlite.exec('commit')
    this.pending = 0
  }
}

/** Rolls back a batch left open by an error, so the connection can be used (and closed) again. */
export function rollbackOpen(sqlite: Database.Database): void {
  if (sqlite.inTransaction) sqlite.exec('rollback')
}

/** The id the next row of an AUTOINCREMENT table gets: past every id it has ever handed out. */
export function nextId(sqlite: Database.Database, table: string): number {
  const max = sqlite.prepare(`select coalesce(max(id), 0) from "${table}"`).pluck().get() as number
  const seq = sqlite.prepare('select coalesce(max(seq), 0) from sqlite_sequence where name = ?').pluck().get(table) as number
  return Math.max(max, seq) + 1
}
