import * as sqlite from '../schema/index'
import { pgTablesOf } from './convert'

/**
 * The PostgreSQL schema, made from the SQLite one, for drizzle-kit to generate migrations from
 * (`npm run db:generate`). Every table is exported by name: a test checks that none is missing.
 */
export const {
  accounts,
  accountFields,
  payments,
  items,
  invoices,
  expenses,
  xdrs,
  paymethods,
  pricelists,
  currencies,
  listFilters,
  idempotencyKeys,
  provisioningHandlers,
  provisioningDeliveries,
  provisioningLog,
  resellers,
  users,
  sessions,
  loginKeys,
  auditLog,
} = pgTablesOf(sqlite)
