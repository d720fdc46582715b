import type { RequestOptions, TestApp } from '../helpers'
import { adminPassword } from '../helpers'

/** A JSON-RPC reply entry. */
export interface Entry {
  jsonrpc: string
  id: string | number | null
  result?: {
    code: boolean
    session_id: string | null
    messages: string[]
    return: any
    errors: { code: string; field: string; value: string; message: string }[]
  }
  error?: { code: number; message: string; data?: any }
}

/** JSON-RPC calls against a test app over app.request(). */
export function rpcClient(t: TestApp) {
  let nextId = 1

  /** Posts a raw body to /jsonrpc/; returns the response and its parsed body (undefined when empty). */
  async function post(body: unknown, options: RequestOptions & { path?: string } = {}) {
    const res = await t.request(options.path ?? '/jsonrpc/', {
      ...options,
      method: 'POST',
      body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', ...options.headers },
    })
    const text = await res.text()
    return { res, text, body: text ? JSON.parse(text) : undefined }
  }

  /** One call; returns its reply entry. */
  async function call(method: string, params: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<Entry> {
    const { res, body } = await post({ jsonrpc: '2.0', method, params, id: nextId++ }, options)
    if (res.status !== 200) throw new Error(`${method}: HTTP ${res.status}`)
    return body as Entry
  }

  /** One call that must succeed (code true); returns `return`. */
  async function ok(method: string, params: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<any> {
    const entry = await call(method, params, options)
    if (!entry.result?.code) throw new Error(`${method} failed: ${JSON.stringify(entry)}`)
    return entry.result.return
  }

  /** Logs in with auth{login,password}; returns the session id. */
  async function login(login = 'admin', password = adminPassword, options: RequestOptions = {}): Promise<string> {
    const entry = await call('session', { auth: { login, password } }, options)
    if (!entry.result?.session_id) throw new Error(`login failed: ${JSON.stringify(entry)}`)
    return entry.result.session_id
  }

  return { post, call, ok, login }
}
