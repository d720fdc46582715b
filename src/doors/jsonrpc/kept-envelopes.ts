import type { KeptReply } from '../../core/reply-cache'
import { resultText, type RpcId } from './protocol'

/** A whole reply to one call, ready to send: its text (for a batch) and its bytes and headers. */
export interface PreparedEntry {
  text: string
  bytes: Buffer
  /** The reply's headers, Content-Length included. */
  headers: Readonly<Record<string, string>>
}

/**
 * Replies that wrap a kept list reply, ready as bytes. A script that polls sends the same call
 * again and again (same id, same session): its reply is then built once, not once per call.
 * One envelope is kept per kept reply, and goes when the kept reply does.
 */
export class KeptEnvelopes {
  private readonly last = new WeakMap<KeptReply, { id: RpcId; sessionId: string | null; entry: PreparedEntry }>()

  constructor(private readonly headers: Readonly<Record<string, string>>) {}

  entry(kept: KeptReply, id: RpcId, sessionId: string | null): PreparedEntry {
    const found = this.last.get(kept)
    if (found && found.id === id && found.sessionId === sessionId) return found.entry
    const text = resultText(id, { code: true, sessionId, messages: [], errors: [], returnJson: kept.text })
    const bytes = Buffer.from(text)
    const entry = { text, bytes, headers: { ...this.headers, 'Content-Length': String(bytes.length) } }
    this.last.set(kept, { id, sessionId, entry })
    return entry
  }
}
