import type { ParamSpecs } from '../../core/params'
import { equals, fromDay, toDay } from '../../db/filter-where'
import { expenses } from '../../db/schema/index'

/** What the expense list (and its CSV file) can be filtered on. */
export const expenseFilters = {
  account: { type: 'int', min: 1 },
  item: { type: 'int', min: 1 },
  created_from: { type: 'date' },
  created_to: { type: 'date' },
} satisfies ParamSpecs

/** How each filter narrows the expenses. */
export const expenseFilterRules = {
  account: equals(expenses.accountId),
  item: equals(expenses.itemId),
  created_from: fromDay(expenses.createdAt),
  created_to: toDay(expenses.createdAt),
}
