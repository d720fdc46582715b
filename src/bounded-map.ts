/** How much a BoundedMap may hold. */
export interface Bounds<K, V> {
  /** Entries kept at most; the least recently used go first. */
  maxEntries: number
  /** Bytes kept at most, as `sizeOf` counts them. */
  maxBytes?: number
  /** The largest single entry kept; a larger one is not stored at all. Defaults to maxBytes. */
  maxEntryBytes?: number
  /** An entry's size in bytes (key and value); needed with maxBytes. */
  sizeOf?: (key: K, value: V) => number
}

interface Slot<V> {
  value: V
  size: number
}

/**
 * A Map with a bound in entries and, optionally, in bytes, dropping the least recently used
 * entries to stay within it. Every per-process cache keyed by what callers send is one of these,
 * so that no sequence of requests can make the process grow without end.
 */
export class BoundedMap<K, V> {
  private readonly slots = new Map<K, Slot<V>>()
  private total = 0
  private readonly maxBytes: number
  private readonly maxEntryBytes: number

  constructor(private readonly bounds: Bounds<K, V>) {
    if (!(bounds.maxEntries >= 1)) throw new Error('BoundedMap: maxEntries must be at least 1')
    if (bounds.maxBytes !== undefined && !bounds.sizeOf) throw new Error('BoundedMap: maxBytes needs sizeOf')
    this.maxBytes = bounds.maxBytes ?? Infinity
    this.maxEntryBytes = Math.min(bounds.maxEntryBytes ?? Infinity, this.maxBytes)
  }

  get size(): number {
    return this.slots.size
  }

  /** Bytes held, as sizeOf counts them (0 without sizeOf). */
  get bytes(): number {
    return this.total
  }

  /** The value of a key, which becomes the most recently used. */
  get(key: K): V | undefined {
    const slot = this.slots.get(key)
    if (slot === undefined) return undefined
    // Map keeps insertion order: inserting again moves the key to the young end.
    this.slots.delete(key)
    this.slots.set(key, slot)
    return slot.value
  }

  /** The value of a key, leaving the order of use as it is. */
  peek(key: K): V | undefined {
    return this.slots.get(key)?.value
  }

  has(key: K): boolean {
    return this.slots.has(key)
  }

  /** Keeps a value, dropping the least recently used as needed; false when it is too large to keep. */
  set(key: K, value: V): boolean {
    const size = this.bounds.sizeOf?.(key, value) ?? 0
    this.delete(key)
    if (size > this.maxEntryBytes) return false
    while (this.slots.size >= this.bounds.maxEntries || this.total + size > this.maxBytes) {
      const oldest = this.slots.keys().next()
      if (oldest.done) break
      this.delete(oldest.value)
    }
    this.slots.set(key, { value, size })
    this.total += size
    return true
  }

  delete(key: K): boolean {
    const slot = this.slots.get(key)
    if (slot === undefined) return false
    this.slots.delete(key)
    this.total -= slot.size
    return true
  }

  clear(): void {
    this.slots.clear()
    this.total = 0
  }

  /** Entries from the least to the most recently used (deleting while iterating is safe). */
  *entries(): IterableIterator<[K, V]> {
    for (const [key, slot] of this.slots) yield [key, slot.value]
  }
}

/**
 * Bytes a string may take in memory: V8 keeps a string of Latin-1 characters at one byte a
 * character, any other at two; counted at two, plus the header of the string object.
 */
export function stringBytes(text: string): number {
  return 2 * text.length + 16
}
