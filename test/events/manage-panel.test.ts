import { describe, expect, it } from 'vitest'
import { provisioningHandlers, provisioningLog } from '../../src/db/schema/index'
import { adminPassword, makeTestApp, type TestApp } from '../helpers'
import { browser, csrfOf } from '../panel/client'

async function loggedIn(t: TestApp, username = 'admin', password = adminPassword) {
  const b = browser(t)
  const { res } = await b.post({ func: 'auth', username, password })
  expect(res.status).toBe(303)
  return b
}

describe('panel: provisioning', () => {
  it('offers admins the handlers and the log in the menu, and edits handlers through the form', async () => {
    const t = await makeTestApp()
    const b = await loggedIn(t)
    const start = await b.get('/billmgr?func=provisioning.handler')
    expect(start.html).toContain('Provisioning handlers')
    expect(start.html).toContain('Provisioning log')
    const form = await b.get('/billmgr?func=provisioning.handler.edit')
    expect(form.html).toContain('name="events"')
    expect(form.html).toContain('<option value="before">Before the change</option>')
    const bad = await b.post({ func: 'provisioning.handler.edit', sok: 'ok', name: 'H', events: 'nope', target: 'http://h.example/', csrf: csrfOf(form.html) })
    expect(bad.html).toContain('role="alert"')
    expect(bad.html).toContain('clients.create')
    const saved = await b.post({ func: 'provisioning.handler.edit', sok: 'ok', name: 'H', events: '*', type: 'http', target: 'http://h.example/', secret: 's3cret-value', csrf: csrfOf(form.html) })
    expect(saved.res.status).toBe(303)
    expect((await t.db.select().from(provisioningHandlers))[0]).toMatchObject({ name: 'H', secret: 's3cret-value' })
    const shown = await b.get('/billmgr?func=provisioning.handler.edit&elid=1')
    expect(shown.html).not.toContain('s3cret-value')
    await t.db.insert(provisioningLog).values({ handlerId: 1, stage: 'after', event: 'payments.create', objectId: 4, status: 'fail', at: t.clock(), error: 'HTTP 502' })
    const log = await b.get('/billmgr?func=provisioning.log')
    expect(log.html).toContain('HTTP 502')
    expect(log.html).toContain('provisioning.log.info')
    const info = await b.get('/billmgr?func=provisioning.log.info&elid=1')
    expect(info.html).toContain('HTTP 502')
  })

  it('shows other users neither menu entry', async () => {
    const t = await makeTestApp()
    await t.createUser('staff', '24')
    const b = await loggedIn(t, 'staff', 'user-secret-1')
    const { html } = await b.get('/billmgr')
    expect(html).not.toContain('Provisioning')
  })
})
