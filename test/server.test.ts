import { spawn } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root, serverScratch, startServer } from './server-process'

const { dir, children } = serverScratch('billgate-server-')

const start = (env: Record<string, string>) => startServer(env, children)

describe('the server over a real socket', () => {
  it('creates and migrates its database, creates the admin once, serves, and stops cleanly on SIGTERM', async () => {
    const db = join(dir, 'first.sqlite')
    const first = await start({ BILLGATE_DB: db })
    expect(existsSync(db)).toBe(true)
    const password = /password: (\S+)/.exec(first.output())?.[1]
    expect(password).toBeDefined()

    const login = await fetch(`${first.url}?func=auth&username=admin&password=${encodeURIComponent(password!)}&out=JSONdata`)
    const { auth } = (await login.json()) as { auth: string }
    expect(auth).toMatch(/^[0-9a-f]{32}$/)
    expect(login.headers.get('set-cookie')).toContain('billmgrses5=')

    const body = new URLSearchParams({ func: 'user.edit', sok: 'ok', auth, name: 'ivan', passwd: 'ivan-secret-1', confirm: 'ivan-secret-1', out: 'JSONdata' })
    const created = await fetch(first.url, { method: 'POST', body })
    expect(await created.json()).toEqual({ ok: true, id: 2 })

    const list = await fetch(`${first.url}?func=user&out=xml`, { headers: { cookie: `billmgrses5=${auth}` } })
    expect(list.headers.get('content-type')).toBe('text/xml; charset=UTF-8')
    expect(await list.text()).toContain('<name>ivan</name>')

    const viaAuthinfo = await fetch(`${first.url.replace('/billmgr', '/manager/billmgr')}?func=user&out=text&authinfo=ivan:ivan-secret-1`)
    expect(await viaAuthinfo.text()).toMatch(/^ERROR access\(func\)/)

    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    expect(first.output()).toContain('shutting down')

    // A second start on the same database keeps its data and prints no new password.
    const second = await start({ BILLGATE_DB: db })
    expect(second.output()).not.toMatch(/password:/)
    const again = await fetch(`${second.url}?func=user&out=JSONdata&authinfo=admin:${encodeURIComponent(password!)}`)
    expect(((await again.json()) as { p_elems: number }).p_elems).toBe(2)
    second.child.kill('SIGTERM')
    expect(await second.exited).toBe(0)
  })

  it('takes the admin password from BILLGATE_ADMIN_PASSWORD and settings from a config file', async () => {
    const file = join(dir, 'billgate.json')
    writeFileSync(file, JSON.stringify({ db: join(dir, 'second.sqlite'), lang: 'ru' }))
    const s = await start({ BILLGATE_CONFIG: file, BILLGATE_ADMIN_PASSWORD: 'configured-secret' })
    expect(s.output()).not.toMatch(/password:/)
    const reply = await fetch(`${s.url}?func=nosuch&out=text&authinfo=admin:configured-secret`)
    expect(await reply.text()).toMatch(/^ERROR missed\(func\): [А-Яа-яЁё]/)
    s.child.kill('SIGTERM')
    expect(await s.exited).toBe(0)
  })

  it('refuses to start with invalid settings, naming each problem', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: 'eighty', BILLGATE_SESSION_IDLE: '-5', BILLGATE_AUTHINFO_ALLOW: '10.0.0.0/99', BILLGATE_DB: join(dir, 'never.sqlite') },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.push(child)
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const code = await new Promise((resolve) => child.on('exit', resolve))
    expect(code).toBe(1)
    expect(stderr).toContain('PORT')
    expect(stderr).toContain('BILLGATE_SESSION_IDLE')
    expect(stderr).toContain('10.0.0.0/99')
    expect(stderr).not.toMatch(/\n\s+at /)
    expect(existsSync(join(dir, 'never.sqlite'))).toBe(false)
  })
})
