import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { XMLParser } from 'fast-xml-parser'
import { afterAll, describe, expect, it } from 'vitest'
import { runCtl } from '../../src/cli/ctl/run'
import { accounts, auditLog, ItemStatus, items, pricelists, users, xdrs } from '../../src/db/schema/index'
import { openStore, type Store } from '../../src/db/store'
import { createTestDatabase } from '../db/pg-database'
import { testBackend } from '../helpers'
import { startServer } from '../server-process'

const root = new URL('../..', import.meta.url).pathname
const bin = join(root, 'bin/billgate-ctl.js')
const dir = mkdtempSync(join(tmpdir(), 'billgate-ctl-'))
const children: ChildProcess[] = []
const drops: (() => Promise<void>)[] = []

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
  for (const drop of drops) await drop()
})

/** The environment without the developer's own billgate settings. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('BILLGATE_')) env[name] = value
  return { ...env, ...extra }
}

interface Ran {
  code: number | null
  stdout: string
  stderr: string
}

interface CtlOptions {
  env?: Record<string, string>
  input?: string
  cwd?: string
  command?: string[]
}

/** Runs the real binary on a database (a file or a URL); stdin, stdout and stderr are pipes. */
function ctl(db: string, args: string[], options: CtlOptions = {}): Promise<Ran> {
  const [command, ...prefix] = options.command ?? [process.execPath, bin]
  const child = spawn(command, [...prefix, ...args], {
    cwd: options.cwd ?? root,
    env: cleanEnv({ BILLGATE_DB: db, ...options.env }),
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  children.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  child.stdin.end(options.input ?? '')
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

const json = (ran: Ran) => JSON.parse(ran.stdout) as Record<string, any>
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /)

let made = 0

/**
 * A new database of the backend under test, as BILLGATE_DB names it: a file (in a directory not
 * made yet) or a database on the PostgreSQL test server, migrated or left for the command line
 * to migrate.
 */
async function database(options: { migrated: boolean }): Promise<string> {
  if (testBackend === 'sqlite') return join(dir, `world-${++made}`, 'billgate.sqlite')
  const created = await createTestDatabase(options)
  drops.push(created.drop)
  return created.url
}

/**
 * A database with two clients (Acme, Beta), a tariff and an active service of Acme's, written
 * straight to the tables; no users.
 */
async function fixture() {
  const path = await database({ migrated: true })
  return inspect(path, async ({ db }) => {
    const client = async (name: string) => (await db.insert(accounts).values({ name, currencyId: 1, createdAt: 0 }).returning({ id: accounts.id }))[0].id
    const acme = await client('Acme')
    const beta = await client('Beta')
    const tariff = (await db.insert(pricelists).values({ name: 'Traffic', productType: 'traffic', currencyId: 1, createdAt: 0 }).returning({ id: pricelists.id }))[0].id
    const [service] = await db
      .insert(items)
      .values({ accountId: acme, pricelistId: tariff, name: 'acme.example', period: 1, status: ItemStatus.active, createdAt: 0, cost: 0 })
      .returning({ id: items.id })
    return { path, acme, beta, service: service.id }
  })
}

/** Uses a database the test does not otherwise hold open. */
async function inspect<T>(path: string, use: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(path)
  try {
    return await use(store)
  } finally {
    await store.close()
  }
}

/** A port on which nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('billgate-ctl', () => {
  it('migrates a fresh database but creates no admin and prints no password; an empty list prints nothing', async () => {
    const path = await database({ migrated: false })
    const ran = await ctl(path, ['user'])
    expect(ran).toEqual({ code: 0, stdout: '', stderr: '' })
    expect(await inspect(path, ({ db }) => db.select().from(users))).toEqual([])
    expect(json(await ctl(path, ['-o', 'JSONdata', 'user']))).toMatchObject({ elem: [], p_elems: 0 })
  })

  it('exits with 1 and one line naming the server, without its password, when PostgreSQL cannot be reached', async () => {
    const port = await closedPort()
    const ran = await ctl(`postgres://billing:hunter2secret@127.0.0.1:${port}/billgate`, ['user'])
    expect(ran.code).toBe(1)
    expect(ran.stdout).toBe('')
    expect(ran.stderr).toMatch(new RegExp(`^billgate-ctl: cannot open the database: PostgreSQL at 127\\.0\\.0\\.1:${port}/billgate .+\\n$`))
    expect(ran.stderr.split('\n')).toHaveLength(2)
    expect(ran.stderr).not.toContain('hunter2secret')
  })

  it('writes a file function\'s file (a CSV export) to standard output', async () => {
    const w = await fixture()
    const imported = await ctl(w.path, ['xdr.import', `data=item,start,quantity,unit_price\n${w.service},2026-11-01 10:00:00,60,0.01`])
    expect(imported.code, imported.stderr).toBe(0)
    const csv = await ctl(w.path, ['xdr.download'])
    expect(csv.code, csv.stderr).toBe(0)
    const lines = csv.stdout.trim().split('\r\n')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain('2026-11-01 10:00:00')
    expect(lines[1]).toContain('0.60')
    const listed = await ctl(w.path, ['xdr', '-o', 'csv'])
    expect(listed.stdout).toBe(csv.stdout)
  })

  it('prints the reply in text by default, and in xml, json or JSONdata with -o (or out=)', async () => {
    const { path, acme } = await fixture()
    const text = await ctl(path, ['currency'])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^id=1 code=USD name=US Dollar places=2$/m)
    expect(text.stdout.split('\n').filter(Boolean).every((line) => /^id=\d+ code=[A-Z]{3} /.test(line))).toBe(true)

    const form = await ctl(path, ['account.edit', `elid=${acme}`])
    expect(form.stdout).toMatch(new RegExp(`^elid=${acme}\nname=Acme\n`))

    const xml = await ctl(path, ['-o', 'xml', 'currency'])
    expect(xml.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<doc /)
    const parsed = new XMLParser().parse(xml.stdout)
    expect(parsed.doc.elem.map((e: { code: string }) => e.code)).toContain('USD')

    const full = json(await ctl(path, ['-o', 'json', 'currency']))
    expect(full.doc.elem.some((e: { code: { $: string } }) => e.code.$ === 'USD')).toBe(true)

    for (const args of [['-o', 'JSONdata', 'currency'], ['currency', 'out=JSONdata'], ['-oJSONdata', 'currency']]) {
      const data = json(await ctl(path, args))
      expect(data.elem.map((e: { code: string }) => e.code)).toContain('USD')
      expect(data.p_elems).toBe(data.elem.length)
    }
  })

  it('takes secrets from the environment with -e, so they are never on the command line or in the audit log', async () => {
    const { path } = await fixture()
    const secret = 'ivan-env-secret-1'
    const env = { IVAN_PASSWORD: secret }
    const created = await ctl(path, ['user.edit', 'sok=ok', 'name=ivan', 'level=28', '-e', 'passwd=$IVAN_PASSWORD', '-e', 'confirm=${IVAN_PASSWORD}'], { env })
    expect(created).toEqual({ code: 0, stdout: 'OK\nid=1\n', stderr: '' })

    // The stored password is the variable's value: it logs in.
    const login = await ctl(path, ['-o', 'JSONdata', 'auth', 'username=ivan', '-e', 'password=$IVAN_PASSWORD'], { env })
    expect(json(login).auth).toMatch(/^[0-9a-f]{32}$/)
    const wrong = await ctl(path, ['auth', 'username=ivan', 'password=not-it'])
    expect(wrong.code).toBe(1)
    expect(wrong.stdout).toMatch(/^ERROR auth\(/)

    const audit = await inspect(path, ({ db }) => db.select().from(auditLog))
    expect(audit.find((e) => e.func === 'user.edit')).toMatchObject({ actor: 'root', address: '127.0.0.1', result: 'ok' })
    expect(JSON.stringify(audit)).not.toContain(secret)

    // A variable that is not set is bad usage: nothing is created.
    const unset = await ctl(path, ['user.edit', 'sok=ok', 'name=petr', '-e', 'passwd=$NO_SUCH_VARIABLE', '-e', 'confirm=$NO_SUCH_VARIABLE'])
    expect(unset.code).toBe(2)
    expect(unset.stdout).toBe('')
    expect(unset.stderr).toContain('NO_SUCH_VARIABLE')
    // Without quotes the shell would have put the secret itself there: refused, not echoed.
    const expanded = await ctl(path, ['user.edit', 'sok=ok', 'name=petr', '-e', `passwd=${secret}`])
    expect(expanded.code).toBe(2)
    expect(expanded.stderr).not.toContain(secret)
    expect((await inspect(path, ({ db }) => db.select().from(users))).map((u) => u.name)).toEqual(['ivan'])
  })

  it('acts as another user with su=, within what that user may do and whom the local root may become', async () => {
    const { path, acme, beta } = await fixture()
    const env = { PW: 'acme-user-secret-1' }
    const made = await ctl(path, ['user.edit', 'sok=ok', 'name=acme-user', 'level=16', `account=${acme}`, '-e', 'passwd=$PW', '-e', 'confirm=$PW'], { env })
    expect(made.code).toBe(0)

    const mine = json(await ctl(path, ['-o', 'JSONdata', 'account', 'su=acme-user']))
    expect(mine.elem.map((e: { id: number }) => e.id)).toEqual([acme])
    const all = json(await ctl(path, ['-o', 'JSONdata', 'account']))
    expect(all.elem.map((e: { id: number }) => e.id).sort()).toEqual([acme, beta].sort())

    const other = await ctl(path, ['account.edit', `elid=${beta}`, 'su=acme-user'])
    expect(other.code).toBe(1)
    expect(other.stdout).toMatch(/^ERROR access\(elid\)/)
    expect(other.stdout).not.toContain('Beta')

    const nobody = await ctl(path, ['user', 'su=nobody'])
    expect(nobody.code).toBe(1)
    expect(nobody.stdout).toMatch(/^ERROR access\(su\)/)
  })

  it('-i lists the functions with kind and title, -i FUNCTION its parameters, in the language of lang=', async () => {
    const { path } = await fixture()
    const en = await ctl(path, ['-i'])
    expect(en.code).toBe(0)
    const lines = en.stdout.split('\n')
    expect(lines[0]).toMatch(/^Function +Kind +Title$/)
    expect(lines).toContainEqual(expect.stringMatching(/^account\.edit +Form +Client$/))
    expect(lines).toContainEqual(expect.stringMatching(/^xdr\.import +Action +Import usage records$/))

    const ru = await ctl(path, ['-i', 'lang=ru'])
    expect(ru.stdout.split('\n')[0]).toMatch(/^Функция +Вид +Название$/)
    expect(ru.stdout).toMatch(/^account\.archive +Групповая операция +\S/m)

    const params = await ctl(path, ['-i', 'user.edit'])
    expect(params.code).toBe(0)
    const rows = params.stdout.split('\n')
    expect(rows[0]).toBe('user.edit: User (Form)')
    expect(rows[2]).toMatch(/^Parameter +Title +Type +Required +Default +Allowed values$/)
    expect(rows).toContainEqual(expect.stringMatching(/^name +Login +login +Yes$/))
    expect(rows).toContainEqual(expect.stringMatching(/^level +Access level +enum +16 +16 \(User\), 24 \(Reseller\), 28 \(Administrator\)$/))

    const ruParams = await ctl(path, ['-i', 'user.edit', 'lang=ru'])
    expect(ruParams.stdout.split('\n')[0]).toBe('user.edit: Пользователь (Форма)')
    expect(ruParams.stdout).toMatch(/^level +Уровень доступа +enum +16 +16 \(Пользователь\), 24 \(Реселлер\), 28 \(Администратор\)$/m)
    expect(ruParams.stdout).toMatch(/^passwd +Пароль +password +Да$/m)

    // Other formats print the help functions' replies as they are.
    const data = json(await ctl(path, ['-i', '-o', 'JSONdata', 'user.edit']))
    expect(data.elem).toContainEqual({ name: 'level', type: 'enum', required: false, default: '16', values: '16, 24, 28', secret: false })
    expect(json(await ctl(path, ['-o', 'JSONdata', '-i'])).elem.length).toBeGreaterThan(50)

    const unknown = await ctl(path, ['-i', 'nosuch'])
    expect(unknown.code).toBe(1)
    expect(unknown.stdout).toBe('ERROR missed(func): Unknown function: nosuch\n')
  })

  it('reads a value from a file with @FILE (relative to where it runs), from standard input with @-; @@ is a literal @', async () => {
    const { path, acme, service } = await fixture()
    const work = mkdtempSync(join(dir, 'work-'))
    writeFileSync(join(work, 'usage.csv'), `item,start,quantity,unit_price\n${service},2026-11-01 10:00:00,60,0.01\n${service},2026-11-01 11:00:00,30,0.01\n`)
    const imported = await ctl(path, ['xdr.import', 'data=@usage.csv'], { cwd: work })
    // Piped: no progress bar, nothing but the reply.
    expect(imported).toEqual({ code: 0, stdout: 'imported=2\n', stderr: '' })
    expect((await inspect(path, ({ db }) => db.select().from(xdrs).orderBy(xdrs.id))).map((r) => r.cost)).toEqual([60, 30])

    const viaStdin = await ctl(path, ['account.edit', 'sok=ok', `elid=${acme}`, 'note=@-'], { input: 'first line\nsecond line' })
    expect(viaStdin).toMatchObject({ code: 0, stdout: 'OK\n' })
    expect(json(await ctl(path, ['-o', 'JSONdata', 'account.edit', `elid=${acme}`])).note).toBe('first line\nsecond line')

    expect((await ctl(path, ['account.edit', 'sok=ok', `elid=${acme}`, 'note=@@home'])).code).toBe(0)
    expect(json(await ctl(path, ['-o', 'JSONdata', 'account.edit', `elid=${acme}`])).note).toBe('@home')

    const missing = await ctl(path, ['xdr.import', 'data=@no-such.csv'], { cwd: work })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('no-such.csv')
    noStack(missing.stderr)
  })

  it('exits with 2 and a short usage on stderr for bad usage, before touching the database', async () => {
    const path = join(dir, 'never.sqlite')
    const cases = [
      ['-x', 'user'],
      ['user', 'oops'],
      ['user', '=value'],
      ['name=x', 'user'],
      ['-o', 'yaml', 'user'],
      ['user', 'out=yaml'],
      [],
      ['-o'],
      ['user', 'name=a', 'name=b'],
      ['-e', 'passwd', 'user.edit'],
    ]
    const runs = await Promise.all(cases.map((args) => ctl(path, args)))
    runs.forEach((ran, i) => {
      expect({ args: cases[i], code: ran.code, stdout: ran.stdout }).toEqual({ args: cases[i], code: 2, stdout: '' })
      expect(ran.stderr).toMatch(/^billgate-ctl: .+\nusage: billgate-ctl /)
      noStack(ran.stderr)
    })
    expect(runs[4].stderr).toContain('unknown format "yaml"')
    expect(existsSync(path)).toBe(false)

    const help = await ctl(path, ['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('PARAM=@FILE')
  })

  it('exits with 1 for an application error, printed in the chosen format on standard output', async () => {
    const { path } = await fixture()
    const xml = await ctl(path, ['-o', 'xml', 'nosuch'])
    expect(xml.code).toBe(1)
    expect(xml.stderr).toBe('')
    expect(new XMLParser({ ignoreAttributes: false }).parse(xml.stdout).doc.error).toMatchObject({ '@_type': 'missed', '@_object': 'func' })

    const bad = await ctl(path, ['currency.edit', 'sok=ok', 'code=US', 'name=Nope', 'lang=ru'])
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/^ERROR value\(code\): [А-Яа-яЁё]/)
    expect(bad.stderr).toBe('')

    const data = await ctl(path, ['-o', 'JSONdata', 'account.edit', 'elid=999'])
    expect(data.code).toBe(1)
    expect(json(data).error).toMatchObject({ type: 'missed', object: 'elid' })
  })

  it('runs through npx inside the project', async () => {
    const { path } = await fixture()
    const ran = await ctl(path, ['billgate-ctl', '-o', 'JSONdata', 'currency'], { command: ['npx'] })
    expect(ran.code).toBe(0)
    expect(json(ran).elem.map((e: { code: string }) => e.code)).toContain('USD')
  })

  it('works beside a running server on the same database: both see each other’s writes, nobody is busy', async () => {
    const { path } = await fixture()
    const password = 'server-admin-secret'
    const server = await startServer({ BILLGATE_DB: path, BILLGATE_ADMIN_PASSWORD: password }, children)
    const authinfo = `admin:${password}`
    const get = async (params: Record<string, string>) => {
      const res = await fetch(`${server.url}?${new URLSearchParams({ ...params, authinfo, out: 'JSONdata' })}`)
      return (await res.json()) as Record<string, any>
    }
    const post = async (params: Record<string, string>) => {
      const res = await fetch(server.url, { method: 'POST', body: new URLSearchParams({ ...params, authinfo, out: 'JSONdata' }) })
      return (await res.json()) as Record<string, any>
    }
    const names = (reply: Record<string, any>) => reply.elem.map((e: { name: string }) => e.name)
    // Read once, so the server keeps this list's reply: the command line's writes must end that.
    expect(names(await get({ func: 'account', p_cnt: '100' }))).toEqual(['Acme', 'Beta'])

    // The server takes writes for as long as command-line processes write and read beside it.
    let cliRunning = true
    const webNames: string[] = []
    const webWriter = async () => {
      while (cliRunning) {
        const name = `web-${webNames.length}`
        webNames.push(name)
        expect(await post({ func: 'account.edit', sok: 'ok', name, currency: 'USD' })).toMatchObject({ ok: true })
      }
    }
    const writers = [webWriter(), webWriter()]
    const cliNames = Array.from({ length: 4 }, (_, i) => `cli-${i}`)
    const cli = cliNames.map((name) => ctl(path, ['account.edit', 'sok=ok', `name=${name}`, 'currency=USD']))
    const reads = Array.from({ length: 2 }, () => ctl(path, ['-o', 'JSONdata', 'account', 'p_cnt=1000']))
    const [cliRuns, readRuns] = await Promise.all([Promise.all(cli), Promise.all(reads)])
    cliRunning = false
    await Promise.all(writers)
    for (const ran of [...cliRuns, ...readRuns]) expect({ code: ran.code, stderr: ran.stderr }).toEqual({ code: 0, stderr: '' })
    for (const ran of cliRuns) expect(ran.stdout).toMatch(/^OK\nid=\d+\n$/)
    expect(webNames.length).toBeGreaterThan(10)

    const expected = ['Acme', 'Beta', ...webNames, ...cliNames].sort()
    expect(names(await get({ func: 'account', p_cnt: '1000' })).sort()).toEqual(expected)
    expect(names(json(await ctl(path, ['-o', 'JSONdata', 'account', 'p_cnt=1000']))).sort()).toEqual(expected)

    // The server keeps the list's reply now; a write by the command line alone must end it.
    expect((await ctl(path, ['account.edit', 'sok=ok', 'name=cli-late', 'currency=USD'])).code).toBe(0)
    expect(names(await get({ func: 'account', p_cnt: '1000' }))).toContain('cli-late')

    // The server's admin is the only user: the command line never made one.
    expect(names(await get({ func: 'user' }))).toEqual(['admin'])
    expect(server.output()).not.toMatch(/SQLITE_|busy|failed/)
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
  })
})

describe('billgate-ctl progress', () => {
  /** Runs in this process, with standard output and error captured; stderr a terminal or not. */
  const run = async (path: string, args: string[], isTTY: boolean) => {
    const stdout = { text: '', write: (t: string) => (stdout.text += t) }
    const stderr = { text: '', isTTY, columns: 100, write: (t: string) => (stderr.text += t) }
    const code = await runCtl(args, { stdout, stderr, env: { BILLGATE_DB: path }, cwd: dir, readStdin: () => Buffer.alloc(0) })
    return { code, stdout: stdout.text, stderr: stderr.text }
  }

  it('draws a bar for a long import on a terminal, and nothing when not on one', async () => {
    const { path, service } = await fixture()
    const rows = Array.from({ length: 10_000 }, (_, i) => `${service},2026-10-01 00:00:00,${i + 1},0.001`)
    writeFileSync(join(dir, 'big.csv'), `item,start,quantity,unit_price\n${rows.join('\n')}\n`)

    const onTerminal = await run(path, ['xdr.import', 'data=@big.csv'], true)
    expect(onTerminal).toMatchObject({ code: 0, stdout: 'imported=10000\n' })
    expect(onTerminal.stderr).toMatch(/^\rxdr\.import +\[/)
    expect(onTerminal.stderr).toMatch(/\] 100%  10,000 rows in .*\n$/)

    expect(await run(path, ['xdr.import', 'data=@big.csv'], false)).toEqual({ code: 0, stdout: 'imported=10000\n', stderr: '' })
  })
})
