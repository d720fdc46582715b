import { setTimeout as sleep } from 'node:timers/promises'
import { eq, getTableColumns, sql } from 'drizzle-orm'
import { BoundedMap, stringBytes } from '../bounded-map'
import type { Config } from '../config'
import type { Db } from '../db/connection'
import { firstRow } from '../db/query'
import type { UserRecord } from '../db/rows'
import { accounts, users } from '../db/schema/index'
import type { Store } from '../db/store'
import { tableNames } from '../db/table-changes'
import { BillError, authFailed } from '../core/errors'
import { principalOf, type Principal } from '../core/principal'
import { AddressSet, splitAddressList } from '../net/addresses'
import { CredentialCache } from './credential-cache'
import { Lockout } from './lockout'
import { decoyHash, verifyPassword } from './passwords'
import type { SessionStore } from './sessions'

/** The columns of a user row with its client's address list; '' when it has no client. */
export const userRecordColumns = {
  ...getTableColumns(users),
  accountAddresses: sql<string>`coalesce(${accounts.allowedAddresses}, '')`.as('account_addresses'),
}

/** Refuses a caller whose own or whose client's address list is set and lacks its address. */
export function checkUserAddress(user: Pick<Principal, 'allowedAddresses' | 'accountAddresses'>, address: string): void {
  for (const list of [user.allowedAddresses, user.accountAddresses]) {
    if (list && !new AddressSet(splitAddressList(list)).has(address)) {
      throw new BillError('auth', 'address', address, { address })
    }
  }
}

/** What a user record is read from. */
const userTables = tableNames(users, accounts)

/** Checks credentials: passwords (with lockout and slowing), authinfo, sessions. */
export class Authenticator {
  readonly lockout: Lockout
  private readonly cache: CredentialCache
  private readonly authinfoAllowed: AddressSet
  private readonly byName
  private readonly inflight = new Map<string, Promise<boolean>>()
  /** Keyed by the login as sent, which can be long: bounded in bytes as well. */
  private readonly recentUsers = new BoundedMap<string, { stamp: string; user: UserRecord | undefined }>({
    maxEntries: 10_000,
    maxBytes: 8 * 1024 * 1024,
    sizeOf: (name, { user }) =>
      stringBytes(name) + (user ? stringBytes(user.passwordHash) + stringBytes(user.allowedAddresses) + stringBytes(user.accountAddresses) + 1024 : 64),
  })

  constructor(
    private readonly store: Store,
    config: Config,
    private readonly sessions: SessionStore,
  ) {
    this.lockout = new Lockout(config.lockout)
    this.cache = new CredentialCache(config.authinfoCacheTtl * 1000)
    this.authinfoAllowed = new AddressSet(config.authinfoAllow)
    this.byName = store.db
      .select(userRecordColumns)
      .from(users)
      .leftJoin(accounts, eq(accounts.id, users.accountId))
      .where(eq(users.name, sql.placeholder('name')))
      .limit(1)
      .prepare()
  }

  /** The user of a login; rows are kept in memory until users or clients may have changed. */
  async findUser(name: string): Promise<UserRecord | undefined> {
    const stamp = this.store.changes.stamp(userTables)
    const kept = this.recentUsers.get(name)
    if (kept && kept.stamp === stamp) return kept.user
    // No stored name holds a NUL (PostgreSQL's text cannot), and asking PostgreSQL for one is an error.
    if (name.includes('\u0000')) return undefined
    const [user] = await this.byName.execute({ name })
    if (stamp !== undefined) this.recentUsers.set(name, { stamp, user })
    return user
  }

  /** Verifies a login and password; every failure looks the same to the caller. */
  async verify(login: string, password: string, address: string, now: number): Promise<UserRecord> {
    if (this.lockout.isLocked(login, address, now)) throw authFailed('locked')
    const waited = this.lockout.wait(login, address, now)
    if (waited > 0) await sleep(waited)
    const user = await this.findUser(login)
    const cached = user ? this.cache.get(login, password, now) : undefined
    const ok =
      user !== undefined &&
      ((cached !== undefined && cached.userId === user.id && cached.passwordHash === user.passwordHash) ||
        (await this.verifyOnce(login, password, user.passwordHash)))
    if (!user) await verifyPassword(password, await decoyHash())
    if (!ok || !user) {
      const delay = this.lockout.fail(login, address, now, waited)
      if (delay > 0) await sleep(delay)
      throw authFailed('badpassword')
    }
    if (!cached) this.cache.set(login, password, user.id, user.passwordHash, now)
    this.lockout.succeed(login, address)
    if (user.status !== 'active') throw authFailed('suspended')
    checkUserAddress(user, address)
    return user
  }

  /** Concurrent checks of the same credential share one scrypt run. */
  private verifyOnce(login: string, password: string, hash: string): Promise<boolean> {
    const key = `${this.cache.id(login, password)}\u0000${hash}`
    let pending = this.inflight.get(key)
    if (!pending) {
      pending = verifyPassword(password, hash).finally(() => this.inflight.delete(key))
      this.inflight.set(key, pending)
    }
    return pending
  }

  /** `login:password` for one call, only from the configured addresses. */
  async authinfo(authinfo: string, address: string, now: number): Promise<Principal> {
    if (!this.authinfoAllowed.has(address)) throw new BillError('auth', 'authinfo', '', { address })
    const colon = authinfo.indexOf(':')
    if (colon < 0) throw authFailed('badpassword')
    return principalOf(await this.verify(authinfo.slice(0, colon), authinfo.slice(colon + 1), address, now))
  }

  async session(token: string, address: string, now: number): Promise<{ principal: Principal; handle: string }> {
    const found = await this.sessions.resolve(token, now)
    if (!found) throw authFailed('session')
    const { status, ...principal } = found.user
    if (status !== 'active') {
      await this.sessions.deleteToken(token)
      throw authFailed('session')
    }
    checkUserAddress(principal, address)
    return { principal, handle: found.handle }
  }
}

export function userById(db: Db, id: number): Promise<UserRecord | undefined> {
  return firstRow(db.select(userRecordColumns).from(users).leftJoin(accounts, eq(accounts.id, users.accountId)).where(eq(users.id, id)))
}
