import { Hono } from 'hono'
import type { Config } from './config'
import { createCore } from './assemble'
import { BillError, malformed } from './core/errors'
import type { Store } from './db/store'
import { billmgrDoor, rejectRequest, replyHeaders } from './doors/billmgr'
import { filesDoor, rejectFileRequest } from './doors/files'
import { jsonRpcPaths, mountJsonRpc } from './doors/jsonrpc/routes'
import { declaredBodyLimit } from './net/body-limit'
import { clientResolver } from './net/client'
import { serverWithRoutes } from './net/node-routes'
import { securityHeaders } from './net/security-headers'
import { createPanel } from './panel/index'
import { logError } from './log'

export interface AppDeps {
  config: Config
  store: Store
  /** Milliseconds since the epoch; tests pass their own to move time. */
  clock?: () => number
  log?: (message: string, err: unknown) => void
}

/** Builds the gateway: every door over one registry and one dispatcher. Starts no server. */
export function createApp(deps: AppDeps) {
  const { config, store } = deps
  const log = deps.log ?? logError
  const { services, registry, dispatcher } = createCore({ config, store, clock: deps.clock, log, replyHeaders })
  const clientOf = clientResolver(config.trustedProxies)
  const panel = createPanel({ dispatcher, registry, config })
  const billmgr = billmgrDoor({ config, dispatcher, clientOf, panel, log })

  const app = new Hono()
  const limit = declaredBodyLimit({
    maxSize: config.bodyLimit,
    onError: (c) => rejectRequest(c, malformed('body', '', 'toolarge'), { config, clientOf }, 413),
  })
  const billmgrPaths = ['/billmgr', '/manager/billmgr']
  for (const path of billmgrPaths) {
    // A GET has no body: the limit would only make the adapter build a full Request for nothing.
    app.get(path, billmgr)
    app.post(path, limit, billmgr)
  }
  const files = filesDoor({ config, dispatcher, registry, clientOf, log })
  const fileLimit = declaredBodyLimit({ maxSize: config.bodyLimit, onError: (c) => rejectFileRequest(c, malformed('body', '', 'toolarge'), config.lang) })
  app.get('/admin/:module/:method', files)
  app.post('/admin/:module/:method', fileLimit, files)
  const jsonRpc = mountJsonRpc(app, { config, store, dispatcher, registry, services, clientOf, log })
  app.get('/', (c) => c.redirect('/billmgr'))
  app.notFound((c) => c.text('Not found\n', 404, securityHeaders))
  app.onError((err, c) => {
    log(`unhandled error on ${c.req.path}`, err)
    // Answered as the door answers its errors: a typed internal error, without details.
    const path = c.req.path
    const fault = new BillError('internal', 'server')
    if (billmgrPaths.includes(path)) return rejectRequest(c, fault, { config, clientOf })
    if (path.startsWith('/admin/')) return rejectFileRequest(c, fault, config.lang)
    if (jsonRpcPaths.includes(path)) return jsonRpc.internalError(c)
    return c.text('Internal error\n', 500, securityHeaders)
  })
  // What serve() of @hono/node-server needs: the app, behind the routes Node answers directly.
  const serveOptions = { fetch: app.fetch, createServer: serverWithRoutes([jsonRpc.nodeRoute]) }
  return { app, serveOptions, services, registry, dispatcher }
}

export type App = ReturnType<typeof createApp>
