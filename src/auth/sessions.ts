import { randomBytes } from 'node:crypto'
import { eq, lt, sql } from 'drizzle-orm'
import { BoundedMap, stringBytes } from '../bounded-map'
import type { Db } from '../db/connection'
import { gatedWrite } from '../db/write-gate'
import type { SessionRow } from '../db/rows'
import { accounts, sessions, users } from '../db/schema/index'
import type { Principal } from '../core/principal'
import { newToken, sha256 } from './tokens'

type SessionLookup = ResolvedSession['user'] & { handle: string; lastSeenAt: number }

export interface ResolvedSession {
  handle: string
  user: Principal & { status: string }
}

/**
 * Browser and API sessions. Only the SHA-256 of a token is stored; lists show a separate
 * handle, so that nobody can read another's token from a listing.
 */
export class SessionStore {
  private readonly idleMs: number
  /** Refresh last-seen at most this often, so reads do not write on every call. */
  private readonly touchEveryMs: number
  private readonly findByHash
  private readonly touch
  private readonly recent = new BoundedMap<string, { generation: number; row: SessionLookup }>({
    maxEntries: 10_000,
    maxBytes: 8 * 1024 * 1024,
    // Address lists are the part that varies: up to thousands of characters each.
    sizeOf: (hash, { row }) => stringBytes(hash) + stringBytes(row.allowedAddresses) + stringBytes(row.accountAddresses) + 512,
  })

  constructor(
    private readonly db: Db,
    idleSeconds: number,
  ) {
    this.idleMs = idleSeconds * 1000
    this.touchEveryMs = Math.min(10_000, this.idleMs / 10)
    this.findByHash = db
      .select({
        handle: sessions.handle,
        lastSeenAt: sessions.lastSeenAt,
        id: users.id,
        name: users.name,
        level: users.level,
        lang: users.lang,
        resellerId: users.resellerId,
        accountId: users.accountId,
        allowedAddresses: users.allowedAddresses,
        accountAddresses: sql<string>`coalesce(${accounts.allowedAddresses}, '')`,
        status: users.status,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .leftJoin(accounts, eq(accounts.id, users.accountId))
      .where(eq(sessions.tokenHash, sql.placeholder('hash')))
      .prepare()
    this.touch = db
      .update(sessions)
      .set({ lastSeenAt: sql`${sql.placeholder('now')}` })
      .where(eq(sessions.tokenHash, sql.placeholder('hash')))
      .prepare()
  }

  create(userId: number, address: string, userAgent: string, now: number): { token: string; handle: string } {
    const token = newToken()
    const handle = randomBytes(6).toString('hex')
    this.db
      .insert(sessions)
      .values({
        tokenHash: sha256(token),
        handle,
        userId,
        address,
        userAgent: userAgent.slice(0, 255),
        createdAt: now,
        lastSeenAt: now,
      })
      .run()
    return { token, handle }
  }

  /**
   * The live session of a token, refreshed; an expired one is removed and not returned. Rows are
   * kept in memory for as long as the data generation is unchanged.
   */
  resolve(token: string, now: number, generation: number): ResolvedSession | undefined {
    const hash = sha256(token)
    let cached = this.recent.get(hash)
    if (!cached || cached.generation !== generation) {
      const row = this.findByHash.get({ hash })
      if (!row) return undefined
      cached = { generation, row }
      this.recent.set(hash, cached)
    }
    const row = cached.row
    if (now - row.lastSeenAt > this.idleMs) {
      this.delete(hash)
      return undefined
    }
    if (now - row.lastSeenAt >= this.touchEveryMs) {
      gatedWrite(this.db, () => this.touch.run({ hash, now }))
      row.lastSeenAt = now
    }
    const { handle, lastSeenAt: _, ...user } = row
    return { handle, user }
  }

  /** Marks a session as used now (keepalive). */
  refresh(token: string, now: number): void {
    const hash = sha256(token)
    gatedWrite(this.db, () => this.touch.run({ hash, now }))
    this.recent.delete(hash)
  }

  list(now: number, userId?: number): SessionRow[] {
    this.prune(now)
    const query = this.db
      .select({
        handle: sessions.handle,
        userId: sessions.userId,
        userName: users.name,
        address: sessions.address,
        userAgent: sessions.userAgent,
        createdAt: sessions.createdAt,
        lastSeenAt: sessions.lastSeenAt,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .orderBy(sessions.createdAt)
    return userId === undefined ? query.all() : query.where(eq(sessions.userId, userId)).all()
  }

  /** Finds a session by its handle or by its token (either may be given as `elid`). */
  find(elid: string): { handle: string; userId: number; tokenHash: string } | undefined {
    return this.db
      .select({ handle: sessions.handle, userId: sessions.userId, tokenHash: sessions.tokenHash })
      .from(sessions)
      .where(sql`${sessions.handle} = ${elid} or ${sessions.tokenHash} = ${sha256(elid)}`)
      .get()
  }

  delete(tokenHash: string): void {
    this.recent.clear()
    this.db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run()
  }

  deleteToken(token: string): void {
    this.delete(sha256(token))
  }

  endAllOf(userId: number): void {
    this.recent.clear()
    this.db.delete(sessions).where(eq(sessions.userId, userId)).run()
  }

  prune(now: number): void {
    this.recent.clear()
    this.db
      .delete(sessions)
      .where(lt(sessions.lastSeenAt, now - this.idleMs))
      .run()
  }

}
