import type { Context } from 'hono'
import type { JSX } from 'hono/jsx/jsx-runtime'
import { applySecurityHeaders } from '../net/security-headers'

export type Params = Record<string, string | undefined>

/** A panel URL: the door's path and the non-empty parameters, in the given order. */
export function href(binary: string, params: Params): string {
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') query.set(name, value)
  }
  const text = query.toString()
  return text ? `${binary}?${text}` : binary
}

/** Sends a rendered page: HTML, never cached. */
export async function sendPage(
  c: Context,
  page: JSX.Element,
  status: 200 | 500 = 200,
): Promise<Response> {
  const body = `<!DOCTYPE html>${(await page).toString()}`
  applySecurityHeaders(c)
  c.header('Content-Type', 'text/html; charset=UTF-8')
  c.header('Cache-Control', 'no-store')
  return c.body(body, status)
}

/** A redirect that is never cached; cookies set on the context go with it. */
export function sendRedirect(c: Context, location: string, status: 302 | 303): Response {
  applySecurityHeaders(c)
  c.header('Cache-Control', 'no-store')
  return c.redirect(location, status)
}
