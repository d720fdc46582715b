import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { accounts } from './billing'
import { resellers } from './resellers'

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull().unique(),
    realname: text('realname').notNull().default(''),
    email: text('email').notNull().default(''),
    passwordHash: text('password_hash').notNull(),
    /** 16 user, 24 reseller, 28 admin. */
    level: integer('level').notNull().default(16),
    status: text('status', { enum: ['active', 'suspended'] }).notNull().default('active'),
    lang: text('lang').notNull().default(''),
    /**
     * The reseller this user works for (level 24) or whose client it belongs to (level 16);
     * null for admins and the operator's own users.
     */
    resellerId: integer('reseller_id').references(() => resellers.id, { onDelete: 'cascade' }),
    /** The client a level-16 user belongs to, if any. */
    accountId: integer('account_id').references(() => accounts.id, { onDelete: 'cascade' }),
    /** Addresses and CIDR ranges this user may call from (empty: anywhere). */
    allowedAddresses: text('allowed_addresses').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('users_reseller_idx').on(t.resellerId), index('users_account_idx').on(t.accountId), index('users_level_idx').on(t.level)],
)

export const sessions = sqliteTable(
  'sessions',
  {
    /** SHA-256 of the session token; the token itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    /** Short public handle shown in session lists. */
    handle: text('handle').notNull().unique(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    address: text('address').notNull(),
    userAgent: text('user_agent').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
)

export const loginKeys = sqliteTable('login_keys', {
  keyHash: text('key_hash').primaryKey(),
  userId: integer('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  createdBy: integer('created_by').notNull(),
  expiresAt: integer('expires_at').notNull(),
})

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    /** Who authenticated. */
    actor: text('actor').notNull(),
    /** Whom the call acted as (differs from actor under su). */
    actingAs: text('acting_as').notNull(),
    address: text('address').notNull(),
    func: text('func').notNull(),
    /** Request parameters as JSON, secrets masked. */
    params: text('params').notNull(),
    /** ok, or the error type. */
    result: text('result').notNull(),
    detail: text('detail').notNull().default(''),
  },
  (t) => [index('audit_at_idx').on(t.at), index('audit_actor_idx').on(t.actor)],
)
