import type { Context } from 'hono'

/**
 * Headers every reply carries. Pages have no scripts at all, inline styles only, and may not be
 * framed. Built once: replies pass them as a plain object, which keeps the Node adapter on its
 * fast path.
 */
export const securityHeaders: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
})

/** Sets the security headers on a reply that is built through the context. */
export function applySecurityHeaders(c: Context): void {
  for (const name in securityHeaders) c.header(name, securityHeaders[name])
}
