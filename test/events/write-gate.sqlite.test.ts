import type { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { SqliteStore } from '../../src/db/sqlite/store'
import { useWriteGate, WriteGate } from '../../src/db/write-gate'
import { startThread } from '../../src/threads'

/** A thread that holds the gate for `holdMs`, telling when it got in. */
function holder(gate: WriteGate, holdMs: number): Worker {
  return startThread(new URL('../fixtures/gate-holder.ts', import.meta.url), { shared: gate.shared, holdMs })
}

describe('the write gate', () => {
  it('makes a thread wait while another thread of the process is inside, and no longer', async () => {
    const gate = new WriteGate()
    const thread = holder(gate, 300)
    await new Promise<void>((resolve) => thread.on('message', (m) => m === 'inside' && resolve()))
    const start = performance.now()
    const waited = gate.run(() => performance.now() - start)
    expect(waited).toBeGreaterThan(200)
    expect(waited).toBeLessThan(2000)
    await thread.terminate()
    // Free again, and a thread inside may enter again.
    expect(gate.run(() => gate.run(() => 'nested'))).toBe('nested')
  })

  it('leaves a thread that gave up waiting to run without the gate, and still held by the thread inside', async () => {
    const shared = new SharedArrayBuffer(4)
    const thread = holder(new WriteGate(shared), 400)
    await new Promise<void>((resolve) => thread.on('message', (m) => m === 'inside' && resolve()))
    const impatient = new WriteGate(shared, 50)
    const start = performance.now()
    const gaveUpAfter = impatient.run(() => performance.now() - start)
    expect(gaveUpAfter).toBeGreaterThanOrEqual(45)
    expect(gaveUpAfter).toBeLessThan(300)
    // Had the impatient thread opened the gate on its way out, this would not wait.
    const waited = new WriteGate(shared).run(() => performance.now() - start)
    expect(waited).toBeGreaterThan(250)
    await thread.terminate()
  })

  it('makes a store’s writes take turns at the gate of its connection, and leaves it open after a failed write', async () => {
    const store = SqliteStore.open(':memory:')
    try {
      expect(await store.write(async () => 1)).toBe(1)
      const gate = new WriteGate()
      useWriteGate(store.db, gate)
      const thread = holder(gate, 300)
      await new Promise<void>((resolve) => thread.on('message', (m) => m === 'inside' && resolve()))
      const start = performance.now()
      expect(await store.write(async () => store.write(async () => 2))).toBe(2)
      expect(performance.now() - start).toBeGreaterThan(200)
      await thread.terminate()
      await expect(store.write(async () => Promise.reject(new Error('failed')))).rejects.toThrow('failed')
      // Free: a writer that would give up after 50 ms gets in at once.
      const before = performance.now()
      expect(new WriteGate(gate.shared, 50).run(() => performance.now() - before)).toBeLessThan(40)
    } finally {
      await store.close()
    }
  })
})
