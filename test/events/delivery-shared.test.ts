import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { defaultConfig } from '../../src/config'
import { openDatabase } from '../../src/db/connection'
import { provisioningDeliveries, provisioningLog } from '../../src/db/schema/index'
import { startDeliveryWorker } from '../../src/events/worker'
import { deliveryStatements, duePendingSql, dueRetryingSql, dueRows } from '../../src/events/worker-sql'
import { testClock } from '../helpers'
import { addHandler, deliveries, deliveryApp, emitEvent, logRows } from './delivery-setup'
import { startReceiver } from './receiver'

const dir = mkdtempSync(join(tmpdir(), 'billgate-deliveries-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const dayMs = 86_400_000

describe('deliveries shared by several connections on one database file', () => {
  it('are delivered once each by two workers, and those written elsewhere are found by polling', async () => {
    const path = join(dir, 'shared.sqlite')
    const first = openDatabase(path)
    const second = openDatabase(path)
    // As the CLI would: a connection with no worker of its own.
    const writer = openDatabase(path)
    const hook = await startReceiver()
    hook.answer({ kind: 'slow', ms: 10 })
    const clock = testClock()
    const errors: unknown[] = []
    const config = { ...defaultConfig, hookPollInterval: 20, hookConcurrency: 4 }
    const workers = [first, second].map((db) => startDeliveryWorker({ db, clock, config, log: (_m, e) => errors.push(e) }))
    try {
      addHandler(writer, { target: hook.url })
      for (let i = 1; i <= 60; i++) emitEvent(writer, clock(), 'clients.update', i % 7, { seq: i })
      await hook.waitFor(60, 10_000)
      await Promise.all(workers.map((w) => w.settle()))
      expect(hook.received).toHaveLength(60)
      expect(new Set(hook.received.map((r) => r.headers['x-billgate-delivery'])).size).toBe(60)
      // The order per object held across both workers.
      for (let client = 0; client < 7; client++) {
        const seqs = hook.received.filter((r) => r.json.event.object_id === client).map((r) => Number(r.json.data.seq))
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
      }
      expect(deliveries(writer).every((d) => d.status === 'success' && d.attempts === 1)).toBe(true)
      expect(logRows(writer)).toHaveLength(60)
      expect(errors).toEqual([])
    } finally {
      await Promise.all(workers.map((w) => w.stop()))
      await hook.close()
      for (const db of [first, second, writer]) db.$client.close()
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
        deliveryId: `d-${status}-${at}-${n}`,
        handlerId: 99,
        event: 'clients.update',
        objectId: 1,
        objectKey: 'clients:1',
        priority: 1,
        payload: '{}',
        status,
        // Far ahead, so that the worker leaves the undelivered ones alone.
        nextAt: now + 365 * dayMs,
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
      t.db.insert(provisioningDeliveries).values(rows).run()
      const log = (at: number, n: number) => ({ handlerId: 99, stage: 'after' as const, event: 'clients.update', attempt: 1, status: 'success' as const, at: at + n })
      t.db
        .insert(provisioningLog)
        .values([...Array.from({ length: 1200 }, (_, n) => log(old, n)), log(recent, 0), log(now, 0)])
        .run()

      expect(await t.worker.prune()).toBe(701 + 1200)
      expect(deliveries(t.db).map((d) => d.status).sort()).toEqual(['pending', 'retrying', 'success'])
      expect(logRows(t.db).map((l) => l.at)).toEqual([recent, now])
    } finally {
      await t.stop()
    }
  })

  it('keeps everything when the retention is 0', async () => {
    const t = await deliveryApp({ hookLogRetentionDays: 0 })
    try {
      t.db.insert(provisioningLog).values({ handlerId: 1, stage: 'after', event: 'clients.update', status: 'fail', at: 0 }).run()
      expect(await t.worker.prune()).toBe(0)
      expect(logRows(t.db)).toHaveLength(1)
    } finally {
      await t.stop()
    }
  })
})

describe('claiming', () => {
  it('merges due retries with new deliveries in priority order, then id, up to the limit', () => {
    const db = openDatabase(':memory:')
    try {
      const row = (deliveryId: string, priority: number, status: 'pending' | 'retrying', nextAt: number, objectId: number) => ({
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
      })
      db.insert(provisioningDeliveries)
        .values([
          row('new-late', 5, 'pending', 0, 1),
          row('retry-first', 1, 'retrying', 100, 2),
          row('retry-not-yet', 1, 'retrying', 10_000, 3),
          row('new-first', 1, 'pending', 0, 4),
        ])
        .run()
      const sql = deliveryStatements(db)
      const ids = (limit: number) => dueRows(sql, 1000, limit).map((r) => r.deliveryId)
      expect(ids(10)).toEqual(['retry-first', 'new-first', 'new-late'])
      expect(ids(2)).toEqual(['retry-first', 'new-first'])
      expect(dueRows(sql, 1000, 1)[0]).toMatchObject({ deliveryId: 'retry-first', handlerId: 1, event: 'clients.update', objectId: 2, payload: '{}', attempts: 0, nextAt: 100 })
    } finally {
      db.$client.close()
    }
  })

  it('walks new deliveries in order and finds retries by their time: rows waiting for a later retry are not walked', () => {
    const db = openDatabase(':memory:')
    try {
      const planOf = (text: string) =>
        db.$client
          .prepare(`explain query plan ${text}`)
          .all({ now: 0, limit: 1 })
          .map((r) => (r as { detail: string }).detail)
          .join('\n')
      const fresh = planOf(duePendingSql)
      expect(fresh).toMatch(/SCAN d USING INDEX provisioning_deliveries_due_idx/)
      // Already in order: nothing is sorted, so the walk stops at the limit.
      expect(fresh).not.toMatch(/TEMP B-TREE/)
      expect(planOf(dueRetryingSql)).toMatch(/SEARCH d USING INDEX provisioning_deliveries_retry_idx \(next_at<\?\)/)
      for (const plan of [fresh, planOf(dueRetryingSql)]) expect(plan).not.toMatch(/SCAN d\s*$/m)
    } finally {
      db.$client.close()
    }
  })
})
