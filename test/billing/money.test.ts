import { describe, expect, it } from 'vitest'
import { MoneyFormatError, formatAmount, formatIso, mulDivRound, parseAmount } from '../../src/format/money'

describe('money', () => {
  it('parses decimal strings into minor units without floats', () => {
    expect(parseAmount('100', 2)).toBe(10000)
    expect(parseAmount('100.5', 2)).toBe(10050)
    expect(parseAmount('0.07', 2)).toBe(7)
    expect(parseAmount('-0.25', 2)).toBe(-25)
    expect(parseAmount('-0', 2)).toBe(0)
    expect(parseAmount('12', 0)).toBe(12)
    expect(parseAmount('0.1', 3)).toBe(100)
    // 0.1 + 0.2 is exact here.
    expect(parseAmount('0.1', 2) + parseAmount('0.2', 2)).toBe(parseAmount('0.3', 2))
  })

  it('refuses what is not an amount of the currency', () => {
    for (const bad of ['', 'abc', '1e3', '1,5', '.5', '5.', '1.2.3', ' - 1', '0x10', 'Infinity', 'NaN']) {
      expect(() => parseAmount(bad, 2), bad).toThrow(MoneyFormatError)
    }
    expect(() => parseAmount('1.001', 2)).toThrow(/places/)
    expect(() => parseAmount('1.5', 0)).toThrow(/places/)
    expect(() => parseAmount('99999999999999999', 2)).toThrow(MoneyFormatError)
  })

  it('formats with exactly the currency places', () => {
    expect(formatAmount(10000, 2)).toBe('100.00')
    expect(formatAmount(7, 2)).toBe('0.07')
    expect(formatAmount(-25, 2)).toBe('-0.25')
    expect(formatAmount(0, 2)).toBe('0.00')
    expect(formatAmount(12, 0)).toBe('12')
    expect(formatAmount(1, 3)).toBe('0.001')
    expect(formatIso(10000, 2, 'USD')).toBe('100.00 USD')
    expect(() => formatAmount(1.5, 2)).toThrow(RangeError)
  })

  it('round-trips every amount it formats', () => {
    for (const minor of [0, 1, -1, 99, 100, 123456789, -987654321, 10 ** 15]) {
      for (const places of [0, 2, 3]) expect(parseAmount(formatAmount(minor, places), places)).toBe(minor)
    }
  })

  it('multiplies and divides with half-up rounding, away from zero at one half', () => {
    expect(mulDivRound(1000, 1, 3)).toBe(333)
    expect(mulDivRound(1000, 2, 3)).toBe(667)
    expect(mulDivRound(5, 1, 2)).toBe(3)
    expect(mulDivRound(-5, 1, 2)).toBe(-3)
    expect(mulDivRound(4, 1, 2)).toBe(2)
    expect(mulDivRound(10 ** 15, 3, 1)).toBe(3 * 10 ** 15)
    expect(() => mulDivRound(1, 1, 0)).toThrow(RangeError)
  })
})
