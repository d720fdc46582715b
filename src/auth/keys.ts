import { and, eq, gt, lt } from 'drizzle-orm'
import { loginKeys } from '../db/schema/index'
import type { Store } from '../db/store'
import { sha256 } from './tokens'

/** One-time login keys: stored hashed, valid once, until they expire. */
export class LoginKeys {
  constructor(
    private readonly store: Store,
    private readonly ttlSeconds: number,
  ) {}

  async issue(key: string, userId: number, createdBy: number, now: number): Promise<void> {
    const expiresAt = now + this.ttlSeconds * 1000
    await this.store.write(async (tx) => {
      await tx.delete(loginKeys).where(lt(loginKeys.expiresAt, now))
      await tx
        .insert(loginKeys)
        .values({ keyHash: sha256(key), userId, createdBy, expiresAt })
        .onConflictDoUpdate({ target: loginKeys.keyHash, set: { userId, createdBy, expiresAt } })
    })
  }

  /** Uses up a key; returns the user it logs in, if the key is valid. */
  async consume(key: string, now: number): Promise<number | undefined> {
    const [row] = await this.store.write((tx) =>
      tx
        .delete(loginKeys)
        .where(and(eq(loginKeys.keyHash, sha256(key)), gt(loginKeys.expiresAt, now)))
        .returning({ userId: loginKeys.userId }),
    )
    return row?.userId
  }
}
