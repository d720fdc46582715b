/**
 * Money is held as whole numbers of the currency's smallest unit (cents, kopecks) and written as
 * decimal strings with the currency's places. Never a float: parsing and formatting work on the
 * digits, and rounding is explicit and half-up.
 */

/** Largest amount kept exactly: well inside Number.MAX_SAFE_INTEGER for any number of places. */
export const maxMinorUnits = 10 ** 15

export class MoneyFormatError extends Error {
  constructor(
    readonly reason: 'format' | 'places' | 'range',
    readonly text: string,
  ) {
    super(`${reason}: ${text}`)
  }
}

/** "100", "100.5", "-0.25" → minor units, for a currency with `places` decimals. */
export function parseAmount(text: string, places: number): number {
  const m = /^(-)?(\d{1,16})(?:\.(\d+))?$/.exec(text.trim())
  if (!m) throw new MoneyFormatError('format', text)
  const fraction = m[3] ?? ''
  if (fraction.length > places) throw new MoneyFormatError('places', text)
  const digits = `${m[2]}${fraction.padEnd(places, '0')}`
  const value = Number(digits)
  if (value > maxMinorUnits) throw new MoneyFormatError('range', text)
  return m[1] && value !== 0 ? -value : value
}

/** Minor units → "100.00" with exactly `places` decimals. */
export function formatAmount(minor: number, places: number): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not a whole amount: ${minor}`)
  const sign = minor < 0 ? '-' : ''
  const digits = String(Math.abs(minor)).padStart(places + 1, '0')
  if (places === 0) return `${sign}${digits}`
  return `${sign}${digits.slice(0, -places)}.${digits.slice(-places)}`
}

/** "100.00 USD", as the `*_iso` columns show amounts. */
export function formatIso(minor: number, places: number, code: string): string {
  return `${formatAmount(minor, places)} ${code}`
}

/**
 * minor × numerator / denominator, rounded half-up (away from zero at exactly one half), in
 * integers: for prices per unit and per period, one line at a time.
 */
export function mulDivRound(minor: number, numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(minor) || !Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new RangeError('mulDivRound takes whole numbers and a positive denominator')
  }
  const product = BigInt(minor) * BigInt(numerator)
  const d = BigInt(denominator)
  const negative = product < 0n
  const magnitude = negative ? -product : product
  let quotient = magnitude / d
  if ((magnitude % d) * 2n >= d) quotient += 1n
  const result = Number(negative ? -quotient : quotient)
  if (!Number.isSafeInteger(result)) throw new RangeError('amount out of range')
  return result
}
