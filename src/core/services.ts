import type { Config } from '../config'
import type { DataGeneration } from '../db/generation'
import type { Store } from '../db/store'
import type { SessionRow, UserRecord } from '../db/rows'
import type { Principal } from './principal'

/** Checks credentials: passwords (with lockout), authinfo, sessions. */
export interface Authentication {
  /** The user of a login, if there is one. */
  findUser(name: string): Promise<UserRecord | undefined>
  /** Verifies a login and password; every failure looks the same to the caller. */
  verify(login: string, password: string, address: string, now: number): Promise<UserRecord>
  /** `login:password` for one call, only from the configured addresses. */
  authinfo(authinfo: string, address: string, now: number): Promise<Principal>
  /** The live session of a token and whose it is. */
  session(token: string, address: string, now: number): Promise<{ principal: Principal; handle: string }>
}

/** Browser and API sessions; only a hash of a token is stored. */
export interface Sessions {
  create(userId: number, address: string, userAgent: string, now: number): Promise<{ token: string; handle: string }>
  /** Marks a session as used now (keepalive). */
  refresh(token: string, now: number): Promise<void>
  list(now: number, userId?: number): Promise<SessionRow[]>
  /** Finds a session by its handle or by its token. */
  find(elid: string): Promise<{ handle: string; userId: number; tokenHash: string } | undefined>
  delete(tokenHash: string): Promise<void>
  deleteToken(token: string): Promise<void>
  endAllOf(userId: number): Promise<void>
}

/** One-time login keys: valid once, until they expire. */
export interface LoginKeyStore {
  issue(key: string, userId: number, createdBy: number, now: number): Promise<void>
  /** Uses up a key; returns the user it logs in, if the key is valid. */
  consume(key: string, now: number): Promise<number | undefined>
}

/**
 * Long-lived collaborators shared by every call, built once where the parts are assembled: the
 * core declares what it and the functions need, the auth layer provides it.
 */
export interface Services {
  config: Config
  store: Store
  /** Milliseconds since the epoch; injected so tests can move time. */
  clock: () => number
  sessions: Sessions
  auth: Authentication
  keys: LoginKeyStore
  /** Changes whenever stored data may have changed; caches are keyed by it. */
  generation: DataGeneration
}
