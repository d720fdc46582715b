import { randomBytes } from 'node:crypto'
import { eq, lt, or, sql } from 'drizzle-orm'
import { BoundedMap, stringBytes } from '../bounded-map'
import type { Db } from '../db/connection'
import { firstRow } from '../db/query'
import type { SessionRow } from '../db/rows'
import { accounts, sessions, users } from '../db/schema/index'
import type { Store } from '../db/store'
import { tableNames } from '../db/table-changes'
import type { Principal } from '../core/principal'
import { newToken, sha256 } from './tokens'

type SessionLookup = ResolvedSession['user'] & { handle: string; lastSeenAt: number }

export interface ResolvedSession {
  handle: string
  user: Principal & { status: string }
}

/** What a session's row and its user's are read from. */
const sessionTables = tableNames(sessions, users, accounts)

/** Sets a session's last-seen time; built once per handle, since sessions are touched all the time. */
function touchStatement(tx: Db) {
  return tx
    .update(sessions)
    .set({ lastSeenAt: sql`${sql.placeholder('now')}` })
    .where(eq(sessions.tokenHash, sql.placeholder('hash')))
    .prepare()
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
  private readonly recent = new BoundedMap<string, { stamp: string; row: SessionLookup }>({
    maxEntries: 10_000,
    maxBytes: 8 * 1024 * 1024,
    // Address lists are the part that varies: up to thousands of characters each.
    sizeOf: (hash, { row }) => stringBytes(hash) + stringBytes(row.allowedAddresses) + stringBytes(row.accountAddresses) + 512,
  })

  constructor(
    private readonly store: Store,
    idleSeconds: number,
  ) {
    this.idleMs = idleSeconds * 1000
    this.touchEveryMs = Math.min(10_000, this.idleMs / 10)
    this.findByHash = store.db
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
  }

  async create(userId: number, address: string, userAgent: string, now: number): Promise<{ token: string; handle: string }> {
    const token = newToken()
    const handle = randomBytes(6).toString('hex')
    await this.store.write((tx) =>
      tx.insert(sessions).values({
        tokenHash: sha256(token),
        handle,
        userId,
        address,
        userAgent: userAgent.slice(0, 255),
        createdAt: now,
        lastSeenAt: now,
      }),
    )
    return { token, handle }
  }

  /**
   * The live session of a token, refreshed; an expired one is removed and not returned. Rows are
   * kept in memory until sessions, users or clients may have changed.
   */
  async resolve(token: string, now: number): Promise<ResolvedSession | undefined> {
    const hash = sha256(token)
    const stamp = this.store.changes.stamp(sessionTables)
    const kept = this.recent.get(hash)
    let row = kept && kept.stamp === stamp ? kept.row : undefined
    if (!row) {
      row = (await this.findByHash.execute({ hash }))[0]
      if (!row) return undefined
      if (stamp !== undefined) this.recent.set(hash, { stamp, row })
    }
    if (now - row.lastSeenAt > this.idleMs) {
      await this.delete(hash)
      return undefined
    }
    if (now - row.lastSeenAt >= this.touchEveryMs) {
      // Marked first, so that calls arriving meanwhile do not touch it again.
      row.lastSeenAt = now
      await this.touch(hash, now)
    }
    const { handle, lastSeenAt: _, ...user } = row
    return { handle, user }
  }

  /** Marks a session as used now (keepalive). */
  async refresh(token: string, now: number): Promise<void> {
    const hash = sha256(token)
    await this.touch(hash, now)
    this.recent.delete(hash)
  }

  async list(now: number, userId?: number): Promise<SessionRow[]> {
    await this.prune(now)
    return this.store.db
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
      .where(userId === undefined ? undefined : eq(sessions.userId, userId))
      .orderBy(sessions.createdAt)
  }

  /** Finds a session by its handle or by its token (either may be given as `elid`). */
  find(elid: string): Promise<{ handle: string; userId: number; tokenHash: string } | undefined> {
    return firstRow(
      this.store.db
        .select({ handle: sessions.handle, userId: sessions.userId, tokenHash: sessions.tokenHash })
        .from(sessions)
        .where(or(eq(sessions.handle, elid), eq(sessions.tokenHash, sha256(elid))))
        .limit(1),
    )
  }

  async delete(tokenHash: string): Promise<void> {
    await this.store.write((tx) => tx.delete(sessions).where(eq(sessions.tokenHash, tokenHash)))
    this.recent.clear()
  }

  async deleteToken(token: string): Promise<void> {
    await this.delete(sha256(token))
  }

  async endAllOf(userId: number): Promise<void> {
    await this.store.write((tx) => tx.delete(sessions).where(eq(sessions.userId, userId)))
    this.recent.clear()
  }

  async prune(now: number): Promise<void> {
    await this.store.write((tx) => tx.delete(sessions).where(lt(sessions.lastSeenAt, now - this.idleMs)))
    this.recent.clear()
  }

  private async touch(hash: string, now: number): Promise<void> {
    await this.store.write(async (tx) => {
      await this.store.statement(tx, 'sessions:touch', () => touchStatement(tx)).execute({ hash, now })
    })
  }
}
