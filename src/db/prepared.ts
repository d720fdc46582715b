import type { Db } from './connection'

/**
 * Statements of a hot path, prepared once per database: `build` runs on the first call for a
 * database and its result is reused after (building and preparing a query costs more than
 * running it).
 */
export function preparedFor<T>(build: (db: Db) => T): (db: Db) => T {
  const built = new WeakMap<Db, T>()
  return (db) => {
    let statements = built.get(db)
    if (!statements) built.set(db, (statements = build(db)))
    return statements
  }
}
