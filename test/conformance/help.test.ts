import { describe, expect, it } from 'vitest'
import { adminPassword, makeTestApp } from '../helpers'

describe('func=help and help.params: hints from the registry', () => {
  it('lists the functions the caller may call, with kind, level and localised title', async () => {
    const t = await makeTestApp()
    await t.createUser('ivan')
    const admin = await t.data({ func: 'help', authinfo: `admin:${adminPassword}`, p_cnt: '1000' })
    const names = admin.elem.map((f: { name: string }) => f.name)
    expect(names).toEqual(expect.arrayContaining(['user', 'user.edit', 'user.delete', 'session', 'audit', 'help']))
    expect(admin.elem.find((f: { name: string }) => f.name === 'user.edit')).toMatchObject({ kind: 'form', level: 24, title: 'User' })
    const user = await t.data({ func: 'help', authinfo: 'ivan:user-secret-1', p_cnt: '1000' })
    const userNames = user.elem.map((f: { name: string }) => f.name)
    expect(userNames).toContain('session')
    expect(userNames).not.toContain('user.edit')
    expect(userNames).not.toContain('audit')
    const ru = await t.data({ func: 'help', authinfo: `admin:${adminPassword}`, lang: 'ru', filter: 'on', p_cnt: '1000' })
    expect(ru.elem.find((f: { name: string }) => f.name === 'user').title).toMatch(/[А-Яа-я]/)
  })

  it('describes one function\'s parameters: type, required, default, allowed values, secret', async () => {
    const t = await makeTestApp()
    const reply = await t.data({ func: 'help.params', elid: 'user.edit', authinfo: `admin:${adminPassword}` })
    const byName = Object.fromEntries(reply.elem.map((p: { name: string }) => [p.name, p]))
    expect(byName.name).toMatchObject({ type: 'login', required: true })
    expect(byName.level).toMatchObject({ type: 'enum', default: '16', values: '16, 24, 28' })
    expect(byName.passwd).toMatchObject({ type: 'password', secret: true })
    expect(byName.email.required).toBe(false)
    expect((await t.data({ func: 'help.params', elid: 'no.such', authinfo: `admin:${adminPassword}` })).error).toMatchObject({ type: 'missed', object: 'elid' })
  })

  it('validates a call with the same declaration it describes', async () => {
    const t = await makeTestApp()
    const described = await t.data({ func: 'help.params', elid: 'user', authinfo: `admin:${adminPassword}` })
    const status = described.elem.find((p: { name: string }) => p.name === 'status')
    expect(status.values).toBe('active, suspended')
    const refused = await t.data({ func: 'user', filter: 'on', status: 'deleted', authinfo: `admin:${adminPassword}` })
    expect(refused.error).toMatchObject({ type: 'value', object: 'status' })
    expect(refused.error.msg).toContain('active, suspended')
  })
})

describe('labels', () => {
  it('every function has a title of its own in every language', async () => {
    const { createRegistry } = await import('../../src/functions/index')
    const { translator, supportedLanguages } = await import('../../src/i18n/index')
    const { hasTitle } = await import('../../src/core/labels')
    for (const lang of supportedLanguages) {
      const t = translator(lang)
      const missing = createRegistry().all().filter((f) => !hasTitle(t, f.name)).map((f) => f.name)
      expect(missing, lang).toEqual([])
    }
  })
})
