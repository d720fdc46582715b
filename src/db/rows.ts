import type { users } from './schema/index'

/** A user's row, with its client's address list (which applies to it too). */
export type UserRecord = typeof users.$inferSelect & { accountAddresses: string }

/** A session as listings show it: its handle, never its token. */
export interface SessionRow {
  handle: string
  userId: number
  userName: string
  address: string
  userAgent: string
  createdAt: number
  lastSeenAt: number
}
