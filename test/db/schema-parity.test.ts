import { randomBytes } from 'node:crypto'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/connection'
import * as pgSchema from '../../src/db/pg/schema'
import { pgTablesOf } from '../../src/db/pg/convert'
import * as sqliteSchema from '../../src/db/schema/index'
import { projectPath } from '../../src/paths'

/** A PostgreSQL server to test against (`.ci/run` starts one); without it these tests are skipped. */
const url = process.env.BILLGATE_TEST_PG

interface Shape {
  columns: Record<string, string[]>
  indexes: string[]
}

function sqliteShape(): Shape {
  const db = openDatabase(':memory:').$client
  const tables = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name").pluck().all() as string[]
  const columns: Record<string, string[]> = {}
  for (const table of tables) {
    columns[table] = (db.prepare(`select name, "notnull" as nn, pk from pragma_table_info(?) order by name`).all(table) as { name: string; nn: number; pk: number }[]).map(
      (c) => `${c.name}${c.nn || c.pk ? ' not null' : ''}`,
    )
  }
  const indexes = (db.prepare("select name from sqlite_master where type = 'index' and name not like 'sqlite_%' order by name").pluck().all() as string[])
  return { columns, indexes }
}

describe.skipIf(!url)('the PostgreSQL schema', () => {
  const database = `parity_${randomBytes(4).toString('hex')}`
  let admin: pg.Client
  let pool: pg.Pool

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`create database ${database}`)
    const target = new URL(url!)
    target.pathname = `/${database}`
    pool = new pg.Pool({ connectionString: target.href, max: 1 })
    await migrate(drizzle(pool), { migrationsFolder: projectPath('db', 'migrations-pg') })
  })

  afterAll(async () => {
    await pool?.end()
    await admin.query(`drop database if exists ${database}`)
    await admin.end()
  })

  async function pgShape(): Promise<Shape> {
    const cols = await pool.query<{ table_name: string; column_name: string; is_nullable: string }>(
      `select table_name, column_name, is_nullable from information_schema.columns where table_schema = 'public' order by table_name, column_name`,
    )
    const columns: Record<string, string[]> = {}
    for (const c of cols.rows) (columns[c.table_name] ??= []).push(`${c.column_name}${c.is_nullable === 'NO' ? ' not null' : ''}`)
    // Primary keys are no named indexes in SQLite; unique constraints are, in both.
    const idx = await pool.query<{ indexname: string }>(
      `select indexname from pg_indexes where schemaname = 'public' and indexname not in (select conname from pg_constraint where contype = 'p') order by indexname`,
    )
    return { columns, indexes: idx.rows.map((r) => r.indexname) }
  }

  it('has the same tables, columns (and their not null) and indexes as the SQLite one, once migrated', async () => {
    const [lite, post] = [sqliteShape(), await pgShape()]
    expect(Object.keys(post.columns).sort()).toEqual(Object.keys(lite.columns).sort())
    expect(post.columns).toEqual(lite.columns)
    expect(post.indexes).toEqual(lite.indexes)
  })

  it('exports every table of the SQLite schema for drizzle-kit', () => {
    expect(Object.keys(pgSchema).sort()).toEqual(Object.keys(pgTablesOf(sqliteSchema)).sort())
  })

  it('stores 64-bit whole numbers and reads back what it stored', async () => {
    const big = 2 ** 53 - 1
    await pool.query(`insert into currencies (code, name, places, created_at) values ('XTS', 'Test', 2, $1)`, [big])
    const { rows } = await pool.query(`select created_at::text as at from currencies where code = 'XTS'`)
    expect(rows[0].at).toBe(String(big))
  })
})
