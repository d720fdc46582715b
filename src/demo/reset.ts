import type { Db } from '../db/connection'

/** Billing tables, children before parents. */
const billingTables = ['xdrs', 'expenses', 'invoices', 'items', 'payments', 'account_fields', 'accounts', 'resellers', 'paymethods', 'pricelists'] as const

/** Users that belong to a client or a reseller, and so go with them. */
const boundUsers = 'select id from users where account_id is not null or reseller_id is not null'

/**
 * Removes every client, reseller and what hangs off them (their users and those users'
 * sessions, payments, services, expenses, invoices, usage records) and the catalog (payment
 * methods, tariff plans); ids start again from 1. Currencies, the operator's own users and the
 * audit log stay.
 */
export function resetBillingData(db: Db): void {
  const sqlite = db.$client
  // Whole tables are emptied at once: with foreign keys off SQLite drops their pages instead of
  // checking each row. Nothing that stays refers to what goes (bound users go explicitly).
  sqlite.pragma('foreign_keys = OFF')
  try {
    sqlite.transaction(() => {
      sqlite.prepare(`delete from sessions where user_id in (${boundUsers})`).run()
      sqlite.prepare(`delete from login_keys where user_id in (${boundUsers})`).run()
      sqlite.prepare('delete from users where account_id is not null or reseller_id is not null').run()
      for (const table of billingTables) sqlite.prepare(`delete from "${table}"`).run()
      const names = billingTables.map(() => '?').join(', ')
      sqlite.prepare(`delete from sqlite_sequence where name in (${names})`).run(...billingTables)
    }).immediate()
  } finally {
    sqlite.pragma('foreign_keys = ON')
  }
}

export function clientCount(db: Db): number {
  return db.$client.prepare('select count(*) from accounts').pluck().get() as number
}
