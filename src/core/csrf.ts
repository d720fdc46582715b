import { hash } from 'node:crypto'

/** The CSRF token of a session: derived from its secret token, so it needs no storage. */
export function csrfToken(sessionToken: string): string {
  return hash('sha256', `csrf\u0000${sessionToken}`, 'hex').slice(0, 32)
}
