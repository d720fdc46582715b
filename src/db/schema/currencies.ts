import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

export const currencies = sqliteTable('currencies', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** ISO 4217 code, three capital letters. */
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  /** Digits after the decimal point; amounts are stored as integers of 10^-places. */
  places: integer('places').notNull().default(2),
  createdAt: integer('created_at').notNull(),
})
