import type { BillgateProblem, CallResult, ClientOptions } from './types'

export interface UrlClient {
  /** Calls a function of the URL protocol; `data` is its `out=bjson` reply. */
  call<T = Record<string, unknown>>(func: string, params?: Record<string, string | number | boolean>): Promise<CallResult<T>>
  readonly sessionId: string | undefined
}

interface DataError {
  error?: { type: string; object: string; value?: string; msg: string }
}

const problemOf = (e: NonNullable<DataError['error']>): BillgateProblem => ({ code: e.type, field: e.object, value: e.value ?? '', message: e.msg })

/**
 * A client of the URL protocol (`/billmgr`, `out=bjson`), for scripts that want BILLmanager's
 * function names and parameters. It logs in with `func=auth` on the first call and again once
 * when the session has expired.
 */
export function createUrlClient(options: ClientOptions): UrlClient {
  const endpoint = new URL('/billmgr', options.url)
  const send = options.fetch ?? fetch
  let sessionId: string | undefined

  async function post(params: Record<string, string>): Promise<DataError & Record<string, unknown>> {
    const body = new URLSearchParams({ ...params, out: 'bjson', ...(options.lang ? { lang: options.lang } : {}) })
    const res = await send(endpoint, { method: 'POST', body })
    return (await res.json()) as DataError & Record<string, unknown>
  }

  async function login(): Promise<BillgateProblem | undefined> {
    const reply = await post({ func: 'auth', username: options.login, password: options.password })
    if (reply.error) return problemOf(reply.error)
    sessionId = String(reply.auth)
    return undefined
  }

  async function call<T>(func: string, params: Record<string, string | number | boolean> = {}): Promise<CallResult<T>> {
    const failed = (problem: BillgateProblem): CallResult<T> => ({ code: false, messages: [], data: undefined as T, errors: [problem] })
    const hadSession = sessionId !== undefined
    if (!hadSession) {
      const problem = await login()
      if (problem) return failed(problem)
    }
    const asText = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v)]))
    let reply = await post({ ...asText, func, auth: sessionId! })
    if (hadSession && reply.error?.type === 'auth' && reply.error.object === 'session') {
      const problem = await login()
      if (problem) return failed(problem)
      reply = await post({ ...asText, func, auth: sessionId! })
    }
    if (reply.error) return failed(problemOf(reply.error))
    return { code: true, messages: [], data: reply as T, errors: [] }
  }

  return {
    call,
    get sessionId() {
      return sessionId
    },
  }
}
