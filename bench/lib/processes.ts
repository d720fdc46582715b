import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

/** The repository root: where `npm start` runs. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

/** A child process started by the benchmark, with the tail of its output kept for errors. */
export interface Child {
  name: string
  process: ChildProcess
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>
  output(): string
}

const children = new Set<Child>()
const maxOutput = 64 * 1024

/**
 * Starts `node --import tsx [nodeArgs] script [args]` in the repository root; a `.mjs` script
 * (the built server, as `npm start` runs it) starts without the TypeScript loader.
 */
export function spawnNode(
  name: string,
  script: string,
  options: { nodeArgs?: string[]; args?: string[]; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Child {
  const loader = script.endsWith('.mjs') ? [] : ['--import', 'tsx']
  const argv = [...loader, ...(options.nodeArgs ?? []), script, ...(options.args ?? [])]
  const proc = spawn(process.execPath, argv, {
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (chunk: Buffer) => {
    output += chunk.toString('utf8')
    if (output.length > maxOutput) output = output.slice(-maxOutput)
  }
  proc.stdout?.on('data', keep)
  proc.stderr?.on('data', keep)
  const exited = new Promise<number | string>((resolve) => {
    proc.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))
    proc.on('error', (err) => {
      keep(Buffer.from(`spawn error: ${err.message}\n`))
      resolve('spawn-error')
    })
  })
  const child: Child = { name, process: proc, exited, output: () => output }
  children.add(child)
  void exited.then(() => children.delete(child))
  return child
}

export function isRunning(child: Child): boolean {
  return child.process.exitCode === null && child.process.signalCode === null
}

/** Asks a child to stop (SIGTERM), then kills it if it has not exited within graceMs. */
export async function stopChild(child: Child, graceMs = 5000): Promise<number | string> {
  if (isRunning(child)) child.process.kill('SIGTERM')
  const timer = setTimeout(() => {
    if (isRunning(child)) child.process.kill('SIGKILL')
  }, graceMs)
  try {
    return await child.exited
  } finally {
    clearTimeout(timer)
  }
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c)))
}

/** Last resort when the benchmark itself exits: nothing it started may outlive it. */
export function killAllNow(): void {
  for (const child of children) {
    if (isRunning(child)) child.process.kill('SIGKILL')
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))))
    })
  })
}

/** Polls url until it answers anything over HTTP; fails if the child dies or time runs out. */
export async function waitForHttp(url: string, child: Child, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (!isRunning(child)) {
      throw new Error(`${child.name} exited before answering:\n${child.output()}`)
    }
    try {
      const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(1000) })
      await res.arrayBuffer()
      return
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      const waited = `${child.name} did not answer ${url} within ${timeoutMs} ms`
      throw new Error(`${waited}:\n${child.output()}`)
    }
    await sleep(100)
  }
}

let clockTicks: number | undefined

/**
 * CPU seconds (user + system, all threads) a child has used so far, from /proc; undefined where
 * there is no /proc.
 */
export function cpuSeconds(child: Child): number | undefined {
  const pid = child.process.pid
  if (pid === undefined || process.platform !== 'linux') return undefined
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces): state is the first, utime the 12th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / clockTicks
  } catch {
    return undefined
  }
}

/**
 * Runs a benchmark's main to its exit code: children stopped afterwards (or killed at once on
 * exit or a signal), `cleanup` (servers, temporary files) run whatever happens, and a failure
 * reported without leaving anything behind.
 */
export async function runBench(main: () => Promise<number | void>, cleanup: () => void): Promise<void> {
  const cleanupNow = () => {
    killAllNow()
    cleanup()
  }
  process.on('exit', cleanupNow)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      console.error(`\nbench: ${signal}, stopping`)
      process.exit(130)
    })
  }
  try {
    const code = await main()
    if (code !== undefined) process.exitCode = code
    await stopAll()
  } catch (err) {
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err)
    console.error(`\nbench failed: ${text}`)
    await stopAll()
    process.exitCode = 1
  } finally {
    cleanupNow()
  }
}
