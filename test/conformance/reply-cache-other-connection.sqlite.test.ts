import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { ensureAdmin } from '../../src/auth/admin'
import { makeConfig } from '../../src/config'
import { openStore } from '../../src/db/store'
import { adminPassword } from '../helpers'

const dir = mkdtempSync(join(tmpdir(), 'billgate-cache-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// Commits by other connections are noticed within a millisecond.
const settle = () => new Promise((resolve) => setTimeout(resolve, 5))
const names = (reply: { elem: { name: string }[] }) => reply.elem.map((u) => u.name)

describe('kept replies of a SQLite file never outlive a commit by another connection', () => {
  it('a commit by another connection to the same file (a local script) shows within a millisecond', async () => {
    const file = join(dir, 'shared.sqlite')
    const store = await openStore(file)
    await ensureAdmin(store, adminPassword, Date.now())
    const app = createApp({ config: makeConfig({ dbPath: file }), store }).app
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
    await store.close()
  })

})
