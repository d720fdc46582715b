import { sql } from 'drizzle-orm'
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { paymethods, pricelists } from './catalog'
import { currencies } from './currencies'
import { resellers } from './resellers'

/**
 * Clients. The balance is kept in the row, in the currency's smallest unit, and always equals
 * the credited payments minus the expenses; both change only together with it.
 */
export const accounts = sqliteTable(
  'accounts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    email: text('email').notNull().default(''),
    /** The reseller that owns the client; null for the operator's own clients. */
    resellerId: integer('reseller_id').references(() => resellers.id, { onDelete: 'restrict' }),
    currencyId: integer('currency_id')
      .notNull()
      .references(() => currencies.id, { onDelete: 'restrict' }),
    balance: integer('balance').notNull().default(0),
    /** How far below zero the balance may go, as a positive amount. */
    creditLimit: integer('credit_limit').notNull().default(0),
    status: text('status', { enum: ['active', 'suspended', 'archived'] }).notNull().default('active'),
    lang: text('lang').notNull().default(''),
    /** Addresses and CIDR ranges the client's users may call from (empty: anywhere). */
    allowedAddresses: text('allowed_addresses').notNull().default(''),
    note: text('note').notNull().default(''),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('accounts_reseller_idx').on(t.resellerId, t.id),
    index('accounts_name_idx').on(t.name),
    index('accounts_status_idx').on(t.status, t.id),
    check('accounts_credit_limit_check', sql`${t.creditLimit} >= 0`),
  ],
)

/** Operator-defined fields of a client: one value per client and field name. */
export const accountFields = sqliteTable(
  'account_fields',
  {
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    value: text('value').notNull().default(''),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.name] })],
)

/** Payment statuses, as BILLmanager numbers them. */
export const PaymentStatus = {
  new: 1,
  inProgress: 2,
  pledged: 3,
  credited: 4,
  pendingReturn: 5,
  returned: 6,
  fraudulent: 7,
} as const

export const payments = sqliteTable(
  'payments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    number: text('number').notNull().unique(),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    paymethodId: integer('paymethod_id').references(() => paymethods.id, { onDelete: 'restrict' }),
    /** In the account's currency, always positive. */
    amount: integer('amount').notNull(),
    currencyId: integer('currency_id')
      .notNull()
      .references(() => currencies.id, { onDelete: 'restrict' }),
    status: integer('status').notNull().default(1),
    createdAt: integer('created_at').notNull(),
    paidAt: integer('paid_at'),
    sender: text('sender').notNull().default(''),
    note: text('note').notNull().default(''),
  },
  (t) => [
    index('payments_account_idx').on(t.accountId, t.id),
    index('payments_status_idx').on(t.status, t.id),
    index('payments_created_idx').on(t.createdAt, t.id),
    index('payments_paymethod_idx').on(t.paymethodId, t.id),
    check('payments_amount_check', sql`${t.amount} > 0`),
    check('payments_status_check', sql`${t.status} between 1 and 7`),
  ],
)

/** Service statuses, as BILLmanager numbers them. */
export const ItemStatus = {
  ordered: 1,
  active: 2,
  suspended: 3,
  deleted: 4,
  processing: 5,
} as const

/** Services: a client's subscription to a tariff plan, paid per period. */
export const items = sqliteTable(
  'items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    pricelistId: integer('pricelist_id')
      .notNull()
      .references(() => pricelists.id, { onDelete: 'restrict' }),
    /** A name the client knows the service by (a domain, a host name, a number). */
    name: text('name').notNull().default(''),
    /** Months per renewal: 1, 3, 6 or 12. */
    period: integer('period').notNull(),
    status: integer('status').notNull().default(1),
    /** Why a suspended service is suspended: '' (an operator), 'nopay' (could not be renewed). */
    suspendReason: text('suspend_reason').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    /** End of the paid time, in ms; null until first activated. */
    expiresAt: integer('expires_at'),
    autoRenew: integer('auto_renew', { mode: 'boolean' }).notNull().default(true),
    /** Price of one period, in the account's currency, fixed when ordered. */
    cost: integer('cost').notNull(),
  },
  (t) => [
    index('items_account_idx').on(t.accountId, t.id),
    index('items_status_expiry_idx').on(t.status, t.expiresAt),
    index('items_pricelist_idx').on(t.pricelistId),
    check('items_status_check', sql`${t.status} between 1 and 5`),
  ],
)

export const InvoiceStatus = ['new', 'paid', 'cancelled'] as const

export const invoices = sqliteTable(
  'invoices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    number: text('number').notNull().unique(),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    currencyId: integer('currency_id')
      .notNull()
      .references(() => currencies.id, { onDelete: 'restrict' }),
    /** The expenses covered: from (inclusive) and to (exclusive), in ms. */
    periodFrom: integer('period_from').notNull(),
    periodTo: integer('period_to').notNull(),
    amount: integer('amount').notNull(),
    status: text('status', { enum: InvoiceStatus }).notNull().default('new'),
    createdAt: integer('created_at').notNull(),
    paidAt: integer('paid_at'),
  },
  (t) => [
    index('invoices_account_idx').on(t.accountId, t.id),
    index('invoices_status_idx').on(t.status, t.id),
    index('invoices_created_idx').on(t.createdAt, t.id),
  ],
)

/** Every charge to a client's balance. A negative amount gives money back. */
export const expenses = sqliteTable(
  'expenses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    itemId: integer('item_id').references(() => items.id, { onDelete: 'set null' }),
    invoiceId: integer('invoice_id').references(() => invoices.id, { onDelete: 'set null' }),
    amount: integer('amount').notNull(),
    currencyId: integer('currency_id')
      .notNull()
      .references(() => currencies.id, { onDelete: 'restrict' }),
    createdAt: integer('created_at').notNull(),
    description: text('description').notNull().default(''),
  },
  (t) => [
    index('expenses_account_idx').on(t.accountId, t.createdAt),
    index('expenses_item_idx').on(t.itemId),
    index('expenses_invoice_idx').on(t.invoiceId),
    index('expenses_created_idx').on(t.createdAt, t.id),
  ],
)

/**
 * Usage records: metered use of a service. The unit price is in millionths of the currency's
 * major unit; the cost in its smallest unit, rounded half-up per record.
 */
export const xdrs = sqliteTable(
  'xdrs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    startedAt: integer('started_at').notNull(),
    quantity: integer('quantity').notNull(),
    unitPrice: integer('unit_price').notNull(),
    cost: integer('cost').notNull(),
    /** The expense this record was rated into; null until rated. */
    expenseId: integer('expense_id').references(() => expenses.id, { onDelete: 'set null' }),
  },
  (t) => [
    index('xdrs_started_idx').on(t.startedAt, t.id),
    index('xdrs_account_started_idx').on(t.accountId, t.startedAt),
    index('xdrs_item_started_idx').on(t.itemId, t.startedAt),
    index('xdrs_expense_idx').on(t.expenseId),
    check('xdrs_quantity_check', sql`${t.quantity} >= 0`),
  ],
)
