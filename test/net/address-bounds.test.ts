import { describe, expect, it } from 'vitest'
import { AddressSet } from '../../src/net/addresses'
import { OverloadGuard } from '../../src/net/overload'

const address = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`

describe('per-address state stays bounded under many addresses', () => {
  it('an address set answers right for more addresses than it remembers, and for junk', () => {
    const set = new AddressSet(['10.0.0.0/16', '2001:db8::/32'])
    for (let i = 0; i < 30_000; i++) expect(set.has(address(i))).toBe(i < 65_536)
    expect(set.has('10.0.0.1')).toBe(true)
    expect(set.has('10.1.0.1')).toBe(false)
    expect(set.has('2001:db8::1')).toBe(true)
    expect(set.has(`x${'y'.repeat(20_000)}`)).toBe(false)
  })

  it('a busy address stays limited while thousands of others come and go in the same second', () => {
    const guard = new OverloadGuard({ maxInFlight: 0, perAddressPerSecond: 5 }, () => 1_000_000)
    let admitted = 0
    for (let i = 0; i < 30_000; i++) {
      const other = guard.admit(address(i))
      expect(other.admitted).toBe(true)
      guard.release()
      if (i % 1000 === 0 && guard.admit('192.0.2.7').admitted) {
        admitted++
        guard.release()
      }
    }
    expect(admitted).toBe(5)
  })
})
