import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = new URL('..', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'billgate-server-'))
const children: ChildProcess[] = []

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

interface Started {
  child: ChildProcess
  url: string
  output: () => string
  exited: Promise<number | null>
}

/** Starts the server the way `npm start` does, on a free port; resolves once it serves. */
function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let output = ''
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const m = /serving (http:\/\/\S+\/billmgr)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve({ child, url: m[1].replace('localhost', '127.0.0.1'), output: () => output, exited })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${output}`)))
  })
}

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
