import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import type { Logger } from 'drizzle-orm/logger'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { projectPath } from '../paths'
import * as schema from './schema/index'

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database }

const migrationsFolder = projectPath('db', 'migrations')

/**
 * Opens (creating if needed) and migrates the database at path, or in memory for ':memory:'.
 * `logger` sees every statement drizzle runs on it.
 */
export function openDatabase(path: string, logger?: Logger): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const sqlite = new Database(path)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // 32 MiB of page cache (the default is 2 MiB): a list's exact count walks a whole index, and
  // on a million rows that index must stay in memory beside the pages the list itself reads.
  sqlite.pragma('cache_size = -32768')
  const db = drizzle(sqlite, { schema, logger })
  migrate(db, { migrationsFolder })
  return db
}
