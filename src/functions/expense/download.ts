import { scopeCondition } from '../../billing/scope'
import { scopeOf } from '../../core/access'
import { Level } from '../../core/principal'
import type { Db } from '../../db/connection'
import { filterWhere } from '../../db/filter-where'
import { expenses } from '../../db/schema/index'
import { csvFile, type CsvExport } from '../../files/csv-export'
import { clientNames, currencyUnits } from '../../files/lookups'
import { defineFunction, type FileSpec } from '../registry'
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
    write(row, out) {
      const [id, account, item, amount, currencyId, created, description, invoice] = row as Row
      const { places, code } = currency(currencyId)
      out.int(id).int(account).cell(client(account)).int(item).amount(amount, places).cell(code)
      out.time(created).text(description).int(invoice).end()
    },
  }
}

/** Expenses as CSV: every one the filter selects and the caller may see, in id order. */
export const expenseCsv: FileSpec = {
  format: 'csv',
  open(ctx, filter) {
    const where = filterWhere(expenseFilterRules, filter, scopeCondition(scopeOf(ctx.user), expenses.accountId), ctx.db)
    return csvFile(ctx.db, expensesCsv(ctx.db), where)
  },
}

/** The expense list as a CSV file; each filter applies when given (no `filter=on`). */
export const expenseDownload = defineFunction({
  name: 'expense.download',
  kind: 'file',
  level: Level.user,
  params: expenseFilters,
  file: { ...expenseCsv, route: 'expenses/download' },
})
