import { scopeCondition } from '../../billing/scope'
import { formatUnitPrice } from '../../billing/xdrs'
import { scopeOf } from '../../core/access'
import { Level } from '../../core/principal'
import type { Db } from '../../db/connection'
import { filterWhere } from '../../db/filter-where'
import { xdrs } from '../../db/schema/index'
import { csvFile, type CsvExport } from '../../files/csv-export'
import { clientCurrencies, clientNames, perKey } from '../../files/lookups'
import { encodeCell } from '../../output/csv'
import { defineFunction, type FileSpec } from '../registry'
import { xdrFilterRules, xdrFilters } from './filters'

const columns = ['id', 'item', 'account', 'account_name', 'started', 'quantity', 'unit_price', 'cost', 'currency', 'expense'] as const

// The records alone: their clients' names and currencies are looked up once per client.
const fields = [xdrs.id, xdrs.itemId, xdrs.accountId, xdrs.startedAt, xdrs.quantity, xdrs.unitPrice, xdrs.cost, xdrs.expenseId]

type Row = [number, number, number, number, number, number, number, number | null]

/** More than any currency's decimal places (at most 4): unit prices are keyed by price and places. */
const placesKey = 32

function usageCsv(db: Db): CsvExport {
  const client = clientNames(db)
  const currency = clientCurrencies(db)
  // A service's records mostly share their unit price: each is written out once.
  const unitPrice = perKey((key) => encodeCell(formatUnitPrice(Math.floor(key / placesKey), key % placesKey)))
  return {
    name: 'xdrs',
    table: xdrs,
    id: xdrs.id,
    fields,
    columns,
    write(row, out) {
      const [id, item, account, started, quantity, price, cost, expense] = row as Row
      const { places, code } = currency(account)
      out.int(id).int(item).int(account).cell(client(account)).time(started).int(quantity)
      out.cell(unitPrice(price * placesKey + places)).amount(cost, places).cell(code).int(expense).end()
    },
  }
}

/** Usage records as CSV: every one the filter selects and the caller may see, in id order. */
export const xdrCsv: FileSpec = {
  format: 'csv',
  open(ctx, filter) {
    const where = filterWhere(xdrFilterRules, filter, scopeCondition(scopeOf(ctx.user), xdrs.accountId), ctx.db)
    return csvFile(ctx.db, usageCsv(ctx.db), where)
  },
}

/** The usage record list as a CSV file; each filter applies when given (no `filter=on`). */
export const xdrDownload = defineFunction({
  name: 'xdr.download',
  kind: 'file',
  level: Level.user,
  params: xdrFilters,
  file: { ...xdrCsv, route: 'xdrs/download' },
})
