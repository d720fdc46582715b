import { Authenticator } from './auth/authenticate'
import { LoginKeys } from './auth/keys'
import { SessionStore } from './auth/sessions'
import type { Config } from './config'
import type { BeforeStage } from './core/before-stage'
import { Dispatcher } from './core/dispatch'
import type { Services } from './core/services'
import type { Db } from './db/connection'
import { DataGeneration } from './db/generation'
import { beforeHandlers, runBefore } from './events/before'
import type { DomainEvent } from './events/outbox'
import { createRegistry } from './functions/index'
import { loadTranslations } from './i18n/index'

export interface CoreDeps {
  config: Config
  db: Db
  /** Milliseconds since the epoch; tests pass their own to move time. */
  clock?: () => number
  log: (message: string, err: unknown) => void
  /** Headers every kept reply is sent with (the HTTP door's). */
  replyHeaders?: Readonly<Record<string, string>>
}

/** What every door shares: the services, the one registry and the dispatcher over them. Serves nothing. */
export function createCore(deps: CoreDeps) {
  const { config, db } = deps
  loadTranslations()
  const sessions = new SessionStore(db, config.sessionIdle)
  const generation = new DataGeneration(db.$client)
  const services = {
    config,
    clock: deps.clock ?? Date.now,
    sessions,
    auth: new Authenticator(db, config, sessions, generation),
    keys: new LoginKeys(db, config.keyTtl),
    generation,
  } satisfies Services
  const registry = createRegistry()
  const before: BeforeStage = () => {
    const handlers = beforeHandlers(db)
    // Functions propose the events layer's DomainEvents; the core passes them on untouched.
    return handlers.length ? (now, events) => runBefore(db, now, handlers, events as DomainEvent[]) : undefined
  }
  const dispatcher = new Dispatcher({ db, registry, services, before, log: deps.log, replyHeaders: deps.replyHeaders })
  return { services, registry, dispatcher }
}

export type Core = ReturnType<typeof createCore>
