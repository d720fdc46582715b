import { BoundedMap, stringBytes } from '../bounded-map'
import type { Serialized } from '../output/index'

/** A reply ready to send again: its bytes, and its headers as a plain object. */
export interface KeptReply {
  bytes: Buffer
  /** The same as text, for doors that wrap it in an envelope of their own (JSON-RPC). */
  text: string
  /** Every header it goes out with, ready: built once when the reply is kept. */
  headers: Readonly<Record<string, string>>
}

interface Entry {
  generation: number
  reply: KeptReply
}

export interface ReplyCacheBounds {
  maxEntries: number
  /** Memory all kept replies may take, with their keys. */
  maxBytes: number
  /** A longer reply (in characters) is not kept. */
  maxReplyChars: number
}

export const defaultReplyCacheBounds: ReplyCacheBounds = { maxEntries: 1000, maxBytes: 32 * 1024 * 1024, maxReplyChars: 256 * 1024 }

/**
 * What a kept reply costs: its key, its bytes, its text, and the JSON-RPC door's envelope around
 * it, which is kept as long as the reply is (about as large as the reply again).
 */
function entryBytes(key: string, entry: Entry): number {
  const { bytes, text } = entry.reply
  return stringBytes(key) + 2 * (bytes.length + text.length) + 512
}

/**
 * Finished replies of read-only list calls, kept while the data they came from is unchanged
 * (same generation). Credentials are still checked on every call; only the work after that is
 * saved.
 */
export class ReplyCache {
  private readonly entries: BoundedMap<string, Entry>
  private readonly maxReplyChars: number
  /** The newest generation stored under: replies of older ones can never be sent again. */
  private generation = -Infinity

  constructor(
    /** Headers every kept reply carries besides its type and length. */
    private readonly commonHeaders: Readonly<Record<string, string>> = {},
    bounds: Partial<ReplyCacheBounds> = {},
  ) {
    const { maxEntries, maxBytes, maxReplyChars } = { ...defaultReplyCacheBounds, ...bounds }
    this.entries = new BoundedMap({ maxEntries, maxBytes, sizeOf: entryBytes })
    this.maxReplyChars = maxReplyChars
  }

  get size(): number {
    return this.entries.size
  }

  /** Memory the kept replies take, as counted against maxBytes. */
  get bytes(): number {
    return this.entries.bytes
  }

  get(key: string, generation: number): KeptReply | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    if (entry.generation === generation) return entry.reply
    this.entries.delete(key)
    return undefined
  }

  store(key: string, generation: number, reply: Serialized): void {
    if (reply.body.length > this.maxReplyChars || generation < this.generation) return
    if (generation > this.generation) {
      // Data changed: everything kept so far is stale, and its memory is better freed now.
      this.entries.clear()
      this.generation = generation
    }
    const bytes = Buffer.from(reply.body)
    const headers = { ...this.commonHeaders, 'Content-Type': reply.contentType, 'Content-Length': String(bytes.length) }
    this.entries.set(key, { generation, reply: { bytes, text: reply.body, headers } })
  }
}
