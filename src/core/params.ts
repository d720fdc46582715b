import { isLang } from '../i18n/index'
import { isAddressOrRange, splitAddressList } from '../net/addresses'
import { invalid, missed } from './errors'
import { clip } from '../format/text'

export type ParamType =
  | 'string'
  | 'text'
  | 'int'
  | 'flag'
  | 'enum'
  | 'password'
  | 'email'
  | 'date'
  | 'login'
  | 'lang'
  | 'addresses'
  | 'currency'
  | 'money'

export interface ParamSpec {
  type: ParamType
  /** Must be given (for forms: when creating). */
  required?: boolean
  default?: string
  /** Allowed values of an enum. */
  values?: readonly string[]
  /** Never echoed, logged or shown. Implied by the password type. */
  secret?: boolean
  /** Longest string, or largest number. */
  max?: number
  /** Shortest string, or smallest number. */
  min?: number
  /** Shown in forms but never set by a call. */
  readonly?: boolean
  /**
   * Set when the element is created, then fixed (a payment's client, a currency's code): an
   * update may repeat the current value; any other is refused.
   */
  fixed?: boolean
}

export type ParamSpecs = Record<string, ParamSpec>
export type Value = string | number | boolean
export type Values = Record<string, Value>

/** Names of request parameters that must never be echoed or logged, whatever the function. */
export const alwaysSecret = new Set(['password', 'passwd', 'confirm', 'authinfo', 'auth', 'key', 'csrf'])

export function isSecret(name: string, spec?: ParamSpec): boolean {
  return alwaysSecret.has(name) || spec?.type === 'password' || spec?.secret === true
}

const defaultMax: Partial<Record<ParamType, number>> = {
  string: 255,
  text: 4000,
  password: 256,
  email: 254,
  login: 64,
  addresses: 4000,
}

// Control characters have no place in a one-line value; text keeps tab and line breaks.
const lineControl = /[\u0000-\u001F\u007F]/
const textControl = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/
const emailPattern = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/
const loginPattern = /^[A-Za-z0-9][A-Za-z0-9_.@-]*$/
const intPattern = /^-?\d{1,15}$/

/** Checks one value against its declaration; returns it typed. */
export function parseValue(name: string, spec: ParamSpec, raw: string): Value {
  const max = spec.max ?? defaultMax[spec.type]
  if (spec.type !== 'int' && max !== undefined && [...raw].length > max) {
    throw invalid(name, clip(raw), 'toolong', { max })
  }
  if (spec.type !== 'int' && spec.min !== undefined && [...raw].length < spec.min) {
    throw invalid(name, spec.type === 'password' ? '' : clip(raw), 'tooshort', { min: spec.min })
  }
  switch (spec.type) {
    case 'int': {
      const text = raw.trim()
      if (!intPattern.test(text)) throw invalid(name, clip(raw), 'int')
      const n = Number(text)
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        throw invalid(name, clip(raw), 'range', { min: spec.min ?? '', max: spec.max ?? '' })
      }
      return n
    }
    case 'flag':
      if (raw === 'on') return true
      if (raw === 'off' || raw === '') return false
      throw invalid(name, clip(raw), 'flag')
    case 'enum':
      if (!spec.values?.includes(raw)) {
        throw invalid(name, clip(raw), 'enum', { values: spec.values?.join(', ') ?? '' })
      }
      return raw
    case 'email':
      if (raw !== '' && !emailPattern.test(raw)) throw invalid(name, clip(raw), 'email')
      return raw
    case 'date': {
      if (!isDate(raw)) throw invalid(name, clip(raw), 'date')
      return raw
    }
    case 'login':
      if (!loginPattern.test(raw)) throw invalid(name, clip(raw), 'login')
      return raw
    case 'currency':
      if (!/^[A-Z]{3}$/.test(raw)) throw invalid(name, clip(raw), 'currency')
      return raw
    case 'money':
      // Digits only here; the currency's places are checked where the currency is known.
      if (!/^\d{1,16}(\.\d{1,8})?$/.test(raw)) throw invalid(name, clip(raw), 'money')
      return raw
    case 'lang':
      if (raw !== '' && !isLang(raw)) throw invalid(name, clip(raw), 'enum', { values: 'en, ru' })
      return raw
    case 'addresses': {
      const items = splitAddressList(raw)
      const bad = items.find((item) => !isAddressOrRange(item))
      if (bad) throw invalid(name, clip(bad), 'address')
      return items.join(', ')
    }
    case 'text':
      if (textControl.test(raw)) throw invalid(name, clip(raw), 'control')
      return raw
    default:
      if (lineControl.test(raw)) throw invalid(name, spec.type === 'password' ? '' : clip(raw), 'control')
      return raw
  }
}

function isDate(raw: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])
}

export interface ParseOptions {
  /** Enforce `required` (creating); when false, absent values are simply not returned. */
  requireAll: boolean
  /** Fill declared defaults for absent values. */
  withDefaults: boolean
}

/** Refuses an update that would change a field fixed once the element exists. */
export function refuseFixedChanges(specs: ParamSpecs, values: Values, current: Record<string, unknown>): void {
  for (const [name, spec] of Object.entries(specs)) {
    const given = values[name]
    if (!spec.fixed || given === undefined || given === '') continue
    if (String(given) !== String(current[name] ?? '')) throw invalid(name, clip(String(given)), 'fixed')
  }
}

/** Validates the declared parameters found in a call; unknown parameters are ignored. */
export function parseParams(specs: ParamSpecs, given: Record<string, string>, options: ParseOptions): Values {
  const out: Values = {}
  for (const name in specs) {
    const spec = specs[name]
    if (spec.readonly) continue
    let raw: string | undefined = given[name]
    // An empty secret on update means "leave it as it is" (a password box left blank).
    if (raw === '' && !options.requireAll && isSecret(name, spec)) raw = undefined
    if (raw === undefined) {
      if (options.requireAll && spec.required) throw missed(name)
      if (options.withDefaults && spec.default !== undefined) out[name] = parseValue(name, spec, spec.default)
      continue
    }
    if (raw === '' && spec.type !== 'flag') {
      if (spec.required) throw missed(name)
      if (spec.type !== 'enum' || !spec.values?.includes('')) {
        out[name] = ''
        continue
      }
    }
    out[name] = parseValue(name, spec, raw)
  }
  return out
}
