import { invalid } from '../core/errors'
import { MoneyFormatError, parseAmount } from '../format/money'

/** A validated decimal amount of a field → minor units of a currency with `places` decimals. */
export function amountOf(field: string, text: string, places: number): number {
  try {
    return parseAmount(text, places)
  } catch (err) {
    if (!(err instanceof MoneyFormatError)) throw err
    throw invalid(field, text, err.reason === 'places' ? 'moneyplaces' : 'money', { places })
  }
}

/** An optional amount: empty means none. */
export function optionalAmountOf(field: string, text: string | undefined, places: number): number | null | undefined {
  if (text === undefined) return undefined
  return text === '' ? null : amountOf(field, text, places)
}
