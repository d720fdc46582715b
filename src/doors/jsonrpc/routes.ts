import type { Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { translator } from '../../i18n/index'
import type { ClientInfo } from '../../net/client'
import { OverloadGuard } from '../../net/overload'
import { replyHeaders } from '../billmgr'
import { acceptedLang, jsonrpcDoor, type JsonRpcDoorDeps } from './index'
import { errorText, RpcCode } from './protocol'

/**
 * Serves the JSON-RPC door at `/jsonrpc/` and `/jsonrpc`: POST only, within the body limit, and
 * while not overloaded (else 429 with Retry-After). One handler does it all: a chain of
 * middleware would cost more than a cached call itself.
 */
export function mountJsonRpc(app: Hono, deps: JsonRpcDoorDeps & { clientOf: (c: Context) => ClientInfo }): void {
  const { config, clientOf } = deps
  const answer = jsonrpcDoor(deps)
  const guard = new OverloadGuard({ maxInFlight: config.rpcMaxInFlight, perAddressPerSecond: config.rpcRatePerAddress }, deps.services.clock)
  const refuse = (c: Context, status: 405 | 413 | 429, code: RpcCode, key: string, vars: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const message = translator(acceptedLang(c.req.header('accept-language')) ?? config.lang)(key, vars)
    return new Response(errorText(null, code, message), {
      status,
      headers: { ...replyHeaders, 'Content-Type': 'application/json; charset=UTF-8', ...headers },
    })
  }
  const tooLarge = (c: Context) => refuse(c, 413, RpcCode.invalidRequest, 'jsonrpc:errors.toolarge')
  const counted = bodyLimit({ maxSize: config.bodyLimit, onError: tooLarge })

  async function serve(c: Context): Promise<Response> {
    const client = clientOf(c)
    const admitted = guard.admit(client.address)
    if (!admitted.admitted) {
      const seconds = admitted.retryAfter
      return refuse(c, 429, RpcCode.overloaded, 'jsonrpc:errors.overloaded', { seconds }, { 'Retry-After': String(seconds) })
    }
    try {
      // A declared length is checked as it is, and the body is then read straight from the
      // socket; only a body of unknown length is counted as it streams in.
      const length = c.req.header('content-length')
      if (length === undefined || c.req.header('transfer-encoding') !== undefined) {
        let answered: Response | undefined
        const refused = await counted(c, async () => {
          answered = await answer(c, client)
        })
        return refused ?? answered!
      }
      return Number(length) > config.bodyLimit ? tooLarge(c) : await answer(c, client)
    } finally {
      guard.release()
    }
  }

  const onlyPost = (c: Context) => refuse(c, 405, RpcCode.invalidRequest, 'jsonrpc:errors.method', {}, { Allow: 'POST' })
  for (const path of ['/jsonrpc', '/jsonrpc/']) {
    app.post(path, serve)
    app.get(path, onlyPost)
  }
}
