import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { adminPassword } from './gateway'
import { repoRoot } from './processes'

/**
 * The billing benchmark's database: a million payments and a million usage records made by
 * `npm run seed:demo`, built once and kept in bench/data/ (not committed) until the seed code,
 * the migrations or the sizes change.
 */
const dataDir = join(repoRoot, 'bench', 'data')
export const billingDbPath = join(dataDir, 'billing.sqlite')
const manifestPath = join(dataDir, 'billing.json')

const seedArgs = ['--seed', '1', '--payments', '1000000', '--xdrs', '1000000']

export interface BillingData {
  path: string
  /** Whether it was built by this run (rather than reused). */
  built: boolean
  buildSeconds: number
  bytes: number
  payments: number
  xdrs: number
  /** The first and last usage record's start, in ms. */
  xdrSpan: [number, number]
}

interface Manifest {
  fingerprint: string
  builtAt: string
  buildSeconds: number
}

/** What the data depends on: the seed's arguments and code, and the schema's migrations. */
function fingerprint(): string {
  const hash = createHash('sha256').update(seedArgs.join(' '))
  const files = (dir: string, ext: string) =>
    readdirSync(join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith(ext))
      .sort()
      .map((f) => join(repoRoot, dir, f))
  for (const file of [...files('src/demo', '.ts'), join(repoRoot, 'src/cli/seed-demo.ts'), ...files('db/migrations', '.sql')]) {
    hash.update(file.slice(repoRoot.length)).update(readFileSync(file))
  }
  return hash.digest('hex')
}

function readManifest(): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest
  } catch {
    return undefined
  }
}

function removeDatabase(): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${billingDbPath}${suffix}`, { force: true })
}

/** Runs the real seed script on a fresh file, its progress shown on this terminal. */
async function build(): Promise<number> {
  removeDatabase()
  mkdirSync(dataDir, { recursive: true })
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('BILLGATE_')) env[name] = value
  }
  // The benchmark logs in as its admin, with its password.
  env.BILLGATE_ADMIN_PASSWORD = adminPassword
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/seed-demo.ts', '--db', billingDbPath, ...seedArgs], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (c) => resolve(c))
  })
  if (code !== 0) {
    removeDatabase()
    throw new Error(`seed:demo exited with ${code}`)
  }
  return (performance.now() - started) / 1000
}

/** The benchmark's database, built first if missing or out of date (or when `rebuild`). */
export async function billingData(rebuild: boolean): Promise<BillingData> {
  const wanted = fingerprint()
  const manifest = readManifest()
  const current = !rebuild && manifest?.fingerprint === wanted && existsSync(billingDbPath)
  let buildSeconds = manifest?.buildSeconds ?? 0
  if (!current) {
    console.log(`building ${billingDbPath} (npm run seed:demo -- ${seedArgs.join(' ')}):`)
    buildSeconds = await build()
    const built: Manifest = { fingerprint: wanted, builtAt: new Date().toISOString(), buildSeconds }
    writeFileSync(manifestPath, `${JSON.stringify(built, null, 2)}\n`)
  }
  const db = new Database(billingDbPath, { readonly: true, fileMustExist: true })
  try {
    const one = (sql: string) => db.prepare(sql).pluck().get() as number
    return {
      path: billingDbPath,
      built: !current,
      buildSeconds,
      bytes: statSync(billingDbPath).size,
      payments: one('select count(*) from payments'),
      xdrs: one('select count(*) from xdrs'),
      xdrSpan: [one('select min(started_at) from xdrs'), one('select max(started_at) from xdrs')],
    }
  } finally {
    db.close()
  }
}

/** Usage records that started in [from, to), for reporting how many a range holds. */
export function xdrsBetween(from: number, to: number): number {
  const db = new Database(billingDbPath, { readonly: true, fileMustExist: true })
  try {
    return db.prepare('select count(*) from xdrs where started_at >= ? and started_at < ?').pluck().get(from, to) as number
  } finally {
    db.close()
  }
}
