import { prolongService } from '../../billing/services'
import { Level } from '../../core/principal'
import { formatDate } from '../../format/time'
import { node } from '../../output/document'
import { defineFunction } from '../../core/registry'
import { aboutElement } from '../provisioning/proposed'
import { billingEnv, periodValues, requireItem } from './common'

/**
 * Renews a service for its own period or another its tariff offers, charging the client, from
 * the current expiry. Answers with the new expiry date, as `newexpiredate`.
 */
export const serviceProlong = defineFunction({
  name: 'service.prolong',
  kind: 'action',
  level: Level.user,
  before: aboutElement('clients.subscriptions.renew', 'item.edit'),
  writes: true,
  params: {
    elid: { type: 'int', min: 1, required: true },
    period: { type: 'enum', values: periodValues },
  },
  async run(ctx, values) {
    const item = await requireItem(ctx, String(values.elid))
    const months = values.period === undefined || values.period === '' ? item.period : Number(values.period)
    return [node('newexpiredate', formatDate(await prolongService(billingEnv(ctx), item, months)))]
  },
})
