import { hash, randomBytes } from 'node:crypto'
import { BoundedMap } from '../bounded-map'

interface Entry {
  userId: number
  /** When it was verified: a used entry is extended, but never past a maximum age. */
  verifiedAt: number
  /** The stored hash the password was verified against: a password change invalidates the entry. */
  passwordHash: string
  expires: number
}

/**
 * Remembers briefly that a login:password pair was verified, so that authinfo scripts do not pay
 * for scrypt on every call. Keys are hashes under a key that lives only in this process: neither
 * the password nor anything that can be checked against it offline is kept.
 */
export class CredentialCache {
  private readonly key = randomBytes(32).toString('base64')
  private readonly entries: BoundedMap<string, Entry>

  constructor(
    private readonly ttlMs: number,
    maxEntries = 10_000,
    private readonly maxAgeMs = 3_600_000,
  ) {
    // Keys are digests and entries small and fixed in size: a count bounds their memory.
    this.entries = new BoundedMap({ maxEntries })
  }

  /** An opaque key for a login and password, usable to deduplicate concurrent checks. */
  id(login: string, password: string): string {
    // A secret-prefixed hash: only this process, which holds the key, can match it.
    return hash('sha256', `${this.key}\u0000${login}\u0000${password}`, 'base64')
  }

  get(login: string, password: string, now: number): Entry | undefined {
    if (this.ttlMs <= 0) return undefined
    const id = this.id(login, password)
    const entry = this.entries.get(id)
    if (entry && entry.expires > now && now - entry.verifiedAt < this.maxAgeMs) {
      // In use: keep it, so that a busy script does not fall back to scrypt every ttl.
      entry.expires = now + this.ttlMs
      return entry
    }
    if (entry) this.entries.delete(id)
    return undefined
  }

  set(login: string, password: string, userId: number, passwordHash: string, now: number): void {
    if (this.ttlMs <= 0) return
    this.entries.set(this.id(login, password), { userId, verifiedAt: now, passwordHash, expires: now + this.ttlMs })
  }
}
