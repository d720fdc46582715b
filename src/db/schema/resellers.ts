import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/** Resellers (JeraSoft's companies): each owns clients, and its users see only those. */
export const resellers = sqliteTable('resellers', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  email: text('email').notNull().default(''),
  note: text('note').notNull().default(''),
  status: text('status', { enum: ['active', 'suspended'] }).notNull().default('active'),
  createdAt: integer('created_at').notNull(),
})
