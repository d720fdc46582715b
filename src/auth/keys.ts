import { and, eq, gt, lt } from 'drizzle-orm'
import type { Db } from '../db/connection'
import { loginKeys } from '../db/schema/index'
import { sha256 } from './tokens'

/** One-time login keys: stored hashed, valid once, until they expire. */
export class LoginKeys {
  constructor(
    private readonly db: Db,
    private readonly ttlSeconds: number,
  ) {}

  issue(key: string, userId: number, createdBy: number, now: number): void {
    this.db.delete(loginKeys).where(lt(loginKeys.expiresAt, now)).run()
    this.db
      .insert(loginKeys)
      .values({ keyHash: sha256(key), userId, createdBy, expiresAt: now + this.ttlSeconds * 1000 })
      .onConflictDoUpdate({ target: loginKeys.keyHash, set: { userId, createdBy, expiresAt: now + this.ttlSeconds * 1000 } })
      .run()
  }

  /** Uses up a key; returns the user it logs in, if the key is valid. */
  consume(key: string, now: number): number | undefined {
    const row = this.db
      .delete(loginKeys)
      .where(and(eq(loginKeys.keyHash, sha256(key)), gt(loginKeys.expiresAt, now)))
      .returning({ userId: loginKeys.userId })
      .get()
    return row?.userId
  }
}
