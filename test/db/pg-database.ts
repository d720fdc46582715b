import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The PostgreSQL server tests run against (`.ci/run` starts one); undefined: none here. */
export const testPgUrl = process.env.BILLGATE_TEST_PG

/** The migrated, empty database test databases are copied from (made once per run by the global setup). */
export const templateDatabase = 'billgate_test_template'

/** Test databases are named with this prefix; the global teardown drops whatever is left. */
export const testDatabasePrefix = 't_'

/** The URL of a database on the test server. */
export function databaseUrl(name: string): string {
  if (!testPgUrl) throw new Error('BILLGATE_TEST_PG is not set')
  const url = new URL(testPgUrl)
  url.pathname = `/${name}`
  return url.href
}

/** Runs one statement on the test server's own database. */
export async function onServer(statement: string): Promise<pg.QueryResult> {
  const admin = new pg.Client({ connectionString: testPgUrl })
  await admin.connect()
  try {
    return await admin.query(statement)
  } finally {
    await admin.end()
  }
}

/**
 * A new database on the test server: its URL, and how to drop it after. `migrated` copies the
 * template the global setup migrated, which is much faster than migrating each database.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${testDatabasePrefix}${randomBytes(6).toString('hex')}`
  await onServer(`create database ${name}${options.migrated ? ` template ${templateDatabase}` : ''}`)
  return {
    url: databaseUrl(name),
    drop: async () => void (await onServer(`drop database if exists ${name} with (force)`)),
  }
}
