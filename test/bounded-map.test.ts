import { describe, expect, it } from 'vitest'
import { BoundedMap, stringBytes } from '../src/bounded-map'

const keys = <K, V>(map: BoundedMap<K, V>) => [...map.entries()].map(([k]) => k)

describe('BoundedMap', () => {
  it('keeps at most maxEntries, dropping the least recently used', () => {
    const map = new BoundedMap<string, number>({ maxEntries: 3 })
    for (const [i, k] of ['a', 'b', 'c'].entries()) map.set(k, i)
    expect(map.get('a')).toBe(0)
    map.set('d', 3)
    expect(keys(map)).toEqual(['c', 'a', 'd'])
    for (let i = 0; i < 10_000; i++) map.set(`k${i}`, i)
    expect(map.size).toBe(3)
    expect(keys(map)).toEqual(['k9997', 'k9998', 'k9999'])
  })

  it('peek reads without changing which entry goes first', () => {
    const map = new BoundedMap<number, string>({ maxEntries: 2 })
    map.set(1, 'one')
    map.set(2, 'two')
    expect(map.peek(1)).toBe('one')
    map.set(3, 'three')
    expect(map.has(1)).toBe(false)
    expect(keys(map)).toEqual([2, 3])
  })

  it('keeps within maxBytes, counting every set, replacement and delete', () => {
    const map = new BoundedMap<string, string>({ maxEntries: 1000, maxBytes: 100, sizeOf: (_k, v) => v.length })
    map.set('a', 'x'.repeat(40))
    map.set('b', 'x'.repeat(40))
    expect(map.bytes).toBe(80)
    map.set('a', 'x'.repeat(10))
    expect(map.bytes).toBe(50)
    map.set('c', 'x'.repeat(60))
    // 'b' (40) is the least recently used and goes; 'a' (10) stays: 10 + 60 fits.
    expect(keys(map)).toEqual(['a', 'c'])
    expect(map.bytes).toBe(70)
    map.delete('c')
    expect(map.bytes).toBe(10)
    for (let i = 0; i < 1000; i++) {
      map.set(`k${i}`, 'x'.repeat(i % 37))
      expect(map.bytes).toBeLessThanOrEqual(100)
    }
    map.clear()
    expect([map.size, map.bytes]).toEqual([0, 0])
  })

  it('does not keep an entry larger than maxEntryBytes (nor the one it would replace)', () => {
    const map = new BoundedMap<string, string>({ maxEntries: 10, maxBytes: 100, maxEntryBytes: 30, sizeOf: (_k, v) => v.length })
    map.set('small', 'x'.repeat(5))
    map.set('big', 'x'.repeat(20))
    expect(map.set('big', 'x'.repeat(31))).toBe(false)
    expect(map.has('big')).toBe(false)
    expect(map.get('small')).toBe('xxxxx')
    expect(map.bytes).toBe(5)
    expect(new BoundedMap<string, string>({ maxEntries: 10, maxBytes: 8, sizeOf: (_k, v) => v.length }).set('k', 'x'.repeat(9))).toBe(false)
  })

  it('refuses bounds it cannot keep', () => {
    expect(() => new BoundedMap({ maxEntries: 0 })).toThrow()
    expect(() => new BoundedMap({ maxEntries: 10, maxBytes: 10 })).toThrow()
  })

  it('counts strings at two bytes a character', () => {
    expect(stringBytes('abc')).toBeGreaterThanOrEqual(6)
    expect(stringBytes('x'.repeat(1000))).toBeGreaterThanOrEqual(2000)
  })
})
