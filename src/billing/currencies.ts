import type { Db } from '../db/connection'
import { rowWithId } from '../db/query'
import { currencies } from '../db/schema/index'
import { memoised, tableNames } from '../db/table-changes'

const currencyTables = tableNames(currencies)

export type Currency = typeof currencies.$inferSelect

/** A currency by id, kept in memory until currencies may have changed: read on nearly every money call. */
export function currencyOf(db: Db, id: number): Promise<Currency | undefined> {
  return memoised(db, `currency:${id}`, currencyTables, () => rowWithId(db, currencies, currencies.id, id))
}
