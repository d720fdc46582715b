import { XMLValidator } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { fuzzer, type FuzzRequest } from '../../bench/lib/fuzz'
import { errorTypes } from '../../src/core/errors'
import { RpcCode } from '../../src/doors/jsonrpc/protocol'
import { adminPassword, makeTestApp, type TestApp } from '../helpers'

/** Requests per run; FUZZ_REQUESTS sends more, FUZZ_SEED another sequence. */
const requests = Number(process.env.FUZZ_REQUESTS ?? 3000)
const seed = Number(process.env.FUZZ_SEED ?? 20261204)

const types = new Set<string>(errorTypes)
const rpcCodes = new Set<number>(Object.values(RpcCode))
/** What a stack trace or a server path looks like in a reply. */
const leak = /\n\s+at \S|node_modules|\/work\/|\/src\/\w+|\.[cm]?[jt]sx?:\d+|file:\/\//

/** What is wrong with one reply, if anything. */
function problemsOf(res: Response, body: string): string[] {
  const problems: string[] = []
  if (res.status >= 500 && res.status !== 503) problems.push(`status ${res.status}`)
  if (leak.test(body)) problems.push(`a stack or path: ${leak.exec(body)![0]}`)
  const type = res.headers.get('content-type') ?? ''
  if (type.startsWith('text/xml')) {
    const valid = XMLValidator.validate(body)
    if (valid !== true) problems.push(`XML not well-formed: ${valid.err.msg}`)
    for (const m of body.matchAll(/<error\b([^>]*)>/g)) {
      const errorType = /\btype="([^"]*)"/.exec(m[1])?.[1]
      if (!errorType || !types.has(errorType)) problems.push(`untyped XML error: ${m[0]}`)
    }
  } else if (type.startsWith('application/json')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch {
      problems.push('JSON not well-formed')
    }
    if (parsed !== undefined) problems.push(...jsonErrorProblems(parsed))
  } else if (type.startsWith('text/plain')) {
    const m = /^ERROR (\w+)\(/m.exec(body)
    if (body.startsWith('ERROR') && (!m || !types.has(m[1]))) problems.push(`untyped text error: ${body.slice(0, 80)}`)
  }
  return problems
}

/**
 * The error entries of every JSON shape, where each shape puts them (data may hold keys named
 * `error` of its own): a document's `doc.error`, plain data's `error`, the file channel's
 * `errors`, and per JSON-RPC reply entry its `error` or its result's `errors`.
 */
function jsonErrorProblems(value: unknown): string[] {
  const problems: string[] = []
  const typed = (type: unknown, what: unknown) => {
    if (typeof type !== 'string' || !types.has(type)) problems.push(`untyped error: ${JSON.stringify(what).slice(0, 160)}`)
  }
  const entries = (Array.isArray(value) ? value : [value]) as Record<string, any>[]
  for (const o of entries) {
    if (o === null || typeof o !== 'object') continue
    if (o.jsonrpc !== undefined) {
      if (o.error !== undefined && !rpcCodes.has(o.error?.code)) problems.push(`unknown JSON-RPC error: ${JSON.stringify(o.error)}`)
      for (const e of o.result?.errors ?? []) typed(e?.code, e)
      continue
    }
    if (o.doc?.error !== undefined) typed(o.doc.error.$type, o.doc.error)
    if (o.error !== undefined) typed(o.error?.type, o.error)
    if (o.code === false) for (const e of o.errors ?? []) typed(e?.code, e)
  }
  return problems
}

async function send(t: TestApp, r: FuzzRequest): Promise<Response> {
  return t.request(r.path, { method: r.method, headers: r.headers, body: r.body })
}

describe('fuzzed requests over every door, function and format', () => {
  it(`${requests} seeded random requests: no 5xx but 503, well-formed XML, typed errors, no stack or path`, { timeout: 600_000 }, async () => {
    const t = await makeTestApp({
      // Calls come from many addresses, as through a proxy; authinfo is allowed from all of them.
      trustedProxies: ['127.0.0.1'],
      authinfoAllow: ['0.0.0.0/0', '::/0'],
      lockout: { delayStep: 0 },
      rpcRatePerAddress: 0,
    })
    const secrets = { session: await t.login(), adminPassword, logins: ['admin'] }
    for (const name of ['vasya', 'petya']) {
      await t.createUser(name, name === 'vasya' ? '16' : '24')
      secrets.logins.push(name)
    }
    await t.createAccount('Customer A')
    const next = fuzzer(seed, secrets, { writes: true })
    const failures: string[] = []
    for (let i = 0; i < requests && failures.length < 20; i++) {
      // A fuzzed call may have ended the session: the run goes on with a fresh one.
      if (i % 250 === 0) secrets.session = await t.login()
      const r = next()
      const res = await send(t, r)
      const body = await res.text()
      const problems = problemsOf(res, body)
      if (problems.length) failures.push(`#${i} ${r.method} ${r.path.slice(0, 300)} ${(r.body ?? '').slice(0, 300)}\n  ${problems.join('\n  ')}\n  ${body.slice(0, 300)}`)
    }
    expect(failures).toEqual([])
    expect(t.errors).toEqual([])
  })
})
