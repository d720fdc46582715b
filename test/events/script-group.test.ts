import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { provisioningLog } from '../../src/db/schema/index'
import { adminPassword, makeTestApp } from '../helpers'
import { addHandler, deliveryApp, emitEvent, logRows } from './delivery-setup'

const dir = mkdtempSync(join(tmpdir(), 'billgate-group-'))
const started: number[] = []
afterAll(() => {
  // Whatever a failing run left behind.
  for (const pid of started) if (running(pid)) process.kill(pid, 'SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

const stops: (() => Promise<void>)[] = []
afterEach(async () => {
  while (stops.length) await stops.pop()!()
})

/** A bash handler that starts a long sleep in the background, writes its pid and waits for it. */
function sleeper(name: string): { path: string; pid: () => number } {
  const path = join(dir, `${name}.sh`)
  const pidFile = join(dir, `${name}.pid`)
  writeFileSync(path, `#!/bin/bash\nsleep 30 &\necho $! > "${pidFile}"\nwait\n`)
  chmodSync(path, 0o755)
  return {
    path,
    pid: () => {
      const pid = Number(readFileSync(pidFile, 'utf8'))
      started.push(pid)
      return pid
    },
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false
    throw err
  }
}

/** Whether the process is gone once its parent's kill has taken effect (it is reaped meanwhile). */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && running(pid); i++) await new Promise((r) => setTimeout(r, 20))
  return !running(pid)
}

describe('a script handler out of time is killed with everything it started', () => {
  it('after-stage: the attempt fails, and the background sleep of the bash script is gone', async () => {
    const t = await deliveryApp()
    stops.push(t.stop)
    const script = sleeper('after')
    await addHandler(t.db, { type: 'script', target: script.path, timeoutMs: 1000 })
    await emitEvent(t.store, t.clock(), 'clients.update', 6)
    await t.worker.settle()
    expect((await logRows(t.db))[0]).toMatchObject({ status: 'retrying', error: 'no answer within 1000 ms (killed)' })
    expect(await gone(script.pid())).toBe(true)
  })

  it('before-stage: the change follows on_failure, and the background sleep is gone', async () => {
    const t = await makeTestApp()
    const script = sleeper('before')
    const admin = { authinfo: `admin:${adminPassword}` }
    const handler = await t.data({ func: 'provisioning.handler.edit', sok: 'ok', name: 'Sleeper', events: 'payments.create', type: 'script', stage: 'before', target: script.path, timeout_ms: '1000', on_failure: 'forbid', ...admin })
    expect(handler.ok).toBe(true)
    const account = String(await t.createAccount('Acme'))
    const paid = await t.data({ func: 'payment.edit', sok: 'ok', account, amount: '10.00', ...admin })
    expect(paid.error).toMatchObject({ type: 'access', object: 'provisioning' })
    expect((await t.db.select().from(provisioningLog))[0]).toMatchObject({ status: 'fail', error: 'no answer within 1000 ms (killed)' })
    expect(await gone(script.pid())).toBe(true)
  })
})
