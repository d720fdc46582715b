import { createHash } from 'node:crypto'
import type { Statement } from 'better-sqlite3'
import type { Db } from '../../db/connection'
import { gatedWrite } from '../../db/write-gate'

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

interface Row {
  fingerprint: string
  result: string | null
  created_at: number
}

const day = 24 * 3600 * 1000

/**
 * Results of writes sent with an idempotency key, per user, so that a retried write answers what
 * the first one did without acting again. Kept in the `idempotency_keys` table for `ttlMs`, so
 * they survive a restart and are shared by every process on the database. A key whose call was
 * claimed but never settled (the process died meanwhile) stays busy until it expires: whether
 * its write was committed cannot be known, so running it again could act twice.
 */
export class IdempotencyStore<T> {
  private readonly claimKey: (userId: number, key: string, fingerprint: string, now: number) => Claim<T>
  private readonly keep: Statement<[string, number, string]>
  private readonly free: Statement<[number, string]>
  private readonly sweepBatch: Statement<[number, number]>
  private sweptAt = -Infinity

  constructor(
    private readonly db: Db,
    private readonly ttlMs = day,
    /** Expired keys are deleted at most this often, a batch at a time, by the claims that pass by. */
    private readonly sweepEveryMs = 60_000,
    private readonly sweepSize = 500,
  ) {
    const sqlite = db.$client
    const insert = sqlite.prepare<[number, string, string, number]>(
      'INSERT INTO idempotency_keys (user_id, key, fingerprint, result, created_at) VALUES (?, ?, ?, NULL, ?) ON CONFLICT (user_id, key) DO NOTHING',
    )
    const read = sqlite.prepare<[number, string], Row>('SELECT fingerprint, result, created_at FROM idempotency_keys WHERE user_id = ? AND key = ?')
    const renew = sqlite.prepare<[string, number, number, string]>(
      'UPDATE idempotency_keys SET fingerprint = ?, result = NULL, created_at = ? WHERE user_id = ? AND key = ?',
    )
    this.keep = sqlite.prepare('UPDATE idempotency_keys SET result = ? WHERE user_id = ? AND key = ?')
    this.free = sqlite.prepare('DELETE FROM idempotency_keys WHERE user_id = ? AND key = ? AND result IS NULL')
    // Rows are stored in the order keys were claimed (rowid), so expired ones come first.
    this.sweepBatch = sqlite.prepare(
      'DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE created_at <= ? LIMIT ?)',
    )
    // IMMEDIATE: the insert-or-read is one step for every process, so a second claim sees `busy`.
    const claim = sqlite.transaction((userId: number, key: string, fingerprint: string, now: number): Claim<T> => {
      if (insert.run(userId, key, fingerprint, now).changes) return { kind: 'fresh' }
      const row = read.get(userId, key)!
      if (row.created_at <= now - this.ttlMs) {
        renew.run(fingerprint, now, userId, key)
        return { kind: 'fresh' }
      }
      if (row.fingerprint !== fingerprint) return { kind: 'conflict' }
      return row.result === null ? { kind: 'busy' } : { kind: 'replay', result: JSON.parse(row.result) as T }
    })
    this.claimKey = (...args) => gatedWrite(db, () => claim.immediate(...args))
  }

  claim(userId: number, key: string, fingerprint: string, now: number): Claim<T> {
    if (now - this.sweptAt >= this.sweepEveryMs) {
      this.sweptAt = now
      this.sweep(now)
    }
    return this.claimKey(userId, key, fingerprint, now)
  }

  /** Keeps the result of a claimed key's call; without one the key is free again (nothing was done). */
  settle(userId: number, key: string, result: T | undefined): void {
    gatedWrite(this.db, () => {
      if (result === undefined) this.free.run(userId, key)
      else this.keep.run(JSON.stringify(result), userId, key)
    })
  }

  /** Deletes a batch of expired keys; returns how many. */
  sweep(now: number): number {
    return gatedWrite(this.db, () => this.sweepBatch.run(now - this.ttlMs, this.sweepSize).changes)
  }
}

/** A digest of what a call asks for: its function and its parameters, whatever their order. */
export function fingerprintOf(func: string, params: Record<string, string>): string {
  const sorted = Object.keys(params)
    .sort()
    .map((name) => [name, params[name]])
  return createHash('sha256').update(JSON.stringify([func, sorted])).digest('base64url')
}
