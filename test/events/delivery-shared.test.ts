import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { defaultConfig } from '../../src/config'
import { provisioningDeliveries, provisioningLog } from '../../src/db/schema/index'
import { openStore, type Store } from '../../src/db/store'
import { startDeliveryWorker } from '../../src/events/worker'
import { asQueueTransaction, dueRows, leaseRows } from '../../src/events/worker-sql'
import { createTestDatabase } from '../db/pg-database'
import { openTestStore, testBackend, testClock } from '../helpers'
import { addHandler, deliveries, deliveryApp, emitEvent, logRows } from './delivery-setup'
import { startReceiver } from './receiver'

const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

const dayMs = 86_400_000

/** A database of the backend under test that several stores can open: a SQLite file, or a PostgreSQL database. */
async function sharedDatabase(): Promise<string> {
  if (testBackend === 'pg') {
    const database = await createTestDatabase({ migrated: true })
    cleanups.push(() => database.drop())
    return database.url
  }
  const dir = mkdtempSync(join(tmpdir(), 'billgate-deliveries-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'shared.sqlite')
}

async function storesOn(target: string, n: number): Promise<Store[]> {
  const stores: Store[] = []
  for (let i = 0; i < n; i++) stores.push(await openStore(target))
  cleanups.push(async () => {
    for (const store of stores) await store.close()
  })
  return stores
}

/** A due delivery of handler 1 for a client. */
function due(deliveryId: string, priority: number, status: 'pending' | 'retrying', nextAt: number, objectId: number) {
  return {
    deliveryId,
    handlerId: 1,
    event: 'clients.update',
    objectId,
    objectKey: `clients:${objectId}`,
    priority,
    payload: '{}',
    status,
    nextAt,
    createdAt: 0,
    updatedAt: 0,
  }
}

describe('deliveries shared by several connections to one database', () => {
  it('are delivered once each by two workers, in order per object', async () => {
    const [first, second, writer] = await storesOn(await sharedDatabase(), 3)
    const hook = await startReceiver()
    hook.answer({ kind: 'slow', ms: 10 })
    const clock = testClock()
    const errors: unknown[] = []
    const config = { ...defaultConfig, hookPollInterval: 20, hookConcurrency: 4 }
    const workers = [first!, second!].map((store) => startDeliveryWorker({ store, clock, config, log: (_m, e) => errors.push(e) }))
    try {
      // As the CLI would: a connection with no worker of its own.
      await addHandler(writer!.db, { target: hook.url })
      for (let i = 1; i <= 60; i++) await emitEvent(writer!, clock(), 'clients.update', i % 7, { seq: i })
      await hook.waitFor(60, 10_000)
      await Promise.all(workers.map((w) => w.settle()))
      expect(hook.received).toHaveLength(60)
      expect(new Set(hook.received.map((r) => r.headers['x-billgate-delivery'])).size).toBe(60)
      // The order per object held across both workers.
      for (let client = 0; client < 7; client++) {
        const seqs = hook.received.filter((r) => r.json.event.object_id === client).map((r) => Number(r.json.data.seq))
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
      }
      expect((await deliveries(writer!.db)).every((d) => d.status === 'success' && d.attempts === 1)).toBe(true)
      expect(await logRows(writer!.db)).toHaveLength(60)
      expect(errors).toEqual([])
    } finally {
      await Promise.all(workers.map((w) => w.stop()))
      await hook.close()
    }
  })
})

describe('pruning', () => {
  it('deletes log rows and finished deliveries older than the retention, in batches, and keeps the rest', async () => {
    const t = await deliveryApp({ hookLogRetentionDays: 30 })
    try {
      const now = t.clock()
      const old = now - 31 * dayMs
      const recent = now - 29 * dayMs
      const delivery = (status: 'pending' | 'retrying' | 'success' | 'fail', at: number, n: number) => ({
        ...due(`d-${status}-${at}-${n}`, 1, status === 'retrying' ? 'retrying' : 'pending', now + 365 * dayMs, 1),
        handlerId: 99,
        status,
        // Leased far ahead, so that the worker leaves the undelivered ones alone.
        leaseUntil: now + 365 * dayMs,
        createdAt: at,
        updatedAt: at,
      })
      const rows = [
        ...Array.from({ length: 700 }, (_, n) => delivery('success', old, n)),
        delivery('fail', old, 0),
        delivery('retrying', old, 0),
        delivery('pending', old, 0),
        delivery('success', recent, 0),
      ]
      await t.db.insert(provisioningDeliveries).values(rows)
      const log = (at: number, n: number) => ({ handlerId: 99, stage: 'after' as const, event: 'clients.update', attempt: 1, status: 'success' as const, at: at + n })
      await t.db.insert(provisioningLog).values([...Array.from({ length: 1200 }, (_, n) => log(old, n)), log(recent, 0), log(now, 0)])

      expect(await t.worker.prune()).toBe(701 + 1200)
      expect((await deliveries(t.db)).map((d) => d.status).sort()).toEqual(['pending', 'retrying', 'success'])
      expect((await logRows(t.db)).map((l) => l.at)).toEqual([recent, now])
    } finally {
      await t.stop()
    }
  })

  it('keeps everything when the retention is 0', async () => {
    const t = await deliveryApp({ hookLogRetentionDays: 0 })
    try {
      await t.db.insert(provisioningLog).values({ handlerId: 1, stage: 'after', event: 'clients.update', status: 'fail', at: 0 })
      expect(await t.worker.prune()).toBe(0)
      expect(await logRows(t.db)).toHaveLength(1)
    } finally {
      await t.stop()
    }
  })
})

describe('claiming', () => {
  it('merges due retries with new deliveries in priority order, then id, up to the limit', async () => {
    const store = await openTestStore()
    cleanups.push(() => store.close())
    await store.db
      .insert(provisioningDeliveries)
      .values([due('new-late', 5, 'pending', 0, 1), due('retry-first', 1, 'retrying', 100, 2), due('retry-not-yet', 1, 'retrying', 10_000, 3), due('new-first', 1, 'pending', 0, 4)])
    const ids = async (limit: number) => (await dueRows(store.dialect, store.db, 1000, limit)).map((r) => r.deliveryId)
    expect(await ids(10)).toEqual(['retry-first', 'new-first', 'new-late'])
    expect(await ids(2)).toEqual(['retry-first', 'new-first'])
    expect((await dueRows(store.dialect, store.db, 1000, 1))[0]).toMatchObject({
      deliveryId: 'retry-first',
      handlerId: 1,
      event: 'clients.update',
      objectId: 2,
      payload: '{}',
      attempts: 0,
      nextAt: 100,
      // Handler 1 does not exist.
      handler: undefined,
    })
  })

  it.skipIf(testBackend !== 'pg')('by transactions at the same time takes different rows, and never one behind an undelivered row of its object', async () => {
    const [first, second] = await storesOn(await sharedDatabase(), 2)
    await first!.db.insert(provisioningDeliveries).values([
      due('a1', 1, 'pending', 0, 1),
      due('a2', 1, 'pending', 0, 1),
      due('b1', 1, 'pending', 0, 2),
      due('c1', 1, 'pending', 0, 3),
      due('d1', 1, 'pending', 0, 4),
    ])
    let inside!: () => void
    const firstInside = new Promise<void>((resolve) => (inside = resolve))
    let leave!: () => void
    const firstMayLeave = new Promise<void>((resolve) => (leave = resolve))
    const claimOf = (store: Store, beforeCommit: () => Promise<void>) =>
      store.write(async (tx) => {
        await asQueueTransaction(store.dialect, tx)
        const rows = await dueRows(store.dialect, tx, 1000, 2)
        await leaseRows(tx, rows.map((r) => r.id), 2000)
        await beforeCommit()
        return rows.map((r) => r.deliveryId)
      })
    // The first holds its rows while the second claims.
    const claimedFirst = claimOf(first!, async () => {
      inside()
      await firstMayLeave
    })
    await firstInside
    const claimedSecond = await claimOf(second!, async () => undefined)
    leave()
    expect(await claimedFirst).toEqual(['a1', 'b1'])
    // a2 waits for a1, whoever holds it.
    expect(claimedSecond).toEqual(['c1', 'd1'])
    // Leased: nothing is due until the leases run out.
    expect(await dueRows(first!.dialect, first!.db, 1000, 10)).toEqual([])
  })
})
