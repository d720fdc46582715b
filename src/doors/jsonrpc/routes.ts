import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Context, Hono } from 'hono'
import { translator } from '../../i18n/index'
import { BodyAborted, declaredBodyLimit, readLimited } from '../../net/body-limit'
import type { ClientInfo, ClientResolver } from '../../net/client'
import { nodeHeader, type NodeRoute } from '../../net/node-routes'
import { OverloadGuard } from '../../net/overload'
import { replyHeaders } from '../billmgr'
import { acceptedLang, jsonrpcDoor, type JsonRpcDoorDeps, type RpcHttpReply, type RpcHttpRequest } from './index'
import { errorText, nullId, RpcCode } from './protocol'

type Header = (name: string) => string | undefined

export const jsonRpcPaths = ['/jsonrpc', '/jsonrpc/']

export interface JsonRpcMount {
  /** The route Node's server offers requests to before the app. */
  nodeRoute: NodeRoute
  /** The reply to a request of this door the app failed on: a JSON-RPC internal error. */
  internalError(c: Context): Response
}

/**
 * Serves the JSON-RPC door at `/jsonrpc/` and `/jsonrpc`: POST only, within the body limit, and
 * while not overloaded (else 429 with Retry-After). Mounted on the app (what `app.request()` and
 * GETs reach) and returned as a route Node's server takes before the app: a POST then costs no
 * web Request and Response objects, which are most of the price of a small call.
 */
export function mountJsonRpc(app: Hono, deps: JsonRpcDoorDeps & { clientOf: ClientResolver; log: (message: string, err: unknown) => void }): JsonRpcMount {
  const { config, clientOf } = deps
  const door = jsonrpcDoor(deps)
  const guard = new OverloadGuard({ maxInFlight: config.rpcMaxInFlight, perAddressPerSecond: config.rpcRatePerAddress }, deps.services.clock)

  const refusal = (header: Header, status: 405 | 413 | 429 | 500, code: RpcCode, key: string, vars: Record<string, unknown> = {}, headers: Record<string, string> = {}): RpcHttpReply => {
    const message = translator(acceptedLang(header('accept-language')) ?? config.lang)(key, vars)
    return { status, headers: { ...replyHeaders, 'Content-Type': 'application/json; charset=UTF-8', ...headers }, body: errorText(nullId, code, message) }
  }
  const tooLarge = (header: Header) => refusal(header, 413, RpcCode.invalidRequest, 'jsonrpc:errors.toolarge')
  const internalError = (header: Header) => refusal(header, 500, RpcCode.internalError, 'errors:internal.server')

  /** Admits the request and runs the door on its body, read by `read` once admitted. */
  async function answer(header: Header, client: ClientInfo, read: () => Promise<Uint8Array | undefined>): Promise<RpcHttpReply> {
    const admitted = guard.admit(client.address)
    if (!admitted.admitted) {
      const seconds = admitted.retryAfter
      return refusal(header, 429, RpcCode.overloaded, 'jsonrpc:errors.overloaded', { seconds }, { 'Retry-After': String(seconds) })
    }
    try {
      const body = await read()
      if (body === undefined) return tooLarge(header)
      const request: RpcHttpRequest = { header, body }
      return await door(request, client)
    } finally {
      guard.release()
    }
  }

  const limit = declaredBodyLimit({ maxSize: config.bodyLimit, onError: (c) => toResponse(tooLarge((name) => c.req.header(name))) })
  for (const path of jsonRpcPaths) {
    app.post(path, limit, async (c: Context) => {
      const header: Header = (name) => c.req.header(name)
      return toResponse(await answer(header, clientOf(c), async () => new Uint8Array(await c.req.arrayBuffer())))
    })
    app.get(path, (c) => toResponse(refusal((name) => c.req.header(name), 405, RpcCode.invalidRequest, 'jsonrpc:errors.method', {}, { Allow: 'POST' })))
  }

  function jsonRpcNodeRoute(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST') return false
    const url = req.url ?? ''
    const query = url.indexOf('?')
    if (!jsonRpcPaths.includes(query < 0 ? url : url.slice(0, query))) return false
    const header = nodeHeader(req)
    answer(header, clientOf.fromNode(req), () => readLimited(req, res, config.bodyLimit))
      .catch((err: unknown) => {
        // A client that went away mid-body is not a failure of ours, and is not there to answer.
        if (err instanceof BodyAborted) return undefined
        deps.log('JSON-RPC request failed', err)
        return internalError(header)
      })
      .then((reply) => reply && write(res, reply))
    return true
  }

  return {
    nodeRoute: jsonRpcNodeRoute,
    internalError: (c) => toResponse(internalError((name) => c.req.header(name))),
  }
}

function toResponse(reply: RpcHttpReply): Response {
  return new Response(reply.body ?? null, { status: reply.status, headers: reply.headers })
}

function write(res: ServerResponse, reply: RpcHttpReply): void {
  if (res.destroyed) return
  const sized = reply.body === undefined || Object.hasOwn(reply.headers, 'Content-Length')
  res.writeHead(reply.status, sized ? reply.headers : { ...reply.headers, 'Content-Length': Buffer.byteLength(reply.body!) })
  res.end(reply.body)
}
