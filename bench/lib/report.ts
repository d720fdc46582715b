import { cpus, totalmem } from 'node:os'
import { execFileSync } from 'node:child_process'
import { repoRoot } from './processes'

/** A whole number from 1 to 3600 from an environment variable, or the fallback when unset. */
function envWhole(name: string, fallback: number, what: string): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > 3600) {
    throw new Error(`${name}: expected ${what} from 1 to 3600, got "${raw}"`)
  }
  return n
}

/** Whole seconds from an environment variable (1 to 3600), or the fallback when unset. */
export const envSeconds = (name: string, fallback: number) => envWhole(name, fallback, 'whole seconds')

/** How many times to do something, from an environment variable (1 to 3600), or the fallback when unset. */
export const envCount = (name: string, fallback: number) => envWhole(name, fallback, 'a count')

/** The commit measured, marked when the sources differ from it. */
export function gitCommit(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: 'pipe' })
    const head = git('rev-parse', 'HEAD').trim()
    const changed = git('status', '--porcelain', '--', 'src', 'package.json', 'package-lock.json')
    return changed.trim() ? `${head} (with uncommitted changes)` : head
  } catch {
    return ''
  }
}

/** The URL with its session id and password hidden, for printing and saving. */
export function mask(url: string): string {
  return url
    .replace(/([?&]auth=)[^&]*/, '$1<session>')
    .replace(/([?&]authinfo=[^:&]*:)[^&]*/, '$1<password>')
}

/** Rows as aligned columns; the first row is the header. */
export function table(rows: string[][], rightAligned: Set<number>): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  return rows
    .map((r) =>
      r.map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))),
    )
    .map((r) => r.join('  ').trimEnd())
    .join('\n')
}

/** What a result file records about the run: when, which code, which machine, which load. */
export function runFacts(load: { connections: number; warmup: number; duration: number; rounds?: number }) {
  const cpuList = cpus()
  return {
    date: new Date().toISOString(),
    commit: gitCommit(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? '',
    memoryBytes: totalmem(),
    connections: load.connections,
    warmupSeconds: load.warmup,
    durationSeconds: load.duration,
  }
}
