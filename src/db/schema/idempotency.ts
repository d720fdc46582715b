import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/**
 * Results of writes sent with an `Idempotency-Key`, per user, so that a retry answers what the
 * first call did, across restarts and server processes. Kept for a day.
 */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    userId: integer('user_id').notNull(),
    key: text('key').notNull(),
    /** A hash of the call's method and parameters: the same key with other parameters is refused. */
    fingerprint: text('fingerprint').notNull(),
    /** The first call's reply as JSON; null while it runs. */
    result: text('result'),
    createdAt: integer('created_at').notNull(),
  },
  // Expired keys are found by age, a few hundred at a time.
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
)
