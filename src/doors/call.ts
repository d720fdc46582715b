import type { Context } from 'hono'
import type { Call, Credentials } from '../core/call'
import type { Dispatcher, Outcome } from '../core/dispatch'
import type { ClientInfo } from '../net/client'
import type { Serialized } from '../output/index'

/** Where a call came from, as far as the door can tell. */
export interface CallOrigin {
  address: string
  userAgent: string
  secure: boolean
  /** The path (or program) the door answers at, echoed as `binary`. */
  binary: string
}

/**
 * Turns one request's parameters into a call: the request-level ones (`func`, `out`, `lang`,
 * `su`, `sok`) read out, every one kept in `params`. How the caller proved who it is is the
 * door's business.
 */
export function callFrom(params: Record<string, string>, credentials: Credentials, origin: CallOrigin): Call {
  return {
    func: params.func ?? '',
    params,
    out: params.out || undefined,
    lang: params.lang,
    su: params.su || undefined,
    sok: Boolean(params.sok),
    credentials,
    ...origin,
  }
}

/** What a door decided about a request besides its parameters. */
export interface CallParts {
  func: string
  credentials: Credentials
  sok: boolean
  /** The path the door answers at. */
  binary: string
}

/** A call from an HTTP request's parameters, from the caller's address and TLS as resolved for it. */
export function requestCall(c: Context, client: ClientInfo, params: Record<string, string>, parts: CallParts): Call {
  const origin = { address: client.address, userAgent: c.req.header('user-agent') ?? '', secure: client.secure, binary: parts.binary }
  return { ...callFrom(params, parts.credentials, origin), func: parts.func, sok: parts.sok }
}

/** Keeps a serialized list reply for the next identical call, when the dispatcher offered a slot. */
export function keepReply(dispatcher: Dispatcher, outcome: Outcome, serialized: Serialized): void {
  if (outcome.cacheSlot && !outcome.error) {
    dispatcher.replies.store(outcome.cacheSlot.key, outcome.cacheSlot.generation, serialized)
  }
}
