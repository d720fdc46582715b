// Profiles the gateway under the session json load: `npx tsx bench/profile.ts` (PROFILE_OUT=xml
// for the xml one, PROFILE_LOAD=create for payment.edit creates, PROFILE_PG=<server URL> to run
// the gateway on a PostgreSQL database made there).
// Runs the server with node --cpu-prof, loads it, stops it with SIGTERM (the profile is written
// on exit) and prints where the time went. `npx tsx bench/profile.ts <file.cpuprofile>` only
// summarises an existing profile. Output goes to bench/results/ (not committed).
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { formatSummary, summarize, type CpuProfile, type Window } from './lib/cpuprofile'
import {
  authinfo,
  checkUserList,
  fetchReply,
  login,
  seedUsers,
  startGateway,
  type Gateway,
} from './lib/gateway'
import { seedPayments } from './lib/jsonrpc'
import { createDatabase } from './lib/pg-cluster'
import { figuresOf, load } from './lib/load'
import { killAllNow, repoRoot, stopAll, stopChild } from './lib/processes'

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url))
const connections = 50

function report(file: string, window?: Window): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const text = formatSummary(summarize(profile, repoRoot, window))
  mkdirSync(resultsDir, { recursive: true })
  writeFileSync(join(resultsDir, 'profile.txt'), `${text}\n`)
  console.log(text)
  console.log(`\nsummary written to ${join(resultsDir, 'profile.txt')}`)
}

let gateway: Gateway | undefined
let profDir: string | undefined

async function profileGateway(): Promise<void> {
  const duration = Number(process.env.PROFILE_DURATION || 10)
  const out = process.env.PROFILE_OUT === 'xml' ? 'xml' : 'json'
  profDir = mkdtempSync(join(tmpdir(), 'billgate-prof-'))
  const pgServer = process.env.PROFILE_PG
  const dbEnv: Record<string, string> = pgServer ? { BILLGATE_DB: await createDatabase(pgServer, 'billgate_profile') } : {}
  gateway = await startGateway(['--cpu-prof', `--cpu-prof-dir=${profDir}`], dbEnv)
  await seedUsers(gateway.endpoint)
  const session = await login(gateway.endpoint)
  // PROFILE_AUTH=authinfo profiles the authinfo path instead of the session one.
  const credential = process.env.PROFILE_AUTH === 'authinfo' ? `authinfo=${encodeURIComponent(authinfo)}` : `auth=${session}`
  let url = `${gateway.endpoint}?${credential}&func=user&out=${out}`
  let expectBody: string | undefined
  let name = `session ${out}`
  if (process.env.PROFILE_LOAD === 'create') {
    await seedPayments(gateway.endpoint)
    const accounts = await fetchReply(`${gateway.endpoint}?authinfo=${encodeURIComponent(authinfo)}&func=account&out=JSONdata`)
    const account = (JSON.parse(accounts.body.toString('utf8')) as { elem: { id: number }[] }).elem[0].id
    url = `${gateway.endpoint}?${credential}&func=payment.edit&sok=ok&account=${account}&amount=1.25&sender=Bench&out=json`
    name = 'payment.edit creates'
  } else {
    const reply = await fetchReply(url)
    checkUserList(reply, out, name)
    expectBody = reply.body.toString('utf8')
  }
  console.log(`warm-up 2 s, then ${duration} s of ${name} under the profiler`)
  await load('warm-up', { url, duration: 2, connections, expectBody })
  const started = performance.now()
  const run = await load(name, { url, duration, connections, expectBody })
  const ended = performance.now()
  console.log(`${Math.round(figuresOf(run).requestsPerSec)} req/s while profiled`)
  const code = await stopChild(gateway.child, 20_000)
  const exited = performance.now()
  if (code !== 0) throw new Error(`the gateway exited with ${code}:\n${gateway.child.output()}`)
  // Worker threads (tsx's loader) write their own profiles: the main thread's is the largest.
  const files = readdirSync(profDir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(profDir as string, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)
  if (!files.length) throw new Error(`no .cpuprofile written in ${profDir}`)
  mkdirSync(resultsDir, { recursive: true })
  const kept = join(resultsDir, 'gateway.cpuprofile')
  copyFileSync(files[0], kept)
  console.log(`profile kept as ${kept} (open it in Chrome DevTools → Performance)\n`)
  // Only the measured load counts: not start-up, seeding, warm-up or shutdown.
  report(kept, {
    fromEndMicros: (exited - started) * 1000,
    toEndMicros: (exited - ended) * 1000,
  })
}

try {
  const given = process.argv[2]
  if (given) report(given)
  else await profileGateway()
} catch (err) {
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err)
  console.error(`\nprofile failed: ${text}`)
  process.exitCode = 1
} finally {
  await stopAll()
  killAllNow()
  gateway?.close()
  if (profDir) rmSync(profDir, { recursive: true, force: true })
}
