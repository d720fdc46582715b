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

/**
 * Finished replies of read-only list calls, kept while the data they came from is unchanged
 * (same generation). Credentials are still checked on every call; only the work after that is
 * saved.
 */
export class ReplyCache {
  private readonly entries = new Map<string, Entry>()

  constructor(
    /** Headers every kept reply carries besides its type and length. */
    private readonly commonHeaders: Readonly<Record<string, string>> = {},
    private readonly maxEntries = 1000,
    private readonly maxBytes = 256 * 1024,
  ) {}

  get size(): number {
    return this.entries.size
  }

  get(key: string, generation: number): KeptReply | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    if (entry.generation === generation) return entry.reply
    this.entries.delete(key)
    return undefined
  }

  store(key: string, generation: number, reply: Serialized): void {
    if (reply.body.length > this.maxBytes) return
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.entries.delete(oldest)
    }
    const bytes = Buffer.from(reply.body)
    const headers = { ...this.commonHeaders, 'Content-Type': reply.contentType, 'Content-Length': String(bytes.length) }
    this.entries.set(key, { generation, reply: { bytes, text: reply.body, headers } })
  }
}
