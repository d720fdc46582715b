import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

/** Debian's PostgreSQL programs, newest version first; undefined when none is installed. */
function postgresBin(): string | undefined {
  const base = '/usr/lib/postgresql'
  if (!existsSync(base)) return undefined
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a))
  return versions.map((v) => join(base, v, 'bin')).find((dir) => existsSync(join(dir, 'pg_ctl')))
}

export interface PgServer {
  /** A URL on which databases may be created (the server's own `postgres` database). */
  url: string
  stop(): void
}

/**
 * The PostgreSQL server a benchmark runs against: `BILLGATE_BENCH_PG` when set, else a throwaway
 * cluster in a temporary directory, reached by its socket, with commits not waiting for the disk
 * (as SQLite's WAL with synchronous=NORMAL does not either), stopped by `stop`.
 */
export function benchPgServer(): PgServer {
  const given = process.env.BILLGATE_BENCH_PG
  if (given) return { url: given, stop: () => undefined }
  const bin = postgresBin()
  if (!bin) throw new Error('no PostgreSQL here: install Debian\'s postgresql or set BILLGATE_BENCH_PG to a server URL')
  const dir = mkdtempSync(join(tmpdir(), 'billgate-bench-pg-'))
  chmodSync(dir, 0o777)
  const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : []
  const run = (program: string, args: string[]) => {
    const [command, ...rest] = [...asPostgres, join(bin, program), ...args]
    execFileSync(command, rest, { stdio: 'ignore' })
  }
  run('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--encoding=UTF8', '--locale=C.UTF-8'])
  run('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-o', `-c listen_addresses='' -k ${dir} -c synchronous_commit=off -c max_connections=200`, 'start'])
  return {
    url: `postgres://postgres@localhost/postgres?host=${dir}`,
    stop: () => {
      try {
        run('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

/** A new empty database on the server: its URL. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(`drop database if exists ${name} with (force)`)
    await client.query(`create database ${name}`)
  } finally {
    await client.end()
  }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.href
}
