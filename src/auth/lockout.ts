import { createHash } from 'node:crypto'
import type { LockoutConfig } from '../config'

interface Counter {
  failures: number
  since: number
}

/** The longest one attempt waits in all, in milliseconds. */
export const maxDelay = 4000

/** Keys each count holds at most: they come from callers, so memory must not grow with them. */
const defaultLimit = 50_000

/** Failures per key within a window; at most `limit` keys, the oldest dropped first. */
class Counts {
  private readonly map = new Map<string, Counter>()

  constructor(
    private readonly windowMs: number,
    private readonly limit: number,
  ) {}

  get size(): number {
    return this.map.size
  }

  get(key: string, now: number): number {
    const c = this.map.get(key)
    if (!c) return 0
    if (now - c.since > this.windowMs) {
      this.map.delete(key)
      return 0
    }
    return c.failures
  }

  bump(key: string, now: number): number {
    const c = this.map.get(key)
    if (c && now - c.since <= this.windowMs) return ++c.failures
    this.map.delete(key)
    this.makeRoom(now)
    this.map.set(key, { failures: 1, since: now })
    return 1
  }

  delete(key: string): void {
    this.map.delete(key)
  }

  /** Keys are kept in the order their windows began, so the expired and the oldest are in front. */
  private makeRoom(now: number): void {
    for (const [key, c] of this.map) {
      if (now - c.since <= this.windowMs && this.map.size < this.limit) break
      this.map.delete(key)
    }
  }
}

/** A key of bounded length: logins and forwarded addresses can be as long as a request allows. */
function bounded(text: string): string {
  return text.length <= 128 ? text : `#${createHash('sha256').update(text).digest('hex')}`
}

/**
 * Counts failed logins within a window per address, per (login, address) pair and per login.
 * Too many failures from an address lock that address; too many for a login from one address
 * lock that login there only, so failures elsewhere never lock the real user out. A login's
 * failures from everywhere only slow attempts (see wait and fail).
 */
export class Lockout {
  private readonly byAddress: Counts
  private readonly byPair: Counts
  private readonly byLogin: Counts

  constructor(
    private readonly config: LockoutConfig,
    limit = defaultLimit,
  ) {
    const windowMs = config.window * 1000
    this.byAddress = new Counts(windowMs, limit)
    this.byPair = new Counts(windowMs, limit)
    this.byLogin = new Counts(windowMs, limit)
  }

  isLocked(login: string, address: string, now: number): boolean {
    const keys = this.keys(login, address)
    return (
      this.byAddress.get(keys.address, now) >= this.config.maxPerAddress ||
      this.byPair.get(keys.pair, now) >= this.config.maxPerLogin
    )
  }

  /**
   * How long to wait before checking a password, in milliseconds. Only an address that has
   * itself failed for this login waits, as long as the login's failures from everywhere call
   * for: the real user at a clean address is never slowed, so no one can turn the slowing into a
   * refusal. The wait comes before the check, so a caller cannot skip it by giving up early.
   */
  wait(login: string, address: string, now: number): number {
    const keys = this.keys(login, address)
    return this.byPair.get(keys.pair, now) > 0 ? this.delay(this.byLogin.get(keys.login, now)) : 0
  }

  /**
   * Records a failure; returns how long to wait before answering it, beyond the `waited` before
   * the check. Failing answers are slowed by the login's failures from everywhere too: only a
   * wrong password pays for that.
   */
  fail(login: string, address: string, now: number, waited = 0): number {
    const keys = this.keys(login, address)
    const failures = Math.max(
      this.byLogin.bump(keys.login, now),
      this.byAddress.bump(keys.address, now),
      this.byPair.bump(keys.pair, now),
    )
    return Math.max(0, Math.min(this.delay(failures), maxDelay - waited))
  }

  /** A success clears its pair's count; the address's stays, so one good account cannot reset it. */
  succeed(login: string, address: string): void {
    this.byPair.delete(this.keys(login, address).pair)
  }

  /** How many keys each count holds. */
  sizes(): { addresses: number; pairs: number; logins: number } {
    return { addresses: this.byAddress.size, pairs: this.byPair.size, logins: this.byLogin.size }
  }

  private delay(failures: number): number {
    const beyond = failures - this.config.slowAfter
    return beyond > 0 ? Math.min(maxDelay, beyond * this.config.delayStep) : 0
  }

  private keys(login: string, address: string) {
    const name = bounded(login.toLowerCase())
    const from = bounded(address)
    return { login: name, address: from, pair: `${name}\u0000${from}` }
  }
}
