import { BoundedMap, stringBytes } from '../bounded-map'

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
  /**
   * Counts of the addresses seen lately. Beyond the bound the least recently seen are forgotten:
   * those are the addresses not counted in this second, or as good as.
   */
  private readonly counts = new BoundedMap<string, { second: number; count: number }>({
    maxEntries: 10_000,
    maxBytes: 2 * 1024 * 1024,
    sizeOf: (address) => stringBytes(address) + 64,
  })

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
}
