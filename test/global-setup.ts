import { PgStore } from '../src/db/pg/store'
import { databaseUrl, onServer, templateDatabase, testDatabasePrefix, testPgUrl } from './db/pg-database'

/** On PostgreSQL: migrates the template every test database is copied from, and drops them all after. */
export async function setup(): Promise<void> {
  if (!testPgUrl) return
  await onServer(`drop database if exists ${templateDatabase} with (force)`)
  await onServer(`create database ${templateDatabase}`)
  const store = await PgStore.open(databaseUrl(templateDatabase))
  await store.close()
}

export async function teardown(): Promise<void> {
  if (!testPgUrl) return
  const left = await onServer(`select datname from pg_database where starts_with(datname, '${testDatabasePrefix}') or datname = '${templateDatabase}'`)
  for (const { datname } of left.rows as { datname: string }[]) await onServer(`drop database if exists ${datname} with (force)`)
}
