/** How the caller proved who it is; at most one kind is used, in this order. */
export interface Credentials {
  /** The local command line: local root, no password. */
  local?: boolean
  /** `login:password` for this one call. */
  authinfo?: string
  /** A login and password for this one call (the file channel's `auth[login]`, `auth[password]`). */
  password?: { login: string; password: string }
  /** A session token, from the `auth` parameter or the session cookie. */
  session?: string
  /** The session token came from the browser cookie (writes then need the CSRF token). */
  sessionFromCookie?: boolean
}

/** One request, whichever door brought it. */
export interface Call {
  func: string
  /** Every parameter of the request, one value each (a group's `elid` list stays one string). */
  params: Record<string, string>
  out?: string
  lang?: string
  su?: string
  sok: boolean
  credentials: Credentials
  /** The caller's address, after trusted proxies. */
  address: string
  userAgent: string
  /** Served over TLS (directly or per a trusted proxy). */
  secure: boolean
  /** The path the door answers at, echoed as `binary`. */
  binary: string
  /** Hears how far a long operation got (units done of total); the command line draws a bar. */
  progress?: (done: number, total: number) => void
}

/** Request-level parameters: never passed to a function as its own. */
export const requestParams = new Set([
  'func',
  'out',
  'auth',
  'authinfo',
  'su',
  'lang',
  'sok',
  'callback',
  'csrf',
  'clicked_button',
  'elname',
  'p_num',
  'p_cnt',
  'p_sort',
  'p_order',
  'filter',
  'checkcookie',
])

/** Splits an `elid` list (`1, 2, 3`) into its members. */
export function splitElid(elid: string | undefined): string[] {
  if (!elid) return []
  return elid
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}
