import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { currencies } from './currencies'

/** Ways clients pay (bank transfer, card processor…), each in one currency. */
export const paymethods = sqliteTable('paymethods', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  currencyId: integer('currency_id')
    .notNull()
    .references(() => currencies.id),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at').notNull(),
})

/** Tariff plans: what a service costs. Amounts in the currency's smallest unit. */
export const pricelists = sqliteTable(
  'pricelists',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** The kind of product (vds, hosting, domain, voip…), free text chosen by the operator. */
    productType: text('product_type').notNull(),
    currencyId: integer('currency_id')
      .notNull()
      .references(() => currencies.id),
    setupFee: integer('setup_fee').notNull().default(0),
    price1: integer('price_1'),
    price3: integer('price_3'),
    price6: integer('price_6'),
    price12: integer('price_12'),
    orderable: integer('orderable', { mode: 'boolean' }).notNull().default(true),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('pricelists_type_idx').on(t.productType)],
)
