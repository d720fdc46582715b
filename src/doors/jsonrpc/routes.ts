import type { Context, Hono, Next } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { translator, type Lang } from '../../i18n/index'
import { OverloadGuard } from '../../net/overload'
import { replyHeaders } from '../billmgr'
import { acceptedLang, jsonrpcDoor, type JsonRpcDoorDeps } from './index'
import { errorChunks, replyBytes, RpcCode } from './protocol'

/**
 * Serves the JSON-RPC door at `/jsonrpc/` and `/jsonrpc`: POST only, within the body limit, and
 * while not overloaded (else 429 with Retry-After).
 */
export function mountJsonRpc(app: Hono, deps: JsonRpcDoorDeps): void {
  const { config } = deps
  const handle = jsonrpcDoor(deps)
  const guard = new OverloadGuard({ maxInFlight: config.rpcMaxInFlight, perAddressPerSecond: config.rpcRatePerAddress }, deps.services.clock)
  const langOf = (c: Context): Lang => acceptedLang(c.req.header('accept-language')) ?? config.lang
  const refuse = (c: Context, status: 405 | 413 | 429, code: RpcCode, message: string, headers: Record<string, string> = {}) =>
    new Response(replyBytes([errorChunks(null, code, message)], false), {
      status,
      headers: { ...replyHeaders, 'Content-Type': 'application/json; charset=UTF-8', ...headers },
    })

  async function admit(c: Context, next: Next): Promise<Response | void> {
    const admitted = guard.admit(deps.clientOf(c).address)
    if (!admitted.admitted) {
      const seconds = admitted.retryAfter
      const message = translator(langOf(c))('jsonrpc:errors.overloaded', { seconds })
      return refuse(c, 429, RpcCode.overloaded, message, { 'Retry-After': String(seconds) })
    }
    try {
      await next()
    } finally {
      guard.release()
    }
  }
  const limit = bodyLimit({
    maxSize: config.bodyLimit,
    onError: (c) => refuse(c, 413, RpcCode.invalidRequest, translator(langOf(c))('jsonrpc:errors.toolarge')),
  })
  const onlyPost = (c: Context) => refuse(c, 405, RpcCode.invalidRequest, translator(langOf(c))('jsonrpc:errors.method'), { Allow: 'POST' })
  for (const path of ['/jsonrpc', '/jsonrpc/']) {
    app.post(path, admit, limit, handle)
    app.get(path, onlyPost)
  }
}
