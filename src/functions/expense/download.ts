import type { Db } from '../../db/connection'
import { expenses } from '../../db/schema/index'
import { csvExportOf, type CsvExport } from '../../files/csv-export'
import { clientNames, currencyUnits } from '../../files/lookups'
import { expenseFilterRules, expenseFilters } from './filters'

const columns = ['id', 'account', 'account_name', 'item', 'amount', 'currency', 'created', 'description', 'invoice'] as const

// The expenses alone: their clients' names and currencies are looked up once each.
const fields = [
  expenses.id,
  expenses.accountId,
  expenses.itemId,
  expenses.amount,
  expenses.currencyId,
  expenses.createdAt,
  expenses.description,
  expenses.invoiceId,
]

type Row = [number, number, number | null, number, number, number, string, number | null]

function expensesCsv(db: Db): CsvExport {
  const client = clientNames(db)
  const currency = currencyUnits(db)
  return {
    name: 'expenses',
    table: expenses,
    id: expenses.id,
    fields,
    columns,
    lookups: [
      [client, 1],
      [currency, 4],
    ],
    write(row, out) {
      const [id, account, item, amount, currencyId, created, description, invoice] = row as Row
      const { places, code } = currency(currencyId)
      out.int(id).int(account).cell(client(account)).int(item).amount(amount, places).cell(code)
      out.time(created).text(description).int(invoice).end()
    },
  }
}

export const { file: expenseCsv, download: expenseDownload } = csvExportOf({
  name: 'expense',
  route: 'expenses/download',
  filters: expenseFilters,
  rules: expenseFilterRules,
  accountColumn: expenses.accountId,
  rows: expensesCsv,
})
