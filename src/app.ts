import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { Authenticator } from './auth/authenticate'
import { LoginKeys } from './auth/keys'
import { SessionStore } from './auth/sessions'
import type { Config } from './config'
import { Dispatcher } from './core/dispatch'
import { malformed } from './core/errors'
import type { Services } from './core/services'
import type { Db } from './db/connection'
import { DataGeneration } from './db/generation'
import { billmgrDoor, rejectRequest, replyHeaders } from './doors/billmgr'
import { mountJsonRpc } from './doors/jsonrpc/routes'
import { createRegistry } from './functions/index'
import { loadTranslations } from './i18n/index'
import { clientResolver } from './net/client'
import { securityHeaders } from './net/security-headers'
import { createPanel } from './panel/index'

export interface AppDeps {
  config: Config
  db: Db
  /** Milliseconds since the epoch; tests pass their own to move time. */
  clock?: () => number
  log?: (message: string, err: unknown) => void
}

const defaultLog = (message: string, err: unknown) => console.error(`billgate: ${message}`, err)

/** Builds the gateway: every door over one registry and one dispatcher. Starts no server. */
export function createApp(deps: AppDeps) {
  const { config, db } = deps
  const log = deps.log ?? defaultLog
  loadTranslations()
  const sessions = new SessionStore(db, config.sessionIdle)
  const generation = new DataGeneration(db.$client)
  const services: Services = {
    config,
    clock: deps.clock ?? Date.now,
    sessions,
    auth: new Authenticator(db, config, sessions, generation),
    keys: new LoginKeys(db, config.keyTtl),
    generation,
  }
  const registry = createRegistry()
  const dispatcher = new Dispatcher({ db, registry, services, log, replyHeaders })
  const clientOf = clientResolver(config.trustedProxies)
  const panel = createPanel({ dispatcher, registry, config })
  const billmgr = billmgrDoor({ config, dispatcher, clientOf, panel })

  const app = new Hono()
  const limit = bodyLimit({
    maxSize: config.bodyLimit,
    onError: (c) => rejectRequest(c, malformed('body', '', 'toolarge'), { config, clientOf }),
  })
  for (const path of ['/billmgr', '/manager/billmgr']) {
    // A GET has no body: the limit would only make the adapter build a full Request for nothing.
    app.get(path, billmgr)
    app.post(path, limit, billmgr)
  }
  mountJsonRpc(app, { config, dispatcher, registry, services, clientOf })
  app.get('/', (c) => c.redirect('/billmgr'))
  app.notFound((c) => c.text('Not found\n', 404, securityHeaders))
  app.onError((err, c) => {
    log(`unhandled error on ${c.req.path}`, err)
    return c.text('Internal error\n', 500, securityHeaders)
  })
  return { app, services, registry, dispatcher }
}

export type App = ReturnType<typeof createApp>
