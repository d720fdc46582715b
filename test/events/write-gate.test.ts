import type { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { gatedWrite, useWriteGate, WriteGate } from '../../src/db/write-gate'
import { openDatabase } from '../../src/db/connection'
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

  it('gates writes through a connection that has one, and runs them at once through one that has not', () => {
    const db = openDatabase(':memory:')
    expect(gatedWrite(db, () => 1)).toBe(1)
    const gate = new WriteGate()
    useWriteGate(db, gate)
    expect(gatedWrite(db, () => gatedWrite(db, () => 2))).toBe(2)
    // A failed write leaves the gate open.
    expect(() => gatedWrite(db, () => { throw new Error('failed') })).toThrow('failed')
    const start = performance.now()
    expect(gatedWrite(db, () => 3)).toBe(3)
    expect(performance.now() - start).toBeLessThan(1000)
  })
})
