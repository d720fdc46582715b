import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { makeConfig } from '../../src/config'
import { openDatabase } from '../../src/db/connection'
import { auditLog } from '../../src/db/schema/index'
import { ensureAdmin } from '../../src/auth/admin'
import { adminPassword, makeTestApp } from '../helpers'

const asAdmin = { authinfo: `admin:${adminPassword}` }
const dir = mkdtempSync(join(tmpdir(), 'billgate-cache-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// Commits by other connections are noticed within a millisecond.
const settle = () => new Promise((resolve) => setTimeout(resolve, 5))
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

  it('a commit by another connection to the same file (a local script) shows within a millisecond', async () => {
    const file = join(dir, 'shared.sqlite')
    const db = openDatabase(file)
    await ensureAdmin(db, adminPassword, Date.now())
    const app = createApp({ config: makeConfig({ dbPath: file }), db }).app
    const env = { incoming: { socket: { remoteAddress: '127.0.0.1' } } }
    const list = async () => JSON.parse(await (await app.request(`/billmgr?func=user&out=JSONdata&authinfo=admin:${adminPassword}`, {}, env)).text())
    expect(names(await list())).toEqual(['admin'])
    const other = new Database(file)
    other.prepare("insert into users (name, password_hash, level, created_at, updated_at) values ('outsider', 'x', 16, 0, 0)").run()
    await settle()
    expect(names(await list())).toEqual(['admin', 'outsider'])
    // A session ended by another connection is refused at once, too.
    const sid = JSON.parse(await (await app.request(`/billmgr?func=auth&username=admin&password=${adminPassword}&out=JSONdata`, {}, env)).text()).auth
    const withSession = async () => JSON.parse(await (await app.request(`/billmgr?func=user&out=JSONdata&auth=${sid}`, {}, env)).text())
    expect((await withSession()).elem).toBeDefined()
    other.prepare('delete from sessions').run()
    await settle()
    expect((await withSession()).error).toMatchObject({ type: 'auth', object: 'session' })
    other.close()
    db.$client.close()
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
    const before = t.db.select().from(auditLog).all().length
    await t.data({ func: 'user', su: 'res', ...asAdmin })
    await t.data({ func: 'user', su: 'res', ...asAdmin })
    expect(t.db.select().from(auditLog).all().length).toBe(before + 2)
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
