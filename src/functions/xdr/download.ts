import { formatUnitPrice } from '../../billing/xdrs'
import type { Db } from '../../db/connection'
import { xdrs } from '../../db/schema/index'
import { csvExportOf, type CsvExport } from '../../files/csv-export'
import { clientCurrencies, clientNames, perKey } from '../../files/lookups'
import { encodeCell } from '../../output/csv'
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
    lookups: [
      [client, 2],
      [currency, 2],
    ],
    write(row, out) {
      const [id, item, account, started, quantity, price, cost, expense] = row as Row
      const { places, code } = currency(account)
      out.int(id).int(item).int(account).cell(client(account)).time(started).int(quantity)
      out.cell(unitPrice(price * placesKey + places)).amount(cost, places).cell(code).int(expense).end()
    },
  }
}

export const { file: xdrCsv, download: xdrDownload } = csvExportOf({
  name: 'xdr',
  route: 'xdrs/download',
  filters: xdrFilters,
  rules: xdrFilterRules,
  accountColumn: xdrs.accountId,
  rows: usageCsv,
})
