import { randomUUID } from 'node:crypto'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import pg from 'pg'
import { projectPath } from '../../paths'
import type { Db } from '../connection'
import { statementFor } from '../statement-cache'
import { WriteScope } from '../write-scope'
import { adoptHandle, TableChanges } from '../table-changes'
import { storeFailureOf, type Store } from '../store'
import { ChangeFeed, changesChannel } from './changes'

/**
 * Runs of a transaction after a serialization failure, before the call gives up busy.
 * PostgreSQL also reports conflicts that were not real (a small table read whole is locked whole),
 * so many writes to one client at once may each need several runs.
 */
const maxRetries = 24

/** 64-bit integers (`bigint`, counts) and sums (`numeric`) read back as numbers, never strings. */
function safeInteger(text: string): number {
  const n = Number(text)
  if (!Number.isSafeInteger(n)) throw new RangeError(`a stored number is out of the safe range: ${text}`)
  return n
}
pg.types.setTypeParser(pg.types.builtins.INT8, safeInteger)
pg.types.setTypeParser(pg.types.builtins.NUMERIC, safeInteger)

/** The advisory lock migrations run under, so that gateways starting together migrate once. */
const migrationLock = 0x62696c6c // "bill"
/**
 * The advisory lock a write that failed to serialize holds while it runs again: writes that
 * conflict take turns, one at a time across every gateway, instead of failing each other over
 * and over; a first run never waits for it.
 */
const retryTurnLock = 0x62696c72 // "bilr"

export interface PgStoreOptions {
  /** Connections in the pool. */
  max?: number
  /** How long an unused connection stays open (ms). */
  idleTimeoutMillis?: number
}

/**
 * The PostgreSQL adapter: a pool; write transactions are SERIALIZABLE and run again, in turn
 * with other such runs, when PostgreSQL finds they could not be (a serialization failure or a
 * deadlock), so two calls charging one client can never both act on the same balance.
 */
export class PgStore implements Store {
  readonly dialect = 'pg' as const
  private readonly root: Db
  private readonly inside = new WriteScope<Db>()
  /** Marks this process's notifications, which it need not hear. */
  private readonly token = randomUUID()
  readonly otherWrites: ChangeFeed
  private readonly handles = new WeakMap<pg.PoolClient, Db>()
  readonly changes: TableChanges

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
  ) {
    this.otherWrites = new ChangeFeed(url, this.token, (tables) => this.changes.committed(tables))
    this.changes = new TableChanges(() => this.otherWrites.continuity())
    // Queries are built against the SQLite tables: the SQL they make is the same in both.
    this.root = drizzle(pool, { logger: this.changes.loggerFor(() => this.root, () => false) }) as unknown as Db
    adoptHandle(this.root, this.changes)
  }

  /**
   * The handle to read through: inside a write, that write's transaction (so a read never waits
   * for a second connection while the write holds one, and sees what the write did); else the pool.
   */
  get db(): Db {
    return this.inside.current() ?? this.root
  }

  /** Connects and migrates; a server that cannot be reached is named in the error. */
  static async open(url: string, options: PgStoreOptions = {}): Promise<PgStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      idleTimeoutMillis: options.idleTimeoutMillis,
      // A server that accepts no connection must not hold calls forever: they answer busy.
      connectionTimeoutMillis: 5000,
      allowExitOnIdle: true,
    })
    // An idle connection the server dropped must not end the process.
    pool.on('error', () => undefined)
    const store = new PgStore(pool, url)
    try {
      await store.migrate()
      // Listening from the start, so that caches can be used from the first call.
      await store.otherWrites.start()
    } catch (err) {
      await store.otherWrites.close()
      await pool.end()
      throw new Error(`PostgreSQL at ${describeTarget(url)} cannot be used: ${(err as Error).message}`, { cause: err })
    }
    return store
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect()
    try {
      await client.query('select pg_advisory_lock($1)', [migrationLock])
      try {
        await migrate(drizzle(client), { migrationsFolder: projectPath('db', 'migrations-pg') })
      } finally {
        await client.query('select pg_advisory_unlock($1)', [migrationLock])
      }
    } finally {
      client.release()
    }
  }

  async write<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    const outer = this.inside.current()
    if (outer) return work(outer)
    const first = await this.pool.connect()
    try {
      const result = await this.transaction(first, work)
      first.release()
      return result
    } catch (err) {
      const failure = storeFailureOf(err)?.kind
      // A connection that failed is not given to the next call.
      first.release(failure === 'busy' ? true : undefined)
      if (failure !== 'retry') throw err
    }
    const client = await this.pool.connect()
    try {
      await client.query('select pg_advisory_lock($1)', [retryTurnLock])
      const result = await this.retried(client, work)
      await client.query('select pg_advisory_unlock($1)', [retryTurnLock])
      client.release()
      return result
    } catch (err) {
      // Dropping the connection gives the turn back, whatever state the connection is in.
      client.release(true)
      throw err
    }
  }

  /** Runs `work` again until it serializes, up to `maxRetries` runs in all. */
  private async retried<T>(client: pg.PoolClient, work: (tx: Db) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transaction(client, work)
      } catch (err) {
        if (storeFailureOf(err)?.kind !== 'retry' || attempt >= maxRetries) throw err
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 ** Math.min(attempt, 4)))
      }
    }
  }

  /**
   * One SERIALIZABLE transaction on `client`. The notification that tells other gateways of the
   * commit goes with the COMMIT, in one round trip: delivered when, and only if, it commits.
   */
  private async transaction<T>(client: pg.PoolClient, work: (tx: Db) => Promise<T>): Promise<T> {
    const tx = this.handleOn(client)
    await client.query('begin isolation level serializable')
    try {
      const result = await this.inside.run(tx, () => work(tx))
      await client.query(this.commitStatement(this.changes.writtenBy(tx)))
      return result
    } catch (err) {
      // After a failed COMMIT there is nothing to roll back, and PostgreSQL only warns.
      await client.query('rollback')
      throw err
    } finally {
      this.changes.ended(tx)
    }
  }

  /**
   * COMMIT, after a notification naming the tables written when there are any. The channel, the
   * token (a UUID) and the names (words taken from our own statements) hold no value from a call.
   */
  private commitStatement(written: readonly string[]): string {
    return written.length ? `select pg_notify('${changesChannel}', '${[this.token, ...written].join(' ')}'); commit` : 'commit'
  }

  /**
   * The handle a connection's transactions run through: one per connection, so that statements
   * kept for it (see `statement`) are built once per connection, not once per transaction, and
   * still only ever run on that connection, inside the transaction that holds it.
   */
  private handleOn(client: pg.PoolClient): Db {
    let handle = this.handles.get(client)
    if (!handle) {
      const logger = this.changes.loggerFor(() => handle!, () => true)
      this.handles.set(client, (handle = drizzle(client, { logger }) as unknown as Db))
      adoptHandle(handle, this.changes)
    }
    return handle
  }

  commitsElsewhere(): unknown {
    return this.otherWrites.stamp()
  }

  statement<T>(handle: Db, key: string, build: () => T): T {
    return statementFor(handle, key, build)
  }

  describe(): string {
    return describeTarget(this.url)
  }

  async close(): Promise<void> {
    await this.otherWrites.close()
    await this.pool.end()
  }
}

/** Where a URL points, without its password. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url)
    const socket = u.searchParams.get('host')
    return `${socket ?? u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`
  } catch {
    return 'the configured URL'
  }
}
