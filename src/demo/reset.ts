import { getTableName, is, sql, type SQL } from 'drizzle-orm'
import { SQLiteColumn } from 'drizzle-orm/sqlite-core'
import { countRows } from '../db/query'
import { accountFields, accounts, expenses, invoices, items, paymethods, payments, pricelists, resellers, xdrs } from '../db/schema/index'
import type { Store } from '../db/store'

/** Billing tables, children before parents. */
const billingTables = [xdrs, expenses, invoices, items, payments, accountFields, accounts, resellers, paymethods, pricelists]
const tableNames = billingTables.map((table) => getTableName(table))
/** Those whose rows are numbered by an id of their own. */
const numbered = billingTables.filter((table) => 'id' in table && is(table.id, SQLiteColumn)).map((table) => getTableName(table))

/** Users that belong to a client or a reseller, and so go with them. */
const boundUsers = 'select id from users where account_id is not null or reseller_id is not null'

/** What goes before the billing tables: bound users with their sessions and login keys. */
const usersFirst = [
  `delete from sessions where user_id in (${boundUsers})`,
  `delete from login_keys where user_id in (${boundUsers})`,
  'delete from users where account_id is not null or reseller_id is not null',
]

/**
 * Removes every client, reseller and what hangs off them (their users and those users'
 * sessions, payments, services, expenses, invoices, usage records) and the catalog (payment
 * methods, tariff plans); ids start again from 1. Currencies, the operator's own users and the
 * audit log stay.
 */
export async function resetBillingData(store: Store): Promise<void> {
  if (store.dialect === 'sqlite') return resetSqlite(store)
  await store.write(async (tx) => {
    const run = (query: SQL) => (tx as unknown as { execute(query: SQL): Promise<unknown> }).execute(query)
    for (const statement of usersFirst) await run(sql.raw(statement))
    for (const table of tableNames) await run(sql.raw(`delete from "${table}"`))
    for (const table of numbered) await run(sql.raw(`alter table "${table}" alter column id restart`))
  })
}

async function resetSqlite(store: Store): Promise<void> {
  const sqlite = store.db.$client
  // Whole tables are emptied at once: with foreign keys off SQLite drops their pages instead of
  // checking each row. Nothing that stays refers to what goes (bound users go explicitly). The
  // setting cannot change inside a transaction, so it is changed around the write.
  sqlite.pragma('foreign_keys = OFF')
  try {
    await store.write(async (tx) => {
      for (const statement of usersFirst) tx.$client.exec(statement)
      for (const table of tableNames) tx.$client.exec(`delete from "${table}"`)
      tx.$client.prepare(`delete from sqlite_sequence where name in (${tableNames.map(() => '?').join(', ')})`).run(...tableNames)
    })
  } finally {
    sqlite.pragma('foreign_keys = ON')
  }
}

export function clientCount(store: Store): Promise<number> {
  return countRows(store.db, accounts)
}
