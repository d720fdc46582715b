import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { adminPassword } from './helpers'

export const root = new URL('..', import.meta.url).pathname

/**
 * A directory for a test file's databases and the list of server processes it starts: at the
 * end of the file, whatever still runs is killed and the directory removed.
 */
export function serverScratch(prefix: string): { dir: string; children: ChildProcess[] } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const children: ChildProcess[] = []
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })
  return { dir, children }
}

/** Calls a URL function of a running server as the admin, by authinfo; the JSONdata reply. */
export async function callAsAdmin(url: string, params: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}?${new URLSearchParams({ ...params, authinfo: `admin:${adminPassword}`, out: 'JSONdata' })}`)
  return (await res.json()) as Record<string, unknown>
}

export interface Started {
  child: ChildProcess
  url: string
  output: () => string
  exited: Promise<number | null>
}

/**
 * Starts the server on a free port, from its sources or, with `built`, from the bundle that
 * `npm start` builds and runs (built beforehand); resolves once it serves. The child is added to
 * `children`, for the test file to kill whatever is still running at its end.
 */
export function startServer(env: Record<string, string>, children: ChildProcess[], { built = false } = {}): Promise<Started> {
  const child = spawn(process.execPath, built ? ['dist/main.mjs'] : ['--import', 'tsx', 'src/main.ts'], {
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
