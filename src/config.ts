import { existsSync, readFileSync } from 'node:fs'
import { supportedLanguages, type Lang } from './i18n/index'
import { isAddressOrRange } from './net/addresses'

/** Waits before each retry of a failed delivery: 1 min, 5 min, 30 min, 2 h, 12 h, 24 h; then it fails. */
export const retryScheduleMs: readonly number[] = [60_000, 300_000, 1_800_000, 7_200_000, 43_200_000, 86_400_000]

export interface Config {
  port: number
  host: string
  dbPath: string
  /** Seconds of inactivity after which a session ends. */
  sessionIdle: number
  /** Seconds a one-time login key stays valid. */
  keyTtl: number
  /** Addresses and CIDR ranges that may use authinfo. */
  authinfoAllow: string[]
  /** Proxies whose X-Forwarded-For is believed. */
  trustedProxies: string[]
  lang: Lang
  /** Password for the admin created on first start; generated when absent. */
  adminPassword?: string
  /** Largest request body accepted, in bytes. */
  bodyLimit: number
  lockout: LockoutConfig
  /** Seconds a verified authinfo credential is remembered. */
  authinfoCacheTtl: number
  /** Serve the session cookie with the Secure flag even without TLS (behind a TLS proxy). */
  secureCookies: boolean
  /** Keep finished replies of read-only lists until data changes. */
  replyCache: boolean
  /** The operator's name, as invoices show who issues them. */
  operatorName: string
  /** Seconds between renewal passes over services whose paid time ended; 0: none. */
  renewalInterval: number
  /** JSON-RPC requests answered at once, beyond which new ones get HTTP 429; 0: no limit. */
  rpcMaxInFlight: number
  /** JSON-RPC requests one client address may start per second, beyond which HTTP 429; 0: no limit. */
  rpcRatePerAddress: number
  /** Waits (ms) before each retry of an after-handler's failed delivery; after the last, it fails. */
  hookRetrySchedule: number[]
  /** After-handler deliveries in flight at once (at most 256: the HTTP client's sockets per host). */
  hookConcurrency: number
  /** Milliseconds between looks for deliveries recorded by other processes (the CLI) or due again. */
  hookPollInterval: number
  /** Milliseconds a claimed delivery stays leased beyond its handler's timeout (a killed worker's rows wait this long). */
  hookLeaseGrace: number
  /** Days after which execution log rows and finished deliveries are pruned; 0: kept forever. */
  hookLogRetentionDays: number
}

export interface LockoutConfig {
  /** Window in seconds in which failures are counted. */
  window: number
  /** Failures after which further attempts are delayed. */
  slowAfter: number
  /** Delay in milliseconds added per failure beyond slowAfter (an attempt waits at most 4 s). */
  delayStep: number
  /** Failures for one login from one address that lock that login there for the rest of the window. */
  maxPerLogin: number
  /** Failures from one address that lock it for the rest of the window. */
  maxPerAddress: number
}

export const defaultConfig: Config = {
  port: 1500,
  host: '0.0.0.0',
  dbPath: 'db/billgate.sqlite',
  sessionIdle: 3600,
  keyTtl: 3600,
  authinfoAllow: ['127.0.0.0/8', '::1'],
  trustedProxies: [],
  lang: 'en',
  bodyLimit: 1024 * 1024,
  lockout: { window: 900, slowAfter: 3, delayStep: 250, maxPerLogin: 10, maxPerAddress: 30 },
  authinfoCacheTtl: 60,
  secureCookies: false,
  replyCache: true,
  operatorName: 'billgate',
  renewalInterval: 60,
  rpcMaxInFlight: 256,
  rpcRatePerAddress: 20_000,
  hookRetrySchedule: [...retryScheduleMs],
  hookConcurrency: 256,
  hookPollInterval: 250,
  hookLeaseGrace: 30_000,
  hookLogRetentionDays: 30,
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

type Source = Record<string, unknown>

/** Config file keys, as env variable names, so both sources read the same way. */
const fileKeys: Record<string, string> = {
  port: 'PORT',
  host: 'HOST',
  db: 'BILLGATE_DB',
  sessionIdle: 'BILLGATE_SESSION_IDLE',
  keyTtl: 'BILLGATE_KEY_TTL',
  authinfoAllow: 'BILLGATE_AUTHINFO_ALLOW',
  trustedProxies: 'BILLGATE_TRUSTED_PROXIES',
  lang: 'BILLGATE_LANG',
  adminPassword: 'BILLGATE_ADMIN_PASSWORD',
  bodyLimit: 'BILLGATE_BODY_LIMIT',
  authinfoCacheTtl: 'BILLGATE_AUTHINFO_CACHE_TTL',
  secureCookies: 'BILLGATE_SECURE_COOKIES',
  replyCache: 'BILLGATE_REPLY_CACHE',
  operatorName: 'BILLGATE_OPERATOR_NAME',
  renewalInterval: 'BILLGATE_RENEWAL_INTERVAL',
  rpcMaxInFlight: 'BILLGATE_RPC_MAX_IN_FLIGHT',
  rpcRatePerAddress: 'BILLGATE_RPC_RATE',
  hookRetrySchedule: 'BILLGATE_HOOK_RETRY_SCHEDULE',
  hookConcurrency: 'BILLGATE_HOOK_CONCURRENCY',
  hookPollInterval: 'BILLGATE_HOOK_POLL_INTERVAL',
  hookLeaseGrace: 'BILLGATE_HOOK_LEASE_GRACE',
  hookLogRetentionDays: 'BILLGATE_HOOK_LOG_DAYS',
  lockoutWindow: 'BILLGATE_LOCKOUT_WINDOW',
  lockoutMaxPerLogin: 'BILLGATE_LOCKOUT_MAX_LOGIN',
  lockoutMaxPerAddress: 'BILLGATE_LOCKOUT_MAX_ADDRESS',
}

/**
 * Reads the configuration once: an optional JSON file (BILLGATE_CONFIG, or billgate.config.json
 * in the working directory) overlaid by environment variables. Every problem is reported at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = []
  const source: Source = {}
  const file = env.BILLGATE_CONFIG ?? (existsSync('billgate.config.json') ? 'billgate.config.json' : undefined)
  if (file) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        problems.push(`${file}: must hold a JSON object`)
      } else {
        for (const [key, value] of Object.entries(parsed)) {
          const name = fileKeys[key]
          if (name) source[name] = value
          else problems.push(`${file}: unknown key "${key}" (known: ${Object.keys(fileKeys).join(', ')})`)
        }
      }
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message}`)
    }
  }
  for (const name of Object.values(fileKeys)) {
    if (env[name] !== undefined && env[name] !== '') source[name] = env[name]
  }
  const config = parseConfig(source, problems)
  if (problems.length) throw new ConfigError(problems)
  return config
}

/** Builds a config from flat name → value pairs; used by loadConfig and by tests. */
export function parseConfig(source: Source, problems: string[] = []): Config {
  const d = defaultConfig
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = source[name]
    if (raw === undefined) return fallback
    const n = typeof raw === 'number' ? raw : /^\d+$/.test(String(raw).trim()) ? Number(raw) : NaN
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}: expected a whole number from ${min} to ${max}, got "${String(raw)}"`)
      return fallback
    }
    return n
  }
  const list = (name: string, fallback: string[]) => {
    const raw = source[name]
    if (raw === undefined) return fallback
    const items = Array.isArray(raw) ? raw.map(String) : String(raw).split(/[\s,]+/)
    const clean = items.map((s) => s.trim()).filter(Boolean)
    for (const item of clean) {
      if (!isAddressOrRange(item)) problems.push(`${name}: "${item}" is not an IP address or CIDR range`)
    }
    return clean
  }
  const text = (name: string, fallback: string) => {
    const raw = source[name]
    return raw === undefined ? fallback : String(raw)
  }
  const lang = text('BILLGATE_LANG', d.lang)
  if (!supportedLanguages.includes(lang as Lang)) {
    problems.push(`BILLGATE_LANG: expected one of ${supportedLanguages.join(', ')}, got "${lang}"`)
  }
  const flag = (name: string, fallback: boolean) => {
    const raw = text(name, fallback ? 'on' : 'off')
    if (['on', 'true', '1'].includes(raw)) return true
    if (['off', 'false', '0'].includes(raw)) return false
    problems.push(`${name}: expected on or off, got "${raw}"`)
    return fallback
  }
  const durations = (name: string, fallback: number[]) => {
    const raw = source[name]
    if (raw === undefined) return fallback
    const items = (Array.isArray(raw) ? raw.map(String) : String(raw).split(/[\s,]+/)).map((s) => s.trim()).filter(Boolean)
    const ms = items.map(durationMs)
    if (!items.length || ms.some((n) => n === undefined)) {
      problems.push(`${name}: expected durations separated by commas (e.g. 1m,5m,30m,2h,12h,24h; a bare number is seconds), got "${String(raw)}"`)
      return fallback
    }
    return ms as number[]
  }
  const host = text('HOST', d.host)
  if (!host.trim()) problems.push('HOST: must not be empty')
  const dbPath = text('BILLGATE_DB', d.dbPath)
  const operatorName = text('BILLGATE_OPERATOR_NAME', d.operatorName)
  if (!operatorName.trim()) problems.push('BILLGATE_OPERATOR_NAME: must not be empty')
  const adminPassword = source.BILLGATE_ADMIN_PASSWORD === undefined ? undefined : String(source.BILLGATE_ADMIN_PASSWORD)
  if (adminPassword !== undefined && adminPassword.length < 8) {
    problems.push('BILLGATE_ADMIN_PASSWORD: must be at least 8 characters')
  }
  return {
    port: int('PORT', d.port, 0, 65535),
    host,
    dbPath,
    sessionIdle: int('BILLGATE_SESSION_IDLE', d.sessionIdle, 1, 365 * 86400),
    keyTtl: int('BILLGATE_KEY_TTL', d.keyTtl, 1, 30 * 86400),
    authinfoAllow: list('BILLGATE_AUTHINFO_ALLOW', d.authinfoAllow),
    trustedProxies: list('BILLGATE_TRUSTED_PROXIES', d.trustedProxies),
    lang: (supportedLanguages.includes(lang as Lang) ? lang : d.lang) as Lang,
    adminPassword,
    bodyLimit: int('BILLGATE_BODY_LIMIT', d.bodyLimit, 1024, 1024 * 1024 * 1024),
    authinfoCacheTtl: int('BILLGATE_AUTHINFO_CACHE_TTL', d.authinfoCacheTtl, 0, 3600),
    secureCookies: flag('BILLGATE_SECURE_COOKIES', d.secureCookies),
    replyCache: flag('BILLGATE_REPLY_CACHE', d.replyCache),
    operatorName,
    renewalInterval: int('BILLGATE_RENEWAL_INTERVAL', d.renewalInterval, 0, 86400),
    rpcMaxInFlight: int('BILLGATE_RPC_MAX_IN_FLIGHT', d.rpcMaxInFlight, 0, 1_000_000),
    rpcRatePerAddress: int('BILLGATE_RPC_RATE', d.rpcRatePerAddress, 0, 1_000_000),
    hookRetrySchedule: durations('BILLGATE_HOOK_RETRY_SCHEDULE', d.hookRetrySchedule),
    hookConcurrency: int('BILLGATE_HOOK_CONCURRENCY', d.hookConcurrency, 1, 256),
    hookPollInterval: int('BILLGATE_HOOK_POLL_INTERVAL', d.hookPollInterval, 10, 3_600_000),
    hookLeaseGrace: int('BILLGATE_HOOK_LEASE_GRACE', d.hookLeaseGrace, 100, 3_600_000),
    hookLogRetentionDays: int('BILLGATE_HOOK_LOG_DAYS', d.hookLogRetentionDays, 0, 36_500),
    lockout: {
      ...d.lockout,
      window: int('BILLGATE_LOCKOUT_WINDOW', d.lockout.window, 1, 86400),
      maxPerLogin: int('BILLGATE_LOCKOUT_MAX_LOGIN', d.lockout.maxPerLogin, 1, 1_000_000),
      maxPerAddress: int('BILLGATE_LOCKOUT_MAX_ADDRESS', d.lockout.maxPerAddress, 1, 1_000_000),
    },
  }
}

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `90`, `90s`, `500ms`, `5m`, `2h`, `1d` in ms (a bare number is seconds); undefined if not one of those. */
function durationMs(text: string): number | undefined {
  const m = /^(\d{1,9})(ms|s|m|h|d)?$/.exec(text)
  return m ? Number(m[1]) * durationUnits[m[2] ?? 's']! : undefined
}

/** A config for tests and embedding: defaults plus the given overrides. */
export type ConfigOverrides = Omit<Partial<Config>, 'lockout'> & { lockout?: Partial<LockoutConfig> }

export function makeConfig(overrides: ConfigOverrides = {}): Config {
  return { ...defaultConfig, ...overrides, lockout: { ...defaultConfig.lockout, ...overrides.lockout } }
}
