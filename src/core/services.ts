import type { Config } from '../config'
import type { Authenticator } from '../auth/authenticate'
import type { LoginKeys } from '../auth/keys'
import type { SessionStore } from '../auth/sessions'
import type { DataGeneration } from '../db/generation'

/** Long-lived collaborators shared by every call, built once by createApp. */
export interface Services {
  config: Config
  /** Milliseconds since the epoch; injected so tests can move time. */
  clock: () => number
  sessions: SessionStore
  auth: Authenticator
  keys: LoginKeys
  /** Changes whenever stored data may have changed; caches are keyed by it. */
  generation: DataGeneration
}
