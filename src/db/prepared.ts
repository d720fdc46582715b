import type { Db } from './connection'
import { statementFor } from './statement-cache'

let groups = 0

/**
 * Statements of a hot path, built once per handle: `build` runs on the first call with a handle
 * and its result is reused after (building and preparing a query costs more than running it).
 * They are kept in the one statement cache, under a key of their own.
 */
export function preparedFor<T>(build: (db: Db) => T): (db: Db) => T {
  const key = `group:${groups++}`
  return (db) => statementFor(db, key, () => build(db))
}
