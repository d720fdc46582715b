import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { count, eq, sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { currencies, resellers, users } from '../../src/db/schema/index'
import { PgStore } from '../../src/db/pg/store'
import { openStore, storeFailureOf, type Store } from '../../src/db/store'
import { DataGeneration } from '../../src/db/generation'
import { memoised, tableNames, tablesWritten } from '../../src/db/table-changes'
import { pgRelay } from './pg-proxy'
import { createTestDatabase, testPgUrl } from './pg-database'

const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

/** Where each store opened here is, to open another connection to it. */
const targets = new WeakMap<Store, string>()

async function sqliteStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'billgate-store-'))
  const store = await openStore(join(dir, 'test.sqlite'))
  targets.set(store, join(dir, 'test.sqlite'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => store.close())
  return store
}

async function pgStore(): Promise<Store> {
  const database = await createTestDatabase()
  const store = await openStore(database.url)
  targets.set(store, database.url)
  cleanups.push(() => database.drop(), () => store.close())
  return store
}

/** Another store on the same database, as another process or gateway would have. */
async function sameDatabase(store: Store): Promise<Store> {
  const other = await openStore(targets.get(store)!)
  cleanups.push(() => other.close())
  return other
}

const backends: [string, () => Promise<Store>, boolean][] = [
  ['sqlite', sqliteStore, true],
  ['pg', pgStore, Boolean(testPgUrl)],
]

const places = async (db: Store['db']) => (await db.select({ places: currencies.places }).from(currencies).where(eq(currencies.code, 'XTS')))[0]?.places

for (const [name, open, available] of backends) {
  describe.skipIf(!available)(`the ${name} store`, () => {
    it('commits a write, undoes a write that throws, and joins a write inside a write', async () => {
      const store = await open()
      await store.write(async (tx) => {
        await tx.insert(currencies).values({ code: 'XTS', name: 'Test', places: 0, createdAt: 1 })
        await store.write((inner) => inner.update(currencies).set({ places: 1 }).where(eq(currencies.code, 'XTS')))
      })
      expect(await places(store.db)).toBe(1)
      await expect(
        store.write(async (tx) => {
          await tx.update(currencies).set({ places: 5 }).where(eq(currencies.code, 'XTS'))
          throw new Error('undo')
        }),
      ).rejects.toThrow('undo')
      expect(await places(store.db)).toBe(1)
    })

    it('keeps every concurrent read-modify-write: none is lost', async () => {
      const store = await open()
      await store.write((tx) => tx.insert(currencies).values({ code: 'XTS', name: 'Test', places: 0, createdAt: 1 }))
      await Promise.all(
        Array.from({ length: 20 }, () =>
          store.write(async (tx) => {
            const current = (await places(tx))!
            await new Promise((resolve) => setTimeout(resolve, 1))
            await tx.update(currencies).set({ places: current + 1 }).where(eq(currencies.code, 'XTS'))
          }),
        ),
      )
      expect(await places(store.db)).toBe(20)
    })

    it('names the column of a taken unique value', async () => {
      const store = await open()
      await store.write((tx) => tx.insert(currencies).values({ code: 'XTS', name: 'Test', createdAt: 1 }))
      const err = await store.write((tx) => tx.insert(currencies).values({ code: 'XTS', name: 'Again', createdAt: 2 })).catch((e) => e)
      expect(storeFailureOf(err)).toEqual({ kind: 'exists', column: 'code' })
    })

    it('reads whole numbers, counts and sums back as numbers', async () => {
      const store = await open()
      const big = 2 ** 53 - 1
      await store.write((tx) => tx.insert(currencies).values({ code: 'XTS', name: 'Test', places: 2, createdAt: big }))
      expect(await store.db.select({ at: currencies.createdAt }).from(currencies).where(eq(currencies.code, 'XTS'))).toEqual([{ at: big }])
      const [row] = await store.db
        .select({ n: count(), total: sql<number>`sum(${currencies.places})` })
        .from(currencies)
        .where(eq(currencies.code, 'XTS'))
      expect(row).toEqual({ n: 1, total: 2 })
    })

    it('keeps what is memoised until its tables may have changed: written here, or committed elsewhere', async () => {
      const store = await open()
      let loads = 0
      const read = () => memoised(store.db, 'k', tableNames(currencies), async () => ++loads)
      expect([await read(), await read()]).toEqual([1, 1])
      // While a write that has written the tables runs, nothing is kept; once it has ended, they are read again.
      await store.write(async (tx) => {
        expect(await read()).toBe(1)
        await tx.update(currencies).set({ name: 'here' }).where(eq(currencies.code, 'USD'))
        expect([await read(), await read()]).toEqual([2, 3])
      })
      expect([await read(), await read()]).toEqual([4, 4])
      // A write outside a transaction counts at once.
      await store.db.update(currencies).set({ name: 'outside' }).where(eq(currencies.code, 'USD'))
      expect(await read()).toBe(5)
      // Writes to other tables, and writes rolled back before they wrote, leave it kept.
      await store.write((tx) => tx.update(users).set({ lang: 'en' }).where(eq(users.id, 0)))
      await expect(store.write(async () => Promise.reject(new Error('no')))).rejects.toThrow('no')
      expect(await read()).toBe(5)
      const other = await sameDatabase(store)
      const settled = async (was: number) => {
        for (const end = Date.now() + 1000; (await read()) === was && Date.now() < end; ) await new Promise((resolve) => setTimeout(resolve, 20))
        return read()
      }
      // PostgreSQL's change feed says which tables another gateway wrote; SQLite only that one did.
      await other.write((tx) => tx.insert(resellers).values({ name: 'elsewhere', createdAt: 0 }))
      expect(await settled(5)).toBe(name === 'pg' ? 5 : 6)
      const was = await read()
      await other.write((tx) => tx.update(currencies).set({ name: 'elsewhere' }).where(eq(currencies.code, 'USD')))
      expect(await settled(was)).toBe(was + 1)
    })

    it('keeps statements per connection: a PostgreSQL transaction never gets the pool’s', async () => {
      const store = await open()
      const root = store.statement(store.db, 'k', () => ({}))
      expect(store.statement(store.db, 'k', () => ({}))).toBe(root)
      const inside = await store.write(async (tx) => [store.statement(tx, 'k', () => ({})), store.statement(tx, 'k', () => ({}))])
      expect(inside[1]).toBe(inside[0])
      if (name === 'pg') expect(inside[0]).not.toBe(root)
      else expect(inside[0]).toBe(root)
    })
  })
}

describe.skipIf(!testPgUrl)('the pg store only', () => {
  it('refuses a number beyond the safe range instead of rounding it', async () => {
    const store = await pgStore()
    await store.write((tx) => tx.insert(currencies).values({ code: 'XTS', name: 'Test', createdAt: 1 }))
    const err = await store.db.select({ n: sql`9007199254740993::bigint` }).from(currencies).catch((e) => e)
    expect(String(err.cause ?? err)).toMatch(/out of the safe range: 9007199254740993/)
  })

  it('migrates once when several gateways start together', async () => {
    const database = await createTestDatabase()
    cleanups.push(() => database.drop())
    const stores = await Promise.all([PgStore.open(database.url), PgStore.open(database.url), PgStore.open(database.url)])
    for (const store of stores) cleanups.push(() => store.close())
    expect(await stores[0].db.select({ n: count() }).from(currencies)).toEqual([{ n: 3 }])
  })

  it('names the server it cannot reach', async () => {
    const url = new URL(testPgUrl!)
    url.searchParams.delete('host')
    url.searchParams.delete('port')
    url.hostname = '127.0.0.1'
    url.port = '1'
    await expect(PgStore.open(url.href)).rejects.toThrow(/PostgreSQL at 127\.0\.0\.1:1\/postgres cannot be used/)
  })

  it('hears of writes another process commits within a second, not of its own, and trusts nothing while it cannot hear', async () => {
    const database = await createTestDatabase({ migrated: true })
    const relay = await pgRelay()
    cleanups.push(() => database.drop(), () => relay.close())
    const here = await PgStore.open(`postgres://postgres@127.0.0.1:${relay.port}${new URL(database.url).pathname}`)
    const there = await PgStore.open(database.url)
    cleanups.push(() => here.close(), () => there.close())
    const rename = (store: Store, name: string) => store.write((tx) => tx.update(currencies).set({ name }).where(eq(currencies.code, 'USD')))
    const until = async (what: () => boolean, ms: number) => {
      for (const end = Date.now() + ms; !what(); await new Promise((resolve) => setTimeout(resolve, 20))) {
        if (Date.now() > end) throw new Error(`not within ${ms} ms`)
      }
    }

    const generation = DataGeneration.of(here)
    await until(() => here.otherWrites.listening, 5000)
    const start = generation.current()
    await rename(here, 'own write')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(generation.current()).toBe(start)

    await rename(there, 'written elsewhere')
    await until(() => generation.current() !== start, 1000)

    await relay.cut()
    await until(() => !here.otherWrites.listening, 5000)
    const deaf = generation.current()
    expect(generation.current()).not.toBe(deaf)

    await relay.restore()
    await until(() => here.otherWrites.listening, 5000)
    const again = generation.current()
    expect(generation.current()).toBe(again)
    await rename(there, 'written elsewhere again')
    await until(() => generation.current() !== again, 1000)
  })
})

describe('the tables a statement writes', () => {
  it('are read from the statement, also inside a CTE; reads write none', () => {
    expect(tablesWritten('insert into "payments" ("id") values (?) on conflict ("number") do nothing returning "id"')).toEqual(['payments'])
    expect(tablesWritten('update "users" set "lang" = $1 where "id" = $2')).toEqual(['users'])
    expect(tablesWritten('with gone as (delete from "sessions" where 1 returning 1) insert into audit select 1')).toEqual(['sessions', 'audit'])
    expect(tablesWritten('select "id" from "payments" where "number" = ? for update skip locked')).not.toContain('payments')
  })
})
