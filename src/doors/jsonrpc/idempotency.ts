import { createHash } from 'node:crypto'

/** What became of a claimed key. */
export type Claim<T> =
  /** Never used (or expired): run the call, then settle() the key. */
  | { kind: 'fresh' }
  /** Used before with the same parameters: this is the first call's result. */
  | { kind: 'replay'; result: T }
  /** Used before with other parameters. */
  | { kind: 'conflict' }
  /** Its first call is still running. */
  | { kind: 'busy' }

interface Entry<T> {
  fingerprint: string
  at: number
  result?: T
}

/**
 * Results of writes sent with an idempotency key, per user, so that a retried write answers what
 * the first one did without acting again. Kept in memory for `ttlMs` (a restart forgets them),
 * at most `maxEntries` keys: beyond that the oldest go first.
 */
export class IdempotencyStore<T> {
  private readonly entries = new Map<string, Entry<T>>()

  constructor(
    private readonly ttlMs = 24 * 3600 * 1000,
    private readonly maxEntries = 10_000,
  ) {}

  get size(): number {
    return this.entries.size
  }

  claim(userId: number, key: string, fingerprint: string, now: number): Claim<T> {
    const id = entryId(userId, key)
    const entry = this.entries.get(id)
    if (entry && now - entry.at < this.ttlMs) {
      if (entry.fingerprint !== fingerprint) return { kind: 'conflict' }
      return entry.result === undefined ? { kind: 'busy' } : { kind: 'replay', result: entry.result }
    }
    if (entry) this.entries.delete(id)
    this.makeRoom(now)
    this.entries.set(id, { fingerprint, at: now })
    return { kind: 'fresh' }
  }

  /** Keeps the result of a claimed key's call; without one the key is free again (nothing was done). */
  settle(userId: number, key: string, result: T | undefined): void {
    const id = entryId(userId, key)
    const entry = this.entries.get(id)
    if (!entry) return
    if (result === undefined) this.entries.delete(id)
    else entry.result = result
  }

  private makeRoom(now: number): void {
    // Entries are in the order they were claimed: expired ones are at the front.
    for (const [id, entry] of this.entries) {
      if (this.entries.size < this.maxEntries && now - entry.at < this.ttlMs) break
      this.entries.delete(id)
    }
  }
}

function entryId(userId: number, key: string): string {
  return `${userId}\u0000${key}`
}

/** A digest of what a call asks for: its function and its parameters, whatever their order. */
export function fingerprintOf(func: string, params: Record<string, string>): string {
  const sorted = Object.keys(params)
    .sort()
    .map((name) => [name, params[name]])
  return createHash('sha256').update(JSON.stringify([func, sorted])).digest('base64url')
}
