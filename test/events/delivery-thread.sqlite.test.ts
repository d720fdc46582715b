import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SqliteStore } from '../../src/db/sqlite/store'
import { adminPassword } from '../helpers'
import { callAsAdmin, serverScratch, startServer } from '../server-process'
import { addHandler } from './delivery-setup'
import { startReceiver } from './receiver'

const { dir, children } = serverScratch('billgate-thread-')

async function pay(url: string, account: unknown): Promise<void> {
  const reply = await callAsAdmin(url, { func: 'payment.edit', sok: 'ok', account: String(account), amount: '1.00' })
  expect(reply.ok).toBe(true)
}

describe('the delivery thread of a server on a database file', () => {
  it('is woken by the server’s writes, busy or idle, without waiting for its poll', async () => {
    const dbPath = join(dir, 'billgate.sqlite')
    const hook = await startReceiver()
    const setup = SqliteStore.open(dbPath)
    await addHandler(setup.db, { name: 'crm', target: hook.url, events: 'payments.create' })
    await setup.close()
    // An hour between polls: whatever arrives within the test was woken for.
    const server = await startServer({ BILLGATE_DB: dbPath, BILLGATE_ADMIN_PASSWORD: adminPassword, BILLGATE_RENEWAL_INTERVAL: '0', BILLGATE_HOOK_POLL_INTERVAL: '3600000' }, children)
    try {
      const { id: account } = await callAsAdmin(server.url, { func: 'account.edit', sok: 'ok', name: 'Acme', currency: 'USD' })
      // One at a time, the thread idle in between; then many at once, while it is working.
      for (let n = 1; n <= 3; n++) {
        await pay(server.url, account)
        await hook.waitFor(n, 3000)
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
      await Promise.all(Array.from({ length: 40 }, () => pay(server.url, account)))
      await hook.waitFor(43, 5000)
      expect(new Set(hook.received.map((r) => r.json.event.object_id)).size).toBe(43)
      server.child.kill('SIGTERM')
      expect(await server.exited).toBe(0)
    } finally {
      await hook.close()
    }
  }, 30_000)
})
