import { createHash } from 'node:crypto'
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../../db/connection'
import { changedRows, firstRow } from '../../db/query'
import { idempotencyKeys } from '../../db/schema/index'
import type { Dialect, Store } from '../../db/store'

/** What became of a claimed key. */
export type Claim<T> =
  /** Never used (or expired): run the call, then settle() the key. */
  | { kind: 'fresh' }
  /** Used before with the same parameters: this is the first call's result. */
  | { kind: 'replay'; result: T }
  /** Used before with other parameters. */
  | { kind: 'conflict' }
  /** Its first call is still running (in this process or another). */
  | { kind: 'busy' }

const day = 24 * 3600 * 1000

/** Which keys one sweep deletes: at most `limit` of those claimed at or before `claimedBy`. */
const sweepBatch: Record<Dialect, (claimedBy: number, limit: number) => SQL> = {
  // Rows are stored in the order keys were claimed (rowid), so expired ones come first.
  sqlite: (claimedBy, limit) => sql`rowid in (select rowid from idempotency_keys where created_at <= ${claimedBy} limit ${limit})`,
  // No rowid: the batch is named by its primary key, the oldest first through the index on created_at.
  pg: (claimedBy, limit) =>
    sql`(user_id, key) in (select user_id, key from idempotency_keys where created_at <= ${claimedBy} order by created_at limit ${limit})`,
}

function keyOf(userId: number, key: string): SQL | undefined {
  return and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key))
}

/**
 * Results of writes sent with an idempotency key, per user, so that a retried write answers what
 * the first one did without acting again. Kept in the `idempotency_keys` table for `ttlMs`, so
 * they survive a restart and are shared by every process on the database. A key whose call was
 * claimed but never settled (the process died meanwhile) stays busy until it expires: whether
 * its write was committed cannot be known, so running it again could act twice.
 */
export class IdempotencyStore<T> {
  private sweptAt = -Infinity

  constructor(
    private readonly store: Store,
    private readonly ttlMs = day,
    /** Expired keys are deleted at most this often, a batch at a time, by the claims that pass by. */
    private readonly sweepEveryMs = 60_000,
    private readonly sweepSize = 500,
  ) {}

  async claim(userId: number, key: string, fingerprint: string, now: number): Promise<Claim<T>> {
    if (now - this.sweptAt >= this.sweepEveryMs) {
      this.sweptAt = now
      await this.sweep(now)
    }
    // One write transaction: the insert-or-read is one step for every process, so a second claim sees `busy`.
    return this.store.write((tx) => this.claimIn(tx, userId, key, fingerprint, now))
  }

  /** Keeps the result of a claimed key's call; without one the key is free again (nothing was done). */
  async settle(userId: number, key: string, result: T | undefined): Promise<void> {
    await this.store.write(async (tx) => {
      if (result === undefined) await tx.delete(idempotencyKeys).where(and(keyOf(userId, key), isNull(idempotencyKeys.result)))
      else await tx.update(idempotencyKeys).set({ result: JSON.stringify(result) }).where(keyOf(userId, key))
    })
  }

  /** Deletes a batch of expired keys; returns how many. */
  sweep(now: number): Promise<number> {
    const batch = sweepBatch[this.store.dialect](now - this.ttlMs, this.sweepSize)
    return this.store.write(async (tx) => changedRows(await tx.delete(idempotencyKeys).where(batch)))
  }

  private async claimIn(tx: Db, userId: number, key: string, fingerprint: string, now: number): Promise<Claim<T>> {
    const inserted = await tx.insert(idempotencyKeys).values({ userId, key, fingerprint, result: null, createdAt: now }).onConflictDoNothing()
    if (changedRows(inserted)) return { kind: 'fresh' }
    const row = await firstRow(
      tx
        .select({ fingerprint: idempotencyKeys.fingerprint, result: idempotencyKeys.result, createdAt: idempotencyKeys.createdAt })
        .from(idempotencyKeys)
        .where(keyOf(userId, key)),
    )
    // Gone again between the insert and the read: what became of its call is not known here.
    if (!row) return { kind: 'busy' }
    if (row.createdAt <= now - this.ttlMs) {
      await tx.update(idempotencyKeys).set({ fingerprint, result: null, createdAt: now }).where(keyOf(userId, key))
      return { kind: 'fresh' }
    }
    if (row.fingerprint !== fingerprint) return { kind: 'conflict' }
    return row.result === null ? { kind: 'busy' } : { kind: 'replay', result: JSON.parse(row.result) as T }
  }
}

/** A digest of what a call asks for: its function and its parameters, whatever their order. */
export function fingerprintOf(func: string, params: Record<string, string>): string {
  const sorted = Object.keys(params)
    .sort()
    .map((name) => [name, params[name]])
  return createHash('sha256').update(JSON.stringify([func, sorted])).digest('base64url')
}
