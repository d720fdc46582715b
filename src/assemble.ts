import { Authenticator } from './auth/authenticate'
import { LoginKeys } from './auth/keys'
import { SessionStore } from './auth/sessions'
import type { Config } from './config'
import type { BeforeStage } from './core/before-stage'
import { Dispatcher } from './core/dispatch'
import type { Services } from './core/services'
import type { Store } from './db/store'
import { DataGeneration } from './db/generation'
import { beforeHandlers, runBefore } from './events/before'
import type { DomainEvent } from './events/outbox'
import { createRegistry } from './functions/index'
import { loadTranslations } from './i18n/index'

export interface CoreDeps {
  config: Config
  store: Store
  /** Milliseconds since the epoch; tests pass their own to move time. */
  clock?: () => number
  log: (message: string, err: unknown) => void
  /** Headers every kept reply is sent with (the HTTP door's). */
  replyHeaders?: Readonly<Record<string, string>>
}

/** What every door shares: the services, the one registry and the dispatcher over them. Serves nothing. */
export function createCore(deps: CoreDeps) {
  const { config, store } = deps
  loadTranslations()
  const sessions = new SessionStore(store, config.sessionIdle)
  const generation = DataGeneration.of(store)
  const services = {
    config,
    store,
    clock: deps.clock ?? Date.now,
    sessions,
    auth: new Authenticator(store, config, sessions),
    keys: new LoginKeys(store, config.keyTtl),
    generation,
  } satisfies Services
  const registry = createRegistry()
  const before: BeforeStage = async () => {
    const handlers = await beforeHandlers(store)
    // Functions propose the events layer's DomainEvents; the core passes them on untouched.
    return handlers.length ? (now, events) => runBefore(store, now, handlers, events as DomainEvent[]) : undefined
  }
  const dispatcher = new Dispatcher({ store, registry, services, before, log: deps.log, replyHeaders: deps.replyHeaders })
  return { services, registry, dispatcher }
}

export type Core = ReturnType<typeof createCore>
