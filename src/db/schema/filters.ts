import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/**
 * A list's saved filter per user (`<list>.filter`), applied to that list until changed. No
 * foreign key: local root (id 0) has no user row; deleting a user deletes its filters.
 */
export const listFilters = sqliteTable(
  'list_filters',
  {
    userId: integer('user_id').notNull(),
    func: text('func').notNull(),
    /** The filter's parameters as a JSON object of strings. */
    params: text('params').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.func] })],
)
