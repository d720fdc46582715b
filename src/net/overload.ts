export interface OverloadLimits {
  /** Requests being answered at once, beyond which new ones are turned away; 0: no limit. */
  maxInFlight: number
  /** Requests one client address may start per second; 0: no limit. */
  perAddressPerSecond: number
}

/**
 * Admits requests while the server is not overloaded: not too many in flight, not too many per
 * client address in the current second. A request turned away is told when to try again.
 */
export class OverloadGuard {
  private inFlight = 0
  private readonly counts = new Map<string, { second: number; count: number }>()

  constructor(
    private readonly limits: OverloadLimits,
    private readonly clock: () => number,
  ) {}

  /** Admits a request (then release() it when answered), or says in how many seconds to retry. */
  admit(address: string): { admitted: true } | { admitted: false; retryAfter: number } {
    const { maxInFlight, perAddressPerSecond } = this.limits
    if (maxInFlight && this.inFlight >= maxInFlight) return { admitted: false, retryAfter: 1 }
    if (perAddressPerSecond) {
      const second = Math.floor(this.clock() / 1000)
      let window = this.counts.get(address)
      if (!window || window.second !== second) {
        if (this.counts.size >= 10_000) this.sweep(second)
        window = { second, count: 0 }
        this.counts.set(address, window)
      }
      if (window.count >= perAddressPerSecond) return { admitted: false, retryAfter: 1 }
      window.count++
    }
    this.inFlight++
    return { admitted: true }
  }

  release(): void {
    this.inFlight--
  }

  private sweep(second: number): void {
    for (const [address, window] of this.counts) if (window.second !== second) this.counts.delete(address)
  }
}
