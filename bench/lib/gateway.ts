import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, repoRoot, spawnNode, waitForHttp, type Child } from './processes'

/** The admin password of the benchmark's throwaway database. */
export const adminPassword = 'bench-admin-Secret1'
/** Users in the list under test: the admin plus the ones the benchmark creates. */
export const userCount = 20

export interface Gateway {
  child: Child
  /** `http://127.0.0.1:<port>/billmgr` */
  endpoint: string
  /** The temporary directory holding the database; removed by close(). */
  dir: string
  close(): void
}

/** A reply exactly as the gateway sent it. */
export interface Reply {
  status: number
  contentType: string
  /** Every header the server chose (not the connection's own: date, keep-alive, length). */
  headers: Record<string, string>
  body: Buffer
}

const connectionHeaders = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'set-cookie'])

const built = new Set<string>()

/** Builds dist/main.mjs once per run, as `npm start` does before it starts the server. */
function buildServer(root: string): void {
  if (built.has(root)) return
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' })
  built.add(root)
}

/**
 * Starts the real server on a fresh database, as `npm start` does, and waits until it answers.
 * nodeArgs go to node before the script (e.g. --cpu-prof); extraEnv adds settings (experiments).
 */
export async function startGateway(
  nodeArgs: string[] = [],
  extraEnv: Record<string, string> = {},
  /** The source tree to build and run (another commit's, checked out elsewhere). */
  root = repoRoot,
): Promise<Gateway> {
  const dir = mkdtempSync(join(tmpdir(), 'billgate-bench-'))
  const port = await freePort()
  // Inherited BILLGATE_* settings would make runs differ from machine to machine.
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('BILLGATE_')) env[name] = value
  }
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    BILLGATE_DB: join(dir, 'billgate.sqlite'),
    BILLGATE_ADMIN_PASSWORD: adminPassword,
    ...extraEnv,
  })
  if (existsSync(join(repoRoot, 'billgate.config.json'))) {
    console.warn('note: billgate.config.json in the repository root also applies to the gateway')
  }
  buildServer(root)
  const child = spawnNode('gateway', 'dist/main.mjs', { nodeArgs, env, cwd: root })
  const endpoint = `http://127.0.0.1:${port}/billmgr`
  const close = () => rmSync(dir, { recursive: true, force: true })
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, child)
  } catch (err) {
    close()
    throw err
  }
  return { child, endpoint, dir, close }
}

export function query(params: Record<string, string>): string {
  return new URLSearchParams(params).toString()
}

export async function fetchReply(url: string): Promise<Reply> {
  const res = await fetch(url, { redirect: 'manual' })
  const body = Buffer.from(await res.arrayBuffer())
  const headers: Record<string, string> = {}
  res.headers.forEach((value, name) => {
    if (!connectionHeaders.has(name)) headers[name] = value
  })
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', headers, body }
}

/** A JSONdata call that must succeed; returns the parsed reply. */
async function dataCall(endpoint: string, params: Record<string, string>): Promise<unknown> {
  const reply = await fetchReply(`${endpoint}?${query({ ...params, out: 'JSONdata' })}`)
  const text = reply.body.toString('utf8')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new Error(`func=${params.func}: not JSON (HTTP ${reply.status}): ${text.slice(0, 500)}`)
  }
  if (reply.status !== 200 || (parsed as { error?: unknown }).error) {
    throw new Error(`func=${params.func} failed (HTTP ${reply.status}): ${text.slice(0, 500)}`)
  }
  return parsed
}

export const authinfo = `admin:${adminPassword}`

/** Creates users until the list holds userCount of them (the admin is the first). */
export async function seedUsers(endpoint: string): Promise<void> {
  for (let i = 1; i < userCount; i++) {
    const name = `bench${String(i).padStart(2, '0')}`
    const passwd = `bench-user-${i}-Secret`
    const reply = (await dataCall(endpoint, {
      authinfo,
      func: 'user.edit',
      sok: 'ok',
      name,
      realname: `Bench User ${i}`,
      email: `${name}@example.com`,
      passwd,
      confirm: passwd,
      level: '16',
    })) as { ok?: unknown }
    if (reply.ok !== true) {
      throw new Error(`user.edit ${name}: unexpected reply ${JSON.stringify(reply)}`)
    }
  }
}

/** Logs in as the admin; returns the session id. */
export async function login(endpoint: string): Promise<string> {
  const reply = (await dataCall(endpoint, {
    func: 'auth',
    username: 'admin',
    password: adminPassword,
  })) as { auth?: unknown }
  if (typeof reply.auth !== 'string' || !reply.auth) {
    throw new Error(`func=auth: no session id in ${JSON.stringify(reply)}`)
  }
  return reply.auth
}

/**
 * Fails unless the reply is the user list with every user on one page: HTTP 200, the expected
 * content type, no error document.
 */
export function checkUserList(reply: Reply, out: 'json' | 'xml', what: string): void {
  const text = reply.body.toString('utf8')
  const fail = (why: string): never => {
    const head = `HTTP ${reply.status} ${reply.contentType}`
    throw new Error(`${what}: ${why}\n${head}\n${text.slice(0, 1000)}`)
  }
  if (reply.status !== 200) fail('not HTTP 200')
  if (out === 'json') {
    if (!reply.contentType.startsWith('application/json')) fail('not application/json')
    let doc: { error?: unknown; elem?: unknown; p_elems?: { $?: string } } | undefined
    try {
      doc = (JSON.parse(text) as { doc?: typeof doc }).doc
    } catch {
      fail('not JSON')
    }
    if (!doc) return fail('no "doc" root')
    if (doc.error !== undefined) fail('an error document, not a list')
    if (!Array.isArray(doc.elem) || doc.elem.length !== userCount) {
      fail(`expected ${userCount} "elem" entries`)
    }
    if (doc.p_elems?.$ !== String(userCount)) fail(`expected p_elems ${userCount}`)
  } else {
    if (!reply.contentType.startsWith('text/xml')) fail('not text/xml')
    if (text.includes('<error')) fail('an error document, not a list')
    const elems = text.match(/<elem>/g)?.length ?? 0
    if (elems !== userCount) fail(`expected ${userCount} <elem>, found ${elems}`)
    if (!text.includes(`<p_elems>${userCount}</p_elems>`)) fail(`expected p_elems ${userCount}`)
  }
}
