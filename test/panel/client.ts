import type { TestApp } from '../helpers'

/** Decodes the few entities hono/jsx writes, for reading attribute values out of a page. */
export function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

/** The value of the hidden CSRF field of a page. */
export function csrfOf(html: string): string {
  const m = /name="csrf" value="([^"]*)"/.exec(html)
  if (!m) throw new Error('no csrf field on the page')
  return m[1]
}

/**
 * A browser stand-in over app.request(): keeps cookies as Set-Cookie asks, sends forms as
 * application/x-www-form-urlencoded, and does not follow redirects.
 */
export function browser(t: TestApp) {
  const jar = new Map<string, string>()

  function remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attrs.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a),
      )
      if (expired || value === '') jar.delete(name)
      else jar.set(name, value)
    }
  }

  function headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
    return cookie ? { cookie, ...extra } : extra
  }

  async function get(path: string) {
    const res = await t.request(path, { headers: headers() })
    remember(res)
    return { res, html: await res.text() }
  }

  async function post(form: Record<string, string> | [string, string][], path = '/billmgr') {
    const res = await t.request(path, {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: headers({ 'content-type': 'application/x-www-form-urlencoded' }),
    })
    remember(res)
    return { res, html: await res.text() }
  }

  return { jar, get, post, headers }
}
