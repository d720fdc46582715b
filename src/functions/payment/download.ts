import { scopeCondition } from '../../billing/scope'
import { scopeOf } from '../../core/access'
import { Level } from '../../core/principal'
import { filterWhere } from '../../db/filter-where'
import type { Db } from '../../db/connection'
import { payments } from '../../db/schema/index'
import { csvFile, type CsvExport } from '../../files/csv-export'
import { clientNames, currencyUnits, emptyCell, paymethodNames } from '../../files/lookups'
import { defineFunction, type FileSpec } from '../registry'
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
    write(row, out) {
      const [id, number, account, paymethod, amount, currencyId, status, created, paid, sender] = row as Row
      const { places, code } = currency(currencyId)
      out.int(id).text(number).int(account).cell(client(account))
      out.cell(paymethod === null ? emptyCell : method(paymethod)).amount(amount, places).cell(code)
      out.int(status).time(created).time(paid).text(sender).end()
    },
  }
}

/** Payments as CSV: every one the filter selects and the caller may see, in id order. */
export const paymentCsv: FileSpec = {
  format: 'csv',
  open(ctx, filter) {
    const where = filterWhere(paymentFilterRules, filter, scopeCondition(scopeOf(ctx.user), payments.accountId), ctx.db)
    return csvFile(ctx.db, paymentsCsv(ctx.db), where)
  },
}

/** The payment list as a CSV file; each filter applies when given (no `filter=on`). */
export const paymentDownload = defineFunction({
  name: 'payment.download',
  kind: 'file',
  level: Level.user,
  params: paymentFilters,
  file: { ...paymentCsv, route: 'payments/download' },
})
