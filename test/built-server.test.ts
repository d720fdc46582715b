import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { startReceiver } from './events/receiver'
import { adminPassword } from './helpers'
import { callAsAdmin as call, root, serverScratch, startServer } from './server-process'

const { dir, children } = serverScratch('billgate-built-')

// What `npm start` runs: the server's bundle and, beside it, its delivery thread's.
beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'pipe' })
}, 60_000)

describe('the built server', () => {
  it('migrates a new database, answers, and delivers events from its delivery thread', async () => {
    const hook = await startReceiver()
    const env = { BILLGATE_DB: join(dir, 'billgate.sqlite'), BILLGATE_ADMIN_PASSWORD: adminPassword, BILLGATE_RENEWAL_INTERVAL: '0' }
    const server = await startServer(env, children, { built: true })
    try {
      const handler = await call(server.url, { func: 'provisioning.handler.edit', sok: 'ok', name: 'crm', events: 'payments.create', target: hook.url, secret: 'shared-secret' })
      expect(handler.ok).toBe(true)
      const account = await call(server.url, { func: 'account.edit', sok: 'ok', name: 'Acme', currency: 'USD' })
      const payment = await call(server.url, { func: 'payment.edit', sok: 'ok', account: String(account.id), amount: '5.00' })
      expect(payment.ok).toBe(true)
      const [delivery] = await hook.waitFor(1, 5000)
      expect(delivery.json.event).toMatchObject({ events_id: 'payments.create', object_id: payment.id })
      expect(delivery.headers['x-billgate-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
      server.child.kill('SIGTERM')
      expect(await server.exited).toBe(0)
      expect(server.output()).not.toMatch(/failed|error/i)
    } finally {
      await hook.close()
    }
  }, 30_000)
})
