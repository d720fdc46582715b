import type { LockoutConfig } from '../config'

interface Counter {
  failures: number
  since: number
}

/**
 * Counts failed logins per login name and per address within a window. Beyond a few failures
 * each further failure is answered more slowly; beyond the maximum the login or address is locked
 * until its window ends.
 */
export class Lockout {
  private readonly byLogin = new Map<string, Counter>()
  private readonly byAddress = new Map<string, Counter>()

  constructor(private readonly config: LockoutConfig) {}

  isLocked(login: string, address: string, now: number): boolean {
    return (
      this.count(this.byLogin, login.toLowerCase(), now) >= this.config.maxPerLogin ||
      this.count(this.byAddress, address, now) >= this.config.maxPerAddress
    )
  }

  /** Records a failure; returns how long to wait before answering it, in milliseconds. */
  fail(login: string, address: string, now: number): number {
    const failures = Math.max(
      this.bump(this.byLogin, login.toLowerCase(), now),
      this.bump(this.byAddress, address, now),
    )
    const beyond = failures - this.config.slowAfter
    return beyond > 0 ? Math.min(4000, beyond * this.config.delayStep) : 0
  }

  /** A success clears the login's count; the address's stays, so one good account cannot reset it. */
  succeed(login: string): void {
    this.byLogin.delete(login.toLowerCase())
  }

  private count(map: Map<string, Counter>, key: string, now: number): number {
    const c = map.get(key)
    if (!c) return 0
    if (now - c.since > this.config.window * 1000) {
      map.delete(key)
      return 0
    }
    return c.failures
  }

  private bump(map: Map<string, Counter>, key: string, now: number): number {
    const failures = this.count(map, key, now) + 1
    map.set(key, { failures, since: map.get(key)?.since ?? now })
    if (map.size > 50_000) this.sweep(map, now)
    return failures
  }

  private sweep(map: Map<string, Counter>, now: number): void {
    for (const [key, c] of map) if (now - c.since > this.config.window * 1000) map.delete(key)
  }
}
