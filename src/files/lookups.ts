import { eq, sql } from 'drizzle-orm'
import { BoundedMap } from '../bounded-map'
import type { Db } from '../db/connection'
import { rowById } from '../db/query'
import { accounts, currencies, paymethods } from '../db/schema/index'
import { csvText, encodeCell } from '../output/csv'

/**
 * What a CSV file shows of other tables (a client's name, a currency's code and places), looked
 * up once per id and file rather than joined to every row: a million rows name a few thousand
 * clients. Names come as encoded CSV cells. Something deleted while the file is written shows
 * as an empty cell.
 */

export const emptyCell: Uint8Array = Buffer.alloc(0)

export interface CurrencyUnit {
  places: number
  code: Uint8Array
}

/** A value per key, read once per file. Keeps at most `limit` keys, the first read going first. */
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

const clientStatements = new WeakMap<Db, { get(values: { id: number }): { name: string; currencyId: number } | undefined }>()

/** A client's name and currency, by id: one prepared statement per database. */
function clientRow(db: Db, id: number) {
  let statement = clientStatements.get(db)
  if (!statement) {
    statement = db
      .select({ name: accounts.name, currencyId: accounts.currencyId })
      .from(accounts)
      .where(eq(accounts.id, sql.placeholder('id')))
      .prepare()
    clientStatements.set(db, statement)
  }
  return statement.get({ id })
}

/** A client's name, by the client's id. */
export function clientNames(db: Db): (id: number) => Uint8Array {
  return perKey((id) => encodeCell(csvText(clientRow(db, id)?.name)))
}

/** A currency's places and code, by the currency's id. */
export function currencyUnits(db: Db): (id: number) => CurrencyUnit {
  return perKey((id) => {
    const currency = rowById(db, currencies, currencies.id, String(id))
    return { places: currency?.places ?? 0, code: encodeCell(csvText(currency?.code)) }
  })
}

/** The currency a client's amounts are in, by the client's id. */
export function clientCurrencies(db: Db): (id: number) => CurrencyUnit {
  const units = currencyUnits(db)
  return perKey((id) => {
    const client = clientRow(db, id)
    return client ? units(client.currencyId) : { places: 0, code: emptyCell }
  })
}

/** A payment method's name, by its id. */
export function paymethodNames(db: Db): (id: number) => Uint8Array {
  return perKey((id) => encodeCell(csvText(rowById(db, paymethods, paymethods.id, String(id))?.name)))
}
