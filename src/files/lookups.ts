import { inArray } from 'drizzle-orm'
import { BoundedMap } from '../bounded-map'
import type { Db } from '../db/connection'
import { accounts, currencies, paymethods } from '../db/schema/index'
import { csvText, encodeCell } from '../output/csv'

/**
 * What a CSV file shows of other tables (a client's name, a currency's code and places), looked
 * up once per id and file rather than joined to every row: a million rows name a few thousand
 * clients. The ids a window of rows names are read together before its rows are written
 * (`load`), and then given at once to each row (the lookup called as a function). Names come as
 * encoded CSV cells. Something deleted while the file is written shows as an empty cell.
 */

export const emptyCell: Uint8Array = Buffer.alloc(0)

export interface CurrencyUnit {
  places: number
  code: Uint8Array
}

/** A value per id of another table: read (`load`) for a window's rows, then given synchronously. */
export interface Lookup<T> {
  /** The value of an id loaded before. */
  (id: number): T
  /** Reads the values of those ids (nulls skipped) not known yet. */
  load(ids: Iterable<number | null>): Promise<void>
}

/** Ids a statement is given at most, well within either database's limit on parameters. */
const idsPerRead = 500

/**
 * More ids than a window's rows can name (its widest is 16,384 ids): every id a window loads is
 * among the most recently used, so none is dropped before the window's rows are written.
 */
const keptIds = 20_000

/** A value per key, computed once per file. Keeps at most `limit` keys, the first computed going first. */
export function perKey<T>(read: (key: number) => T, limit = 10_000): (key: number) => T {
  const known = new BoundedMap<number, T>({ maxEntries: limit })
  return (key) => {
    // peek: once per row, and the order of use is not worth keeping at that rate.
    let value = known.peek(key)
    if (value === undefined) {
      value = read(key)
      known.set(key, value)
    }
    return value
  }
}

/**
 * A lookup whose values `read` gives for a list of ids (those it does not give being `absent`).
 * Calling it with an id that was not loaded is a mistake of the export, not of the data.
 */
export function lookup<T>(read: (ids: number[]) => Promise<Map<number, T>>, absent: T): Lookup<T> {
  const known = new BoundedMap<number, T>({ maxEntries: keptIds })
  const valueOf = (id: number): T => {
    const value = known.peek(id)
    if (value === undefined) throw new Error(`id ${id} was looked up before it was loaded`)
    return value
  }
  const load = async (ids: Iterable<number | null>): Promise<void> => {
    const wanted = new Set<number>()
    for (const id of ids) if (id !== null) wanted.add(id)
    // get, not peek: what this window uses becomes the most recent and stays.
    const missing = [...wanted].filter((id) => known.get(id) === undefined)
    for (let i = 0; i < missing.length; i += idsPerRead) {
      const part = missing.slice(i, i + idsPerRead)
      const found = await read(part)
      for (const id of part) known.set(id, found.get(id) ?? absent)
    }
  }
  return Object.assign(valueOf, { load })
}

/** A client's name, by the client's id. */
export function clientNames(db: Db): Lookup<Uint8Array> {
  return lookup(async (ids) => {
    const rows = await db.select({ id: accounts.id, name: accounts.name }).from(accounts).where(inArray(accounts.id, ids))
    return new Map(rows.map((row) => [row.id, encodeCell(csvText(row.name))]))
  }, emptyCell)
}

/** A currency's places and code, by the currency's id. */
export function currencyUnits(db: Db): Lookup<CurrencyUnit> {
  return lookup(
    async (ids) => {
      const rows = await db.select({ id: currencies.id, places: currencies.places, code: currencies.code }).from(currencies).where(inArray(currencies.id, ids))
      return new Map(rows.map((row) => [row.id, { places: row.places, code: encodeCell(csvText(row.code)) }]))
    },
    { places: 0, code: emptyCell },
  )
}

/** The currency a client's amounts are in, by the client's id. */
export function clientCurrencies(db: Db): Lookup<CurrencyUnit> {
  const units = currencyUnits(db)
  return lookup(
    async (ids) => {
      const rows = await db.select({ id: accounts.id, currencyId: accounts.currencyId }).from(accounts).where(inArray(accounts.id, ids))
      await units.load(rows.map((row) => row.currencyId))
      return new Map(rows.map((row) => [row.id, units(row.currencyId)]))
    },
    { places: 0, code: emptyCell },
  )
}

/** A payment method's name, by its id. */
export function paymethodNames(db: Db): Lookup<Uint8Array> {
  return lookup(async (ids) => {
    const rows = await db.select({ id: paymethods.id, name: paymethods.name }).from(paymethods).where(inArray(paymethods.id, ids))
    return new Map(rows.map((row) => [row.id, encodeCell(csvText(row.name))]))
  }, emptyCell)
}
