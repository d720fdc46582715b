import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The PostgreSQL server tests run against (`.ci/run` starts one); undefined: none here. */
export const testPgUrl = process.env.BILLGATE_TEST_PG

/** A new empty database on the test server: its URL, and how to drop it after. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!testPgUrl) throw new Error('BILLGATE_TEST_PG is not set')
  const name = `t_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: testPgUrl })
  await admin.connect()
  try {
    await admin.query(`create database ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(testPgUrl)
  url.pathname = `/${name}`
  return {
    url: url.href,
    async drop() {
      const client = new pg.Client({ connectionString: testPgUrl })
      await client.connect()
      try {
        await client.query(`drop database if exists ${name} with (force)`)
      } finally {
        await client.end()
      }
    },
  }
}
