import { Random } from '../../src/demo/random'
import { discoveryMethods } from '../../src/doors/jsonrpc/methods'
import { jerasoftMethods } from '../../src/doors/jsonrpc/aliases'
import { createRegistry } from '../../src/functions/index'
import { fileFormats, paramsOf, writes, type FunctionDef } from '../../src/core/registry'
import { serializers } from '../../src/output/index'

/** One request as the memory benchmark sends it. */
export interface FuzzRequest {
  door: 'billmgr' | 'panel' | 'jsonrpc' | 'files'
  method: 'GET' | 'POST'
  path: string
  headers: Record<string, string>
  body?: string
}

/** What the benchmark knows that makes some requests succeed. */
export interface FuzzSecrets {
  session: string
  adminPassword: string
  /** Logins that exist, other than the one of `session` (wrong passwords would lock it out). */
  logins: string[]
}


const registry = createRegistry()
const defs = registry.all()
/** Functions a valid caller may be sent without changing data (nor ending its own session). */
const readOnly = defs.filter((d) => !writes(d, false))
const aliases = Object.entries({ ...jerasoftMethods, ...discoveryMethods })
const readOnlyAliases = aliases.filter(([, a]) => {
  const def = registry.get(a.func)
  return def !== undefined && !writes(def, false)
})
const fileRoutes = defs.flatMap((d) => ('file' in d && d.file?.route ? [{ route: d.file.route, def: d as FunctionDef }] : []))
const formats = [...Object.keys(serializers), ...fileFormats]
const pagingParams = ['p_cnt', 'p_num', 'p_sort', 'p_order', 'filter', 'elid', 'plid']
const junkLangs = ['en', 'ru', 'de', 'fr-CA', 'zh-Hans-CN', 'ru-RU;q=0.5', '*', 'x-klingon', '']
const alphabet = [...'abcdefghijklmnopqrstuvwxyz0123456789_.-']
/** Characters that need escaping, or that no function expects. */
const wideAlphabet = [...alphabet, ...'ЖжЯя€ü漢字🙂 %&=+/?#"\'<>\\\u0000\t']
/** What may stand in a header, but is no address. */
const headerJunk = [...alphabet, ...' :/[]%*;']

/** How the requests may act. */
export interface FuzzOptions {
  /**
   * Valid callers are sent writes too (any function, forms saved), not only calls that change
   * nothing: a run that may change data and end its own session (it must then log in again).
   */
  writes?: boolean
}

export function fuzzer(seed: number, secrets: FuzzSecrets, options: FuzzOptions = {}) {
  const rng = new Random(seed)
  const random = () => rng.next()
  const int = (n: number) => rng.int(0, n - 1)
  const chance = (p: number) => rng.chance(p)
  const pick = <T>(items: readonly T[]): T => rng.pick(items)
  const word = (max = 12, chars: readonly string[] = alphabet) => {
    let s = ''
    for (let i = 1 + int(max); i > 0; i--) s += chars[int(chars.length)]
    return s
  }
  const text = () => {
    const r = random()
    if (r < 0.6) return word(16)
    if (r < 0.85) return word(40, wideAlphabet)
    if (r < 0.97) return word(300, wideAlphabet)
    return word(3000, wideAlphabet)
  }
  const ipv4 = () => `${1 + int(223)}.${int(256)}.${int(256)}.${int(256)}`
  const ipv6 = () => `2001:db8:${int(65536).toString(16)}:${int(65536).toString(16)}::${int(65536).toString(16)}`
  const address = () => {
    const r = random()
    if (r < 0.8) return ipv4()
    if (r < 0.97) return ipv6()
    return word(20, headerJunk)
  }
  const sessionId = () => (chance(0.5) ? word(32, [...'0123456789abcdef']) : text())
  const login = () => (chance(0.2) ? pick(secrets.logins) : text())

  /** A value for a parameter: often one its declaration allows, often not. */
  function valueFor(name: string, def: FunctionDef | undefined): string {
    const spec = def ? paramsOf(def)[name] : undefined
    if (spec?.values && chance(0.5)) return pick(spec.values)
    switch (name) {
      case 'p_cnt':
        return pick(['1', '5', '20', '100', '1000', String(int(2000)), '0', '-1', 'x'])
      case 'p_num':
        return String(int(50) - 2)
      case 'p_order':
        return pick(['asc', 'desc', 'up', ''])
      case 'p_sort': {
        const columns = def?.kind === 'list' ? def.columns.map((c) => c.name) : []
        return columns.length && chance(0.7) ? pick(columns) : word()
      }
      case 'filter':
        return pick(['on', 'off', ''])
      case 'elid':
      case 'plid':
        return chance(0.7) ? String(int(40)) : text()
    }
    if (spec?.type === 'int' || spec?.type === 'money') return pick([String(int(1000)), `${int(100)}.${int(100)}`, '-5', text()])
    if (spec?.type === 'date') return chance(0.7) ? `20${10 + int(20)}-0${1 + int(9)}-1${int(10)}` : text()
    if (spec?.type === 'flag') return pick(['on', 'off', 'yes', ''])
    return text()
  }

  /** Parameters of a call to def (or to an unknown function): some of its own, some paging, some random. */
  function paramsFor(def: FunctionDef | undefined): Record<string, string> {
    const params: Record<string, string> = {}
    const own = def ? Object.keys(paramsOf(def)) : []
    for (const name of own) if (chance(0.25)) params[name] = valueFor(name, def)
    if (def?.kind === 'list' || chance(0.2)) {
      for (const name of pagingParams) if (chance(0.3)) params[name] = valueFor(name, def)
    }
    for (let i = int(4); i > 0; i--) params[chance(0.8) ? word(10) : text()] = text()
    return params
  }

  type Credentials = 'session' | 'authinfo' | 'badSession' | 'badAuthinfo' | 'login' | 'none'
  const credentialKinds: [Credentials, number][] = [
    ['session', 35],
    ['authinfo', 10],
    ['badSession', 15],
    // Each of these costs the server a password check (scrypt): they set the pace of the run.
    ['badAuthinfo', 5],
    ['login', 3],
    ['none', 32],
  ]
  const credentials = (): Credentials => rng.weighted(credentialKinds)
  const valid = (kind: Credentials) => kind === 'session' || kind === 'authinfo'
  /** Unless writes are asked for, a valid caller gets only calls that change nothing, so that its session lives on. */
  const mayWrite = (kind: Credentials) => options.writes === true || !valid(kind)

  function funcFor(kind: Credentials): FunctionDef | string {
    if (chance(0.12)) return chance(0.5) ? word(20) : `${pick(defs).name}.${word(6)}`
    return mayWrite(kind) ? pick(defs) : pick(readOnly)
  }

  function credentialParams(kind: Credentials): Record<string, string> {
    switch (kind) {
      case 'session':
        return { auth: secrets.session }
      case 'authinfo':
        return { authinfo: `admin:${secrets.adminPassword}` }
      case 'badSession':
        return { auth: sessionId() }
      case 'badAuthinfo':
        return { authinfo: `${login()}:${text()}` }
      case 'login':
        return { username: login(), password: text() }
      default:
        return {}
    }
  }

  function commonHeaders(): Record<string, string> {
    const headers: Record<string, string> = {}
    // Always an address: failed logins are then spread over many, as real clients would be,
    // and none of them is slowed down by the lockout.
    const hops = [address()]
    if (chance(0.2)) hops.unshift(address())
    headers['X-Forwarded-For'] = hops.join(', ')
    if (chance(0.6)) {
      const langs = Array.from({ length: 1 + int(3) }, () => pick(junkLangs) + (chance(0.3) ? `;q=0.${int(10)}` : ''))
      headers['Accept-Language'] = langs.join(', ')
    }
    return headers
  }

  const encode = (params: Record<string, string>) =>
    Object.entries(params)
      .map(([name, value]) => `${encodeURIComponent(name)}=${chance(0.02) ? encodeURIComponent(value).replace(/%20/g, '+') : encodeURIComponent(value)}`)
      .join('&')

  function urlCall(door: 'billmgr' | 'panel'): FuzzRequest {
    const kind = credentials()
    const chosen = funcFor(kind)
    const def = typeof chosen === 'string' ? undefined : chosen
    const params: Record<string, string> = { func: def?.name ?? (chosen as string), ...credentialParams(kind), ...paramsFor(def) }
    if (door === 'billmgr') params.out = chance(0.95) ? pick(formats) : word(6)
    if (chance(0.2)) params.lang = pick(['en', 'ru', word(3)])
    if (mayWrite(kind) && chance(0.3)) params.sok = 'ok'
    if (def?.name === 'auth' && valid(kind)) delete params.sok
    const headers = commonHeaders()
    const query = encode(params)
    if (door === 'billmgr' && chance(0.2)) {
      const json = chance(0.3)
      headers['Content-Type'] = json ? 'application/json' : 'application/x-www-form-urlencoded'
      return { door, method: 'POST', path: '/billmgr', headers, body: json ? JSON.stringify(params) : query }
    }
    return { door, method: 'GET', path: `/billmgr?${query}`, headers }
  }

  function rpcCall(): Record<string, unknown> {
    const kind = credentials()
    const named = chance(0.3) ? (mayWrite(kind) ? pick(aliases) : pick(readOnlyAliases))[0] : undefined
    const chosen = named ?? funcFor(kind)
    const def = named ? registry.get((jerasoftMethods[named] ?? discoveryMethods[named]).func) : typeof chosen === 'string' ? undefined : chosen
    const params: Record<string, unknown> = paramsFor(def)
    if (kind === 'session') params.SID = secrets.session
    else if (kind === 'badSession') params.SID = sessionId()
    else if (kind === 'login' || kind === 'badAuthinfo') {
      if (chance(0.5)) params.auth = { login: login(), password: text() }
      else Object.assign(params, { 'auth[login]': login(), 'auth[password]': text() })
    }
    if (mayWrite(kind) && chance(0.3)) params[chance(0.5) ? 'apply' : 'sok'] = 1
    if (chance(0.05)) params.idempotency_key = word(40)
    if (chance(0.1)) params.out = pick(formats)
    if (chance(0.1)) params[word(6)] = { nested: text(), list: [text(), int(100)] }
    const call: Record<string, unknown> = { jsonrpc: chance(0.97) ? '2.0' : '1.0', method: typeof chosen === 'string' ? chosen : chosen.name, params }
    if (chance(0.9)) call.id = chance(0.7) ? int(1_000_000) : word(20)
    return call
  }

  function jsonrpc(): FuzzRequest {
    const headers = { ...commonHeaders(), 'Content-Type': 'application/json' }
    if (chance(0.03)) (headers as Record<string, string>)['Idempotency-Key'] = word(30)
    const r = random()
    const body =
      r < 0.05
        ? `{"jsonrpc":"2.0","method":${JSON.stringify(word(10))},${text()}`
        : JSON.stringify(r < 0.75 ? rpcCall() : Array.from({ length: 1 + int(10) }, rpcCall))
    return { door: 'jsonrpc', method: 'POST', path: '/jsonrpc/', headers, body }
  }

  function files(): FuzzRequest {
    const kind = credentials()
    const params: Record<string, string> = {}
    if (kind === 'session') params.SID = secrets.session
    else if (kind === 'badSession') params.SID = sessionId()
    else if (kind === 'login' || kind === 'badAuthinfo') Object.assign(params, { 'auth[login]': login(), 'auth[password]': text() })
    else if (kind === 'authinfo') params.authinfo = `admin:${secrets.adminPassword}`
    const found = chance(0.85) ? pick(fileRoutes) : undefined
    const route = found?.route ?? `${word(8)}/${word(8)}`
    Object.assign(params, paramsFor(found?.def))
    if (chance(0.2)) params.lang = pick(['en', 'ru', word(3)])
    return { door: 'files', method: 'GET', path: `/admin/${route}?${encode(params)}`, headers: commonHeaders() }
  }

  /** The next request: every door, in proportions a busy gateway might see. */
  return function next(): FuzzRequest {
    const r = random()
    if (r < 0.5) return urlCall('billmgr')
    if (r < 0.55) return urlCall('panel')
    if (r < 0.88) return jsonrpc()
    return files()
  }
}
