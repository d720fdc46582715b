import { invalid, type BillError } from '../core/errors'
import { clip } from '../format/text'
import { MoneyFormatError, parseAmount } from '../format/money'

/**
 * A batch of usage records as text: JSON (an array of records, or an object whose `records`
 * member is one) or CSV (a header line naming the columns, then one record per line). Checks
 * everything that needs no database; the service and its currency are checked on import.
 */

/** One record as read and checked; a given cost stays text until its currency's places are known. */
export interface UsageRecord {
  /** 1-based position in the batch (in CSV, the line after the header: record n is line n + 1). */
  n: number
  item: number
  startedAt: number
  quantity: number
  /** In millionths of the currency's major unit, whatever the currency. */
  unitPrice: number
  /** Decimal text given as the cost; undefined when it is to be computed. */
  cost?: string
}

const recordFields = ['item', 'start', 'quantity', 'unit_price', 'cost'] as const
type RecordField = (typeof recordFields)[number]
const requiredFields: readonly RecordField[] = ['item', 'start', 'quantity', 'unit_price']

/** An error about one field of one record: `object` is the field, `record` its position. */
export function recordError(n: number, field: string, value: string, reason: string, vars: Record<string, unknown> = {}): BillError {
  return invalid(field, clip(value), reason, { record: n, ...vars })
}

const badData = (reason: string, value = '', vars: Record<string, unknown> = {}) => invalid('data', clip(value), reason, vars)

export function parseBatch(text: string): UsageRecord[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const first = /\S/.exec(body)?.[0]
  const records = first === '[' || first === '{' ? parseJsonRecords(body) : parseCsvRecords(body)
  if (!records.length) throw badData('xdrempty')
  return records
}

function parseJsonRecords(text: string): UsageRecord[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw badData('xdrjson')
  }
  const list = Array.isArray(parsed) ? parsed : isObject(parsed) && Array.isArray(parsed.records) ? parsed.records : undefined
  if (!list) throw badData('xdrjsonshape')
  return list.map((entry: unknown, i: number) => {
    const n = i + 1
    if (!isObject(entry)) throw recordError(n, 'data', JSON.stringify(entry) ?? '', 'xdrrecord')
    const fields: Partial<Record<RecordField, string>> = {}
    for (const [name, value] of Object.entries(entry)) {
      if (!(recordFields as readonly string[]).includes(name)) throw recordError(n, name, '', 'xdrunknown')
      if (value === null || value === undefined) continue
      if (typeof value !== 'string' && typeof value !== 'number') throw recordError(n, name, JSON.stringify(value), 'xdrscalar')
      fields[name as RecordField] = String(value)
    }
    return recordOf(n, fields)
  })
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function parseCsvRecords(text: string): UsageRecord[] {
  const lines = text.split(/\r?\n/)
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop()
  if (!lines.length) throw badData('xdrempty')
  const header = csvFields(lines[0], 1).map((name) => name.toLowerCase())
  const known = header.every((name) => (recordFields as readonly string[]).includes(name))
  if (!known || new Set(header).size !== header.length || !requiredFields.every((name) => header.includes(name))) {
    throw badData('xdrheader', lines[0])
  }
  const columns = header as RecordField[]
  const records: UsageRecord[] = new Array(lines.length - 1)
  for (let i = 1; i < lines.length; i++) {
    const values = csvFields(lines[i], i + 1)
    if (values.length !== columns.length) {
      throw recordError(i, 'data', lines[i], 'xdrcolumns', { count: values.length, expected: columns.length })
    }
    const fields: Partial<Record<RecordField, string>> = {}
    for (let c = 0; c < columns.length; c++) if (values[c] !== '') fields[columns[c]] = values[c]
    records[i - 1] = recordOf(i, fields)
  }
  return records
}

/** The fields of one CSV line: comma-separated, optionally in double quotes ("" inside for one). */
function csvFields(line: string, lineNumber: number): string[] {
  if (!line.includes('"')) return line.split(',').map((field) => field.trim())
  const fields: string[] = []
  let at = 0
  for (;;) {
    while (line[at] === ' ' || line[at] === '\t') at++
    let value: string
    if (line[at] === '"') {
      value = ''
      at++
      for (;;) {
        const quote = line.indexOf('"', at)
        if (quote < 0) throw badData('xdrcsv', line, { line: lineNumber })
        value += line.slice(at, quote)
        at = quote + 1
        if (line[at] !== '"') break
        value += '"'
        at++
      }
      while (line[at] === ' ' || line[at] === '\t') at++
      if (at < line.length && line[at] !== ',') throw badData('xdrcsv', line, { line: lineNumber })
    } else {
      const comma = line.indexOf(',', at)
      const end = comma < 0 ? line.length : comma
      value = line.slice(at, end).trim()
      if (value.includes('"')) throw badData('xdrcsv', line, { line: lineNumber })
      at = end
    }
    fields.push(value)
    if (at >= line.length) return fields
    at++ // the comma
  }
}

const wholePattern = /^\d{1,15}$/
const decimalPattern = /^\d{1,16}(\.\d+)?$/

function recordOf(n: number, fields: Partial<Record<RecordField, string>>): UsageRecord {
  for (const name of requiredFields) if (fields[name] === undefined || fields[name] === '') throw recordError(n, name, '', 'xdrmissing')
  const item = fields.item!.trim()
  if (!wholePattern.test(item) || Number(item) < 1) throw recordError(n, 'item', item, 'xdritem')
  const start = fields.start!.trim()
  const startedAt = parseUtcTime(start, false)
  if (startedAt === undefined) throw recordError(n, 'start', start, 'xdrstart')
  const quantity = fields.quantity!.trim()
  if (!wholePattern.test(quantity)) throw recordError(n, 'quantity', quantity, 'xdrquantity')
  const price = fields.unit_price!.trim()
  const unitPrice = decimalPattern.test(price) ? unitPriceOf(price) : undefined
  if (unitPrice === undefined) throw recordError(n, 'unit_price', price, 'xdrprice', { places: unitPricePlaces })
  const record: UsageRecord = { n, item: Number(item), startedAt, quantity: Number(quantity), unitPrice }
  const cost = fields.cost?.trim()
  if (cost !== undefined && cost !== '') {
    if (!decimalPattern.test(cost)) throw recordError(n, 'cost', cost, 'xdrcost')
    record.cost = cost
  }
  return record
}

/** Unit prices are in millionths of the currency's major unit. */
export const unitPricePlaces = 6

function unitPriceOf(text: string): number | undefined {
  try {
    return parseAmount(text, unitPricePlaces)
  } catch (err) {
    if (err instanceof MoneyFormatError) return undefined
    throw err
  }
}

const timePattern = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?)?$/

/**
 * `YYYY-MM-DD HH:MM:SS` in UTC, or ISO 8601 (`T` between date and time, optional fraction of a
 * second, `Z` or an offset such as `+03:00`; without one it is UTC) → milliseconds. With
 * `dateAlone`, `YYYY-MM-DD` alone is midnight UTC of that day. Undefined when it is not a time.
 */
export function parseUtcTime(text: string, dateAlone: boolean): number | undefined {
  const m = timePattern.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s, fraction, zone] = m
  if (h === undefined && !dateAlone) return undefined
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h ?? 0)
  const minute = Number(mi ?? 0)
  const second = Number(s ?? 0)
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined
  let offset = 0
  if (zone && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '')
    const oh = Number(digits.slice(0, 2))
    const om = Number(digits.slice(2))
    if (oh > 23 || om > 59) return undefined
    offset = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000
  }
  const ms = fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset
}

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function daysIn(year: number, month: number): number {
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return leap ? 29 : monthDays[month - 1]
}

