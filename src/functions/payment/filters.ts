import { payments } from '../../db/schema/index'
import { contains, equals, fromDay, toDay } from '../../db/filter-where'
import type { ParamSpecs } from '../../core/params'
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

/** How each filter narrows the payments. */
export const paymentFilterRules = {
  account: equals(payments.accountId),
  status: equals(payments.status, Number),
  paymethod: equals(payments.paymethodId),
  number: contains(payments.number),
  sender: contains(payments.sender),
  created_from: fromDay(payments.createdAt),
  created_to: toDay(payments.createdAt),
}
