import { describe, expect, it } from 'vitest'
import { auditLog } from '../../src/db/schema/index'
import { adminPassword, makeTestApp } from '../helpers'

const asAdmin = { authinfo: `admin:${adminPassword}` }
const names = (reply: { elem: { name: string }[] }) => reply.elem.map((u) => u.name)

describe('kept replies never outlive the data they show', () => {
  it('a write through the gateway shows in the next identical list call', async () => {
    const t = await makeTestApp()
    const sid = await t.login()
    expect(names(await t.data({ func: 'user', auth: sid }))).toEqual(['admin'])
    expect(names(await t.data({ func: 'user', auth: sid }))).toEqual(['admin'])
    await t.createUser('ivan')
    expect(names(await t.data({ func: 'user', auth: sid }))).toEqual(['admin', 'ivan'])
  })

  it('replies differ by caller, language and parameters', async () => {
    const t = await makeTestApp()
    await t.createUser('res', '24', 'reseller-secret-1')
    await t.data({ func: 'user.edit', sok: 'ok', name: 'client1', passwd: 'client-secret-1', confirm: 'client-secret-1', authinfo: 'res:reseller-secret-1' })
    for (let i = 0; i < 2; i++) {
      expect(names(await t.data({ func: 'user', ...asAdmin }))).toEqual(['admin', 'res', 'client1'])
      expect(names(await t.data({ func: 'user', authinfo: 'res:reseller-secret-1' }))).toEqual(['client1'])
      expect(names(await t.data({ func: 'user', ...asAdmin, p_cnt: '1' }))).toEqual(['admin'])
      const ru = await t.call({ func: 'user', ...asAdmin, out: 'xjson', lang: 'ru' })
      expect(JSON.parse(ru.text).doc.$lang).toBe('ru')
      const en = await t.call({ func: 'user', ...asAdmin, out: 'xjson' })
      expect(JSON.parse(en.text).doc.$lang).toBe('en')
    }
  })

  it('still refuses bad credentials, and still audits every su call', async () => {
    const t = await makeTestApp()
    const sid = await t.login()
    await t.data({ func: 'user', auth: sid })
    expect((await t.data({ func: 'user', auth: sid.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')) })).error.object).toBe('session')
    expect((await t.data({ func: 'user', authinfo: 'admin:wrong' })).error.object).toBe('badpassword')
    await t.createUser('res', '24', 'reseller-secret-1')
    const before = (await t.db.select().from(auditLog)).length
    await t.data({ func: 'user', su: 'res', ...asAdmin })
    await t.data({ func: 'user', su: 'res', ...asAdmin })
    expect((await t.db.select().from(auditLog)).length).toBe(before + 2)
  })

  it('the audit list shows failures recorded outside transactions', async () => {
    const t = await makeTestApp()
    const first = await t.data({ func: 'audit', ...asAdmin })
    await t.data({ func: 'user.delete', elid: '1', ...asAdmin })
    const after = await t.data({ func: 'audit', ...asAdmin })
    expect(after.p_elems).toBe(first.p_elems + 1)
  })
})

describe('BILLGATE_REPLY_CACHE=off', () => {
  it('keeps nothing', async () => {
    const t = await makeTestApp({ replyCache: false })
    await t.data({ func: 'user', ...asAdmin })
    await t.data({ func: 'user', ...asAdmin })
    expect(t.dispatcher.replies.size).toBe(0)
    const on = await makeTestApp()
    await on.data({ func: 'user', ...asAdmin })
    expect(on.dispatcher.replies.size).toBe(1)
  })
})
