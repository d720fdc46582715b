import type { Db } from '../../db/connection'
import { payments } from '../../db/schema/index'
import { csvExportOf, type CsvExport } from '../../files/csv-export'
import { clientNames, currencyUnits, emptyCell, paymethodNames } from '../../files/lookups'
import { paymentFilterRules, paymentFilters } from './filters'

const columns = ['id', 'number', 'account', 'account_name', 'paymethod', 'amount', 'currency', 'status', 'created', 'paid', 'sender'] as const

// The payments alone: their clients', currencies' and methods' names are looked up once each.
const fields = [
  payments.id,
  payments.number,
  payments.accountId,
  payments.paymethodId,
  payments.amount,
  payments.currencyId,
  payments.status,
  payments.createdAt,
  payments.paidAt,
  payments.sender,
]

type Row = [number, string, number, number | null, number, number, number, number, number | null, string]

function paymentsCsv(db: Db): CsvExport {
  const client = clientNames(db)
  const currency = currencyUnits(db)
  const method = paymethodNames(db)
  return {
    name: 'payments',
    table: payments,
    id: payments.id,
    fields,
    columns,
    lookups: [
      [client, 2],
      [method, 3],
      [currency, 5],
    ],
    write(row, out) {
      const [id, number, account, paymethod, amount, currencyId, status, created, paid, sender] = row as Row
      const { places, code } = currency(currencyId)
      out.int(id).text(number).int(account).cell(client(account))
      out.cell(paymethod === null ? emptyCell : method(paymethod)).amount(amount, places).cell(code)
      out.int(status).time(created).time(paid).text(sender).end()
    },
  }
}

export const { file: paymentCsv, download: paymentDownload } = csvExportOf({
  name: 'payment',
  route: 'payments/download',
  filters: paymentFilters,
  rules: paymentFilterRules,
  accountColumn: payments.accountId,
  rows: paymentsCsv,
})
