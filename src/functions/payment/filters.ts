import type { AnyColumn } from 'drizzle-orm'
import { payments } from '../../db/schema/index'
import { equals, fromDay, matching, toDay, type FilterRule } from '../../db/filter-where'
import { containsPattern } from '../../db/query'
import type { ParamSpecs } from '../../core/params'
import { likeAnyCase } from '../list-filter'
import { paymentStatusValues } from './access'

/** What the payment list (and its CSV file) can be filtered on. */
export const paymentFilters = {
  account: { type: 'int', min: 1 },
  status: { type: 'enum', values: paymentStatusValues },
  paymethod: { type: 'int', min: 1 },
  number: { type: 'string', max: 64 },
  sender: { type: 'string', max: 255 },
  created_from: { type: 'date' },
  created_to: { type: 'date' },
} satisfies ParamSpecs

/** The column contains the text literally, in any case. */
function containsAnyCase(column: AnyColumn): FilterRule {
  return matching((p) => likeAnyCase(column, p), (v) => containsPattern(String(v)))
}

/** How each filter narrows the payments. */
export const paymentFilterRules = {
  account: equals(payments.accountId),
  status: equals(payments.status, Number),
  paymethod: equals(payments.paymethodId),
  number: containsAnyCase(payments.number),
  sender: containsAnyCase(payments.sender),
  created_from: fromDay(payments.createdAt),
  created_to: toDay(payments.createdAt),
}
