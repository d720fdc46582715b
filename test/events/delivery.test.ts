import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { provisioningDeliveries, provisioningHandlers } from '../../src/db/schema/index'
import { afterTimeoutMs } from '../../src/events/defaults'
import { emit } from '../../src/events/outbox'
import { admin, addHandler, deliveries, deliveryApp, emitEvent, logRows, setHandlerStatus } from './delivery-setup'
import { startReceiver, type Receiver } from './receiver'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

async function receiver(secret?: string): Promise<Receiver> {
  const r = await startReceiver({ secret })
  cleanups.push(() => r.close())
  return r
}

async function app(...args: Parameters<typeof deliveryApp>) {
  const t = await deliveryApp(...args)
  cleanups.push(async () => {
    await t.stop()
    expect(t.workerErrors).toEqual([])
  })
  return t
}

const minute = 60_000

describe('after-stage delivery over HTTP', () => {
  it('posts the stored payload with the X-Billgate headers, signed only where the handler has a secret', async () => {
    const t = await app()
    const signedHook = await receiver('s3cret')
    const plainHook = await receiver()
    await addHandler(t.db, { name: 'signed', target: signedHook.url, secret: 's3cret', events: 'payments.create' })
    await addHandler(t.db, { name: 'plain', target: plainHook.url, events: 'payments.create' })
    const account = await t.createAccount('Acme')
    const r = await t.data({ func: 'payment.edit', authinfo: admin, sok: 'ok', account: String(account), amount: '12.50' })
    expect(r.ok).toBe(true)
    await t.worker.settle()

    const [signedRow, plainRow] = await deliveries(t.db)
    for (const [hook, row, secret] of [[signedHook, signedRow!, true], [plainHook, plainRow!, false]] as const) {
      expect(hook.received).toHaveLength(1)
      const got = hook.received[0]!
      expect(got.method).toBe('POST')
      expect(got.path).toBe('/hook')
      expect(got.headers['content-type']).toBe('application/json')
      expect(got.headers['x-billgate-event']).toBe('payments.create')
      expect(got.headers['x-billgate-delivery']).toBe(row.deliveryId)
      expect(got.headers['x-billgate-timestamp']).toBe(String(Math.floor(t.clock() / 1000)))
      expect(got.body).toBe(row.payload)
      expect(got.json.event).toEqual({ dt: '2026-11-24T12:00:00+00:00', events_id: 'payments.create', object_id: Number(r.id) })
      expect(got.json.data).toMatchObject({ id: Number(r.id), amount: '12.50', account })
      if (secret) {
        expect(got.headers['x-billgate-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
        expect(got.signed).toBe(true)
      } else {
        expect(got.headers['x-billgate-signature']).toBeUndefined()
      }
      expect(row).toMatchObject({ status: 'success', attempts: 1, leaseUntil: 0 })
    }
    const log = await logRows(t.db)
    expect(log).toHaveLength(2)
    for (const row of log) {
      expect(row).toMatchObject({ stage: 'after', event: 'payments.create', objectId: Number(r.id), attempt: 1, status: 'success', response: 'ok', error: '' })
      expect(row.durationMs).toBeGreaterThanOrEqual(0)
    }
    expect(log.map((l) => l.deliveryId).sort()).toEqual([signedRow!.id, plainRow!.id])
  })

  it('delivers in priority order, then in the order the events happened', async () => {
    const t = await app({ hookConcurrency: 1 })
    const hook = await receiver()
    await addHandler(t.db, { name: 'late', target: `${hook.url}?h=late`, priority: 5 })
    await addHandler(t.db, { name: 'first', target: `${hook.url}?h=first`, priority: 1 })
    // Recorded together: the worker finds them all at once.
    await t.store.write(async (tx) => {
      for (const id of [1, 2, 3]) await emit(tx, t.clock(), { event: 'clients.update', objectId: id, data: { id } })
    })
    await t.worker.settle()
    expect(hook.received.map((r) => `${r.path.slice(8)}:${r.json.event.object_id}`)).toEqual([
      'first:1',
      'first:2',
      'first:3',
      'late:1',
      'late:2',
      'late:3',
    ])
  })

  it('keeps each object’s order per handler while delivering several at once, also across retries', async () => {
    const t = await app({ hookConcurrency: 8 })
    const hook = await receiver()
    await addHandler(t.db, { target: hook.url })
    // The second event of client 1 fails once: its later events must wait for its retry.
    let failed = false
    hook.answer((r) => {
      if (r.json.event.object_id === 1 && r.json.data.seq === 2 && !failed) {
        failed = true
        return { kind: 'status', status: 500 }
      }
      return { kind: 'slow', ms: 5 + ((Number(r.json.data.seq) * 7 + Number(r.json.event.object_id) * 3) % 20) }
    })
    for (let seq = 1; seq <= 5; seq++) {
      for (const client of [1, 2, 3, 4]) await emitEvent(t.store, t.clock(), 'clients.update', client, { seq })
    }
    await t.worker.settle()
    const seqsOf = (client: number) => hook.received.filter((r) => r.json.event.object_id === client).map((r) => r.json.data.seq)
    expect(seqsOf(1)).toEqual([1, 2])
    for (const client of [2, 3, 4]) expect(seqsOf(client)).toEqual([1, 2, 3, 4, 5])
    expect(hook.load.max).toBeGreaterThan(1)
    expect(hook.load.max).toBeLessThanOrEqual(4)

    t.clock.advance(2 * minute)
    await t.worker.settle()
    expect(seqsOf(1)).toEqual([1, 2, 2, 3, 4, 5])
    expect((await deliveries(t.db)).every((d) => d.status === 'success')).toBe(true)
  })

  it('retries a failed delivery after the schedule’s wait ± jitter, under the same delivery id, and fails it after the last attempt', async () => {
    const t = await app()
    const hook = await receiver('k')
    hook.answer({ kind: 'status', status: 500 })
    await addHandler(t.db, { target: hook.url, secret: 'k' })
    await emitEvent(t.store, t.clock(), 'payments.create', 7, { id: 7 })
    await t.worker.settle()
    expect(hook.received).toHaveLength(1)
    let row = (await deliveries(t.db))[0]!
    expect(row).toMatchObject({ status: 'retrying', attempts: 1, leaseUntil: 0 })
    const wait = row.nextAt - t.clock()
    expect(wait).toBeGreaterThanOrEqual(0.8 * minute)
    expect(wait).toBeLessThanOrEqual(1.2 * minute)

    // Not before its time…
    t.clock.advance(wait - 1000)
    await t.worker.settle()
    expect(hook.received).toHaveLength(1)
    // …but once it has come.
    t.clock.advance(1000)
    await t.worker.settle()
    expect(hook.received).toHaveLength(2)

    // The rest of the default schedule: 5 min, 30 min, 2 h, 12 h, 24 h, then it fails.
    const schedule = [5, 30, 120, 720, 1440].map((m) => m * minute)
    for (const [i, base] of schedule.entries()) {
      row = (await deliveries(t.db))[0]!
      expect(row.status).toBe('retrying')
      const next = row.nextAt - t.clock()
      expect(next, `wait before attempt ${i + 3}`).toBeGreaterThanOrEqual(0.8 * base)
      expect(next, `wait before attempt ${i + 3}`).toBeLessThanOrEqual(1.2 * base)
      t.clock.advance(next)
      await t.worker.settle()
    }
    expect(hook.received).toHaveLength(7)
    expect(new Set(hook.received.map((r) => r.headers['x-billgate-delivery']))).toEqual(new Set([row.deliveryId]))
    expect(new Set(hook.received.map((r) => r.body)).size).toBe(1)
    expect(hook.received.every((r) => r.signed)).toBe(true)
    expect((await deliveries(t.db))[0]).toMatchObject({ status: 'fail', attempts: 7 })
    const log = await logRows(t.db)
    expect(log.map((l) => [l.attempt, l.status])).toEqual([
      [1, 'retrying'],
      [2, 'retrying'],
      [3, 'retrying'],
      [4, 'retrying'],
      [5, 'retrying'],
      [6, 'retrying'],
      [7, 'fail'],
    ])
    expect(log.every((l) => l.error === 'HTTP 500' && l.response === 'status 500')).toBe(true)
    // A failed delivery is not tried again.
    t.clock.advance(7 * 24 * 60 * minute)
    await t.worker.settle()
    expect(hook.received).toHaveLength(7)
  })

  it('follows a configured retry schedule', async () => {
    const t = await app({ hookRetrySchedule: [10_000] }, () => 0.5)
    const hook = await receiver()
    hook.answer({ kind: 'status', status: 503 })
    await addHandler(t.db, { target: hook.url })
    await emitEvent(t.store, t.clock(), 'clients.create', 1)
    await t.worker.settle()
    expect((await deliveries(t.db))[0]!.nextAt).toBe(t.clock() + 10_000)
    t.clock.advance(10_000)
    await t.worker.settle()
    expect(hook.received).toHaveLength(2)
    expect((await deliveries(t.db))[0]).toMatchObject({ status: 'fail', attempts: 2 })
  })

  it('gives up on a slow handler at its own timeout and retries it', async () => {
    const t = await app()
    const hook = await receiver()
    hook.answer({ kind: 'slow', ms: 2000 })
    await addHandler(t.db, { target: hook.url, timeoutMs: 150 })
    await emitEvent(t.store, t.clock(), 'clients.update', 3)
    const started = performance.now()
    await t.worker.settle()
    expect(performance.now() - started).toBeLessThan(1500)
    expect(hook.received).toHaveLength(1)
    const [log] = await logRows(t.db)
    expect(log).toMatchObject({ status: 'retrying', attempt: 1, error: 'no answer within 150 ms' })
    expect(log!.durationMs).toBeGreaterThanOrEqual(140)
    expect((await deliveries(t.db))[0]!.status).toBe('retrying')
    expect(afterTimeoutMs).toBe(10_000)
  })

  it('retries when the handler closes the connection without answering', async () => {
    const t = await app()
    const hook = await receiver()
    hook.answer({ kind: 'close' })
    await addHandler(t.db, { target: hook.url })
    await emitEvent(t.store, t.clock(), 'clients.update', 4)
    await t.worker.settle()
    expect(hook.received).toHaveLength(1)
    const [log] = await logRows(t.db)
    expect(log!.status).toBe('retrying')
    expect(log!.error).not.toBe('')
    hook.answer({ kind: 'ok' })
    t.clock.advance(2 * minute)
    await t.worker.settle()
    expect(hook.received.map((r) => r.headers['x-billgate-delivery'])).toEqual([(await deliveries(t.db))[0]!.deliveryId, (await deliveries(t.db))[0]!.deliveryId])
    expect((await logRows(t.db)).map((l) => l.status)).toEqual(['retrying', 'success'])
  })

  it('retries when nothing listens at the URL', async () => {
    const t = await app()
    const gone = await startReceiver()
    await gone.close()
    await addHandler(t.db, { target: gone.url })
    await emitEvent(t.store, t.clock(), 'clients.update', 4)
    await t.worker.settle()
    expect((await logRows(t.db))[0]).toMatchObject({ status: 'retrying', attempt: 1 })
    expect((await logRows(t.db))[0]!.error).toMatch(/ECONNREFUSED/)
  })

  it('keeps a disabled handler’s deliveries pending until it is enabled, and fails those of a deleted or archived one', async () => {
    const t = await app()
    const hook = await receiver()
    const paused = await addHandler(t.db, { name: 'paused', target: `${hook.url}?paused` })
    const archived = await addHandler(t.db, { name: 'archived', target: `${hook.url}?archived` })
    const deleted = await addHandler(t.db, { name: 'deleted', target: `${hook.url}?deleted` })
    // The handlers change before the worker sees the deliveries.
    await t.store.write(async (tx) => {
      for (let n = 0; n < 2; n++) await emit(tx, t.clock(), { event: 'clients.update', objectId: 1, data: {} })
      await setHandlerStatus(tx, paused, 'disabled')
      await setHandlerStatus(tx, archived, 'archived')
      await tx.delete(provisioningHandlers).where(eq(provisioningHandlers.id, deleted))
    })
    await t.worker.settle()
    t.clock.advance(3 * 24 * 60 * minute)
    await t.worker.settle()
    expect(hook.received).toHaveLength(0)
    const byHandler = async (id: number) => (await deliveries(t.db)).filter((d) => d.handlerId === id)
    expect((await byHandler(paused)).map((d) => d.status)).toEqual(['pending', 'pending'])
    expect((await byHandler(archived)).map((d) => d.status)).toEqual(['fail', 'fail'])
    expect((await byHandler(deleted)).map((d) => d.status)).toEqual(['fail', 'fail'])
    const errors = (await logRows(t.db)).map((l) => [l.handlerId, l.status, l.error])
    expect(errors).toEqual(
      expect.arrayContaining([
        [archived, 'fail', 'the handler is archived'],
        [deleted, 'fail', 'the handler was deleted'],
      ]),
    )
    expect(errors).toHaveLength(4)

    await setHandlerStatus(t.db, paused, 'enabled')
    await t.worker.settle()
    expect(hook.received.map((r) => r.path)).toEqual(['/hook?paused', '/hook?paused'])
    expect((await byHandler(paused)).map((d) => d.status)).toEqual(['success', 'success'])
  })

  it('is woken by an emit at once, without waiting for the poll', async () => {
    const t = await app({ hookPollInterval: 3_600_000 })
    const hook = await receiver()
    await addHandler(t.db, { target: hook.url })
    await emitEvent(t.store, t.clock(), 'invoices.create', 9)
    await hook.waitFor(1, 2000)
    expect(hook.received[0]!.json.event.object_id).toBe(9)
  })

  it('leaves a delivery leased by another worker alone until its lease runs out', async () => {
    const t = await app()
    const hook = await receiver()
    await addHandler(t.db, { target: hook.url })
    // As a worker that was killed while calling the handler would have left it.
    await t.store.write(async (tx) => {
      await emit(tx, t.clock(), { event: 'clients.update', objectId: 5, data: {} })
      await tx.update(provisioningDeliveries).set({ leaseUntil: t.clock() + 40_000 })
    })
    await t.worker.settle()
    expect(hook.received).toHaveLength(0)
    t.clock.advance(40_000)
    await t.worker.settle()
    expect(hook.received).toHaveLength(1)
    expect((await deliveries(t.db))[0]).toMatchObject({ status: 'success', attempts: 1, leaseUntil: 0 })
  })
})
