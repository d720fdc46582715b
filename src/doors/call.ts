import type { Call, Credentials } from '../core/call'

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
