import type { Context } from 'hono'
import type { Call, Credentials } from '../core/call'
import type { Dispatcher, Outcome } from '../core/dispatch'
import type { Serialized } from '../output/index'
import type { ClientInfo } from '../net/client'

/** What a door decided about a request besides its parameters. */
export interface CallParts {
  func: string
  credentials: Credentials
  sok: boolean
  /** The path the door answers at. */
  binary: string
}

/**
 * A call from request parameters, the request-level ones (`out`, `lang`, `su`) read the same way
 * at every door; the caller's address and TLS as resolved for the request.
 */
export function requestCall(c: Context, client: ClientInfo, params: Record<string, string>, parts: CallParts): Call {
  return {
    func: parts.func,
    params,
    out: params.out || undefined,
    lang: params.lang,
    su: params.su || undefined,
    sok: parts.sok,
    credentials: parts.credentials,
    address: client.address,
    userAgent: c.req.header('user-agent') ?? '',
    secure: client.secure,
    binary: parts.binary,
  }
}

/** Keeps a serialized list reply for the next identical call, when the dispatcher offered a slot. */
export function keepReply(dispatcher: Dispatcher, outcome: Outcome, serialized: Serialized): void {
  if (outcome.cacheSlot && !outcome.error) {
    dispatcher.replies.store(outcome.cacheSlot.key, outcome.cacheSlot.generation, serialized)
  }
}
