import { describe, expect, it } from 'vitest'
import { auditLog } from '../../src/db/schema/index'
import { adminPassword, makeTestApp } from '../helpers'

const asAdmin = { authinfo: `admin:${adminPassword}` }

describe('su', () => {
  it('lets an admin act as a user below it, with that user\'s rights', async () => {
    const t = await makeTestApp()
    await t.createUser('ivan')
    const reply = await t.data({ func: 'session', su: 'ivan', ...asAdmin })
    expect(reply.elem).toBeDefined()
    // ivan (level 16) may not list users: the call runs with ivan's rights.
    expect((await t.data({ func: 'user', su: 'ivan', ...asAdmin })).error).toMatchObject({ type: 'access', object: 'func' })
  })

  it('refuses su upwards and sideways, and su by ordinary users', async () => {
    const t = await makeTestApp()
    await t.createUser('ivan')
    await t.createUser('petr')
    await t.createUser('admin2', '28')
    expect((await t.data({ func: 'session', su: 'admin2', ...asAdmin })).error).toMatchObject({ type: 'access', object: 'su' })
    expect((await t.data({ func: 'session', su: 'petr', authinfo: 'ivan:user-secret-1' })).error).toMatchObject({ type: 'access', object: 'su' })
    expect((await t.data({ func: 'session', su: 'admin', authinfo: 'ivan:user-secret-1' })).error).toMatchObject({ type: 'access', object: 'su' })
    expect((await t.data({ func: 'session', su: 'nobody', ...asAdmin })).error).toMatchObject({ type: 'access', object: 'su' })
  })

  it("lets a reseller act as its own users only", async () => {
    const t = await makeTestApp()
    await t.createUser('res', '24', 'reseller-secret-1')
    await t.createUser('stranger')
    const own = await t.data({
      func: 'user.edit', sok: 'ok', name: 'client1', passwd: 'client-secret-1', confirm: 'client-secret-1', authinfo: 'res:reseller-secret-1',
    })
    expect(own.ok).toBe(true)
    expect((await t.data({ func: 'session', su: 'client1', authinfo: 'res:reseller-secret-1' })).elem).toBeDefined()
    expect((await t.data({ func: 'session', su: 'stranger', authinfo: 'res:reseller-secret-1' })).error.object).toBe('su')
    // The reseller sees only its own users.
    const listed = await t.data({ func: 'user', authinfo: 'res:reseller-secret-1' })
    expect(listed.elem.map((u: { name: string }) => u.name)).toEqual(['client1'])
  })

  it('records every su call in the audit log with both identities', async () => {
    const t = await makeTestApp()
    await t.createUser('ivan')
    await t.data({ func: 'session', su: 'ivan', ...asAdmin })
    await t.data({ func: 'session', su: 'admin', authinfo: 'ivan:user-secret-1' })
    const rows = (await t.db.select().from(auditLog).orderBy(auditLog.id)).filter((r) => r.func === 'session')
    expect(rows).toEqual([
      expect.objectContaining({ actor: 'admin', actingAs: 'ivan', result: 'ok', address: '127.0.0.1' }),
      expect.objectContaining({ actor: 'ivan', result: 'access', detail: 'su' }),
    ])
  })
})

describe('lang', () => {
  it('lang=ru localises messages, labels and errors, and marks the root and the error', async () => {
    const t = await makeTestApp()
    const sid = await t.login()
    const { text } = await t.call({ func: 'user.edit', elid: '999', auth: sid, out: 'xml', lang: 'ru' })
    expect(text).toContain('<doc lang="ru"')
    expect(text).toMatch(/<error type="missed" object="elid" lang="ru" code="3">.*<msg>[А-Яа-яЁё]/)
    const labels = JSON.parse((await t.call({ func: 'user', auth: sid, out: 'xjson', lang: 'ru' })).text)
    expect(labels.doc.messages.msg.title).toMatch(/[А-Яа-яЁё]/)
  })

  it("falls back to the user's saved language, then to the server default; unknown languages fall back", async () => {
    const t = await makeTestApp()
    await t.createUser('ivan', '16', 'user-secret-1', { language: 'ru' })
    const { text } = await t.call({ func: 'nope', authinfo: 'ivan:user-secret-1', out: 'xml' })
    expect(text).toContain('<doc lang="ru"')
    const admin = await t.call({ func: 'nope', ...asAdmin, out: 'xml' })
    expect(admin.text).toContain('<doc lang="en"')
    const unknown = await t.call({ func: 'nope', ...asAdmin, out: 'xml', lang: 'de' })
    expect(unknown.text).toContain('<doc lang="en"')
    const explicit = await t.call({ func: 'nope', authinfo: 'ivan:user-secret-1', out: 'xml', lang: 'en' })
    expect(explicit.text).toContain('<doc lang="en"')
  })

  it('uses the configured default language', async () => {
    const t = await makeTestApp({ lang: 'ru' })
    const { text } = await t.call({ func: 'nope', out: 'text' })
    expect(text).toMatch(/^ERROR missed\(func\): [А-Яа-яЁё]/)
  })

  it('keeps one language per call under concurrency', async () => {
    const t = await makeTestApp()
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.call({ func: 'nope', out: 'JSONdata', lang: i % 2 ? 'ru' : 'en' })),
    )
    replies.forEach(({ text }, i) => {
      const msg: string = JSON.parse(text).error.msg
      expect(/[А-Яа-яЁё]/.test(msg)).toBe(i % 2 === 1)
    })
  })
})
