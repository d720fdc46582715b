import { join } from 'node:path'
import { asc, count, ne } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { firstRow } from '../../src/db/query'
import { payments, provisioningDeliveries } from '../../src/db/schema/index'
import { openStore } from '../../src/db/store'
import { createTestDatabase } from '../db/pg-database'
import { adminPassword, testBackend } from '../helpers'
import { callAsAdmin as call, serverScratch, startServer } from '../server-process'
import { addHandler } from './delivery-setup'
import { startReceiver } from './receiver'

const { dir, children } = serverScratch('billgate-crash-')

describe('delivery across a kill -9 of the server', () => {
  it('delivers every committed payment’s event at least once, a repeat always under the same delivery id', async () => {
    const database = testBackend === 'pg' ? await createTestDatabase({ migrated: true }) : undefined
    const target = database?.url ?? join(dir, 'billgate.sqlite')
    const hook = await startReceiver()
    // Slow enough that deliveries are in flight when the server dies.
    hook.answer({ kind: 'slow', ms: 150 })
    const setup = await openStore(target)
    await addHandler(setup.db, { name: 'crm', target: hook.url, events: 'payments.create', timeoutMs: 1000 })
    await setup.close()
    const env = {
      BILLGATE_DB: target,
      BILLGATE_ADMIN_PASSWORD: adminPassword,
      BILLGATE_RENEWAL_INTERVAL: '0',
      BILLGATE_HOOK_POLL_INTERVAL: '50',
      BILLGATE_HOOK_LEASE_GRACE: '500',
      BILLGATE_HOOK_RETRY_SCHEDULE: '200ms,200ms,200ms,1s,1s,1s',
    }
    try {
      const first = await startServer(env, children)
      const account = await call(first.url, { func: 'account.edit', sok: 'ok', name: 'Acme', currency: 'USD' })
      expect(account.ok).toBe(true)

      // Four clients pay one after another until the server is killed under them.
      let accepted = 0
      const stream = Array.from({ length: 4 }, async () => {
        for (;;) {
          try {
            const r = await call(first.url, { func: 'payment.edit', sok: 'ok', account: String(account.id), amount: '1.00' })
            if (r.ok) accepted++
          } catch {
            return
          }
        }
      })
      while (accepted < 150 || hook.received.length < 60) await new Promise((r) => setTimeout(r, 20))
      first.child.kill('SIGKILL')
      await first.exited
      await Promise.all(stream)

      const second = await startServer(env, children)
      const r = await call(second.url, { func: 'payment.edit', sok: 'ok', account: String(account.id), amount: '2.00' })
      expect(r.ok).toBe(true)

      const check = await openStore(target)
      const { db } = check
      try {
        const committed = (await db.select({ id: payments.id }).from(payments).orderBy(asc(payments.id))).map((p) => p.id)
        expect(committed.length).toBeGreaterThanOrEqual(accepted + 1)
        const arrived = () => new Set(hook.received.map((q) => q.json.event.object_id))
        // Until every delivery is recorded as done: those leased by the killed server wait for their lease to run out.
        const undelivered = async () =>
          (await firstRow(db.select({ n: count() }).from(provisioningDeliveries).where(ne(provisioningDeliveries.status, 'success'))))!.n
        const deadline = Date.now() + 15_000
        while ((await undelivered()) > 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50))
        expect(await undelivered()).toBe(0)
        expect(committed.filter((id) => !arrived().has(id))).toEqual([])

        // Each delivery id stands for one payment's event, always with the same body, as recorded.
        const rows = await db
          .select({ id: provisioningDeliveries.deliveryId, objectId: provisioningDeliveries.objectId, payload: provisioningDeliveries.payload })
          .from(provisioningDeliveries)
        const recorded = new Map(rows.map((d) => [d.id, d]))
        const seen = new Map<string, number>()
        for (const q of hook.received) {
          const id = String(q.headers['x-billgate-delivery'])
          const row = recorded.get(id)
          expect(row, `delivery ${id} is recorded`).toBeDefined()
          expect(q.body).toBe(row!.payload)
          expect(q.json.event.object_id).toBe(row!.objectId)
          seen.set(id, (seen.get(id) ?? 0) + 1)
        }
        // One delivery per payment: a payment delivered twice was the same delivery repeated.
        const idsPerPayment = new Map<number, Set<string>>()
        for (const q of hook.received) {
          const set = idsPerPayment.get(q.json.event.object_id!) ?? new Set()
          set.add(String(q.headers['x-billgate-delivery']))
          idsPerPayment.set(q.json.event.object_id!, set)
        }
        expect([...idsPerPayment.values()].every((ids) => ids.size === 1)).toBe(true)
        // What was in flight when the server died was delivered again after its lease ran out.
        expect([...seen.values()].some((n) => n > 1)).toBe(true)
      } finally {
        await check.close()
      }
      second.child.kill('SIGTERM')
      expect(await second.exited).toBe(0)
      // Nothing went wrong on the way.
      for (const server of [first, second]) expect(server.output()).not.toMatch(/failed|error/i)
    } finally {
      await hook.close()
      await database?.drop()
    }
  }, 40_000)
})
