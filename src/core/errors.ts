export const errorTypes = ['auth', 'access', 'missed', 'value', 'exists', 'xml', 'internal'] as const
export type ErrorType = (typeof errorTypes)[number]

/** Stable numeric code per type, carried in the `code` attribute. */
export const errorCodes: Record<ErrorType, number> = {
  auth: 1,
  access: 2,
  missed: 3,
  value: 4,
  exists: 5,
  xml: 6,
  internal: 7,
}

/**
 * The one error a function, the core or a door raises. `object` names what is wrong (a
 * parameter, `func`, `elid`, `session`…), `value` what was sent. The message is localised when the
 * reply is built, from `errors:<type>.<object>` or `errors:<type>._`, with `vars`.
 */
export class BillError extends Error {
  constructor(
    readonly type: ErrorType,
    readonly object: string,
    readonly value: string = '',
    readonly vars: Record<string, unknown> = {},
    /** A specific message key, when the type and object alone do not say enough. */
    readonly messageKey?: string,
  ) {
    super(`${type}(${object})${value ? ` ${value}` : ''}`)
  }
}

/**
 * The database stayed locked by another writer (an import from the command line) for longer than
 * the busy timeout: the call did nothing and may simply be sent again, after this many seconds.
 */
export const busyRetrySeconds = 2
export const isBusy = (err: BillError | undefined): boolean => err?.type === 'internal' && err.object === 'busy'

export const missed = (object: string, value = '', vars: Record<string, unknown> = {}) =>
  new BillError('missed', object, value, vars)
export const invalid = (object: string, value: string, reason: string, vars: Record<string, unknown> = {}) =>
  new BillError('value', object, value, vars, `errors:value.${reason}`)
export const denied = (object: string, value = '') => new BillError('access', object, value)
export const taken = (object: string, value: string) => new BillError('exists', object, value)
export const authFailed = (object: string) => new BillError('auth', object)
export const malformed = (object: string, value = '', reason = '_') =>
  new BillError('xml', object, value, {}, `errors:xml.${reason}`)
