import { orderService, type Item } from '../../billing/services'
import type { Values } from '../../core/params'
import { Level } from '../../core/principal'
import { formatDate } from '../../format/time'
import { node } from '../../output/document'
import { updateById } from '../../db/query'
import { items } from '../../db/schema/index'
import { accountPlaces, serviceFields } from '../../events/snapshots'
import { defineFunction, type FunctionContext } from '../../core/registry'
import { created } from '../provisioning/proposed'
import { billingEnv, orderableTariffs, orderingAccount, periodValues, requireTariff, statusValues, visibleItem } from './common'

/** What an order names: the client (a client user's own by default), tariff, period, name, auto-renewal. */
const orderParams = {
  account: { type: 'int', min: 1, fixed: true },
  pricelist: { type: 'int', min: 1, required: true, fixed: true },
  period: { type: 'enum', values: periodValues, required: true, fixed: true },
  name: { type: 'string', max: 128 },
  auto_renew: { type: 'flag', default: 'on' },
} as const

async function placeOrder(ctx: FunctionContext, values: Values): Promise<Item> {
  const account = await orderingAccount(ctx, values.account)
  const tariff = await requireTariff(ctx.db, String(values.pricelist))
  return orderService(billingEnv(ctx), {
    account,
    tariff,
    period: Number(values.period),
    name: values.name === undefined ? '' : String(values.name),
    autoRenew: values.auto_renew !== false,
  })
}

/**
 * Orders a service: active at once when the client can pay the setup fee and first period,
 * otherwise ordered until a payment arrives. Answers with the service's id and status.
 */
export const itemOrder = defineFunction({
  name: 'item.order',
  kind: 'action',
  level: Level.user,
  before: created('clients.subscriptions.assign'),
  writes: true,
  params: orderParams,
  choicesFrom: 'item.edit',
  async run(ctx, values) {
    const item = await placeOrder(ctx, values)
    return [node('id', item.id), node('status', item.status), node('expires', item.expiresAt === null ? '' : formatDate(item.expiresAt))]
  },
})

/**
 * A service: viewed; created by ordering; updated in its name and auto-renewal only (its client,
 * tariff and period are fixed once ordered).
 */
export const itemEdit = defineFunction({
  name: 'item.edit',
  kind: 'form',
  level: Level.user,
  fields: {
    ...orderParams,
    status: { type: 'enum', values: statusValues, readonly: true },
    expires: { type: 'date', readonly: true },
    cost: { type: 'money', readonly: true },
  },
  choices: async (ctx) => ({ pricelist: await orderableTariffs(ctx.db) }),
  async load(ctx, id) {
    const item = await visibleItem(ctx, id)
    return item && serviceFields(item, await accountPlaces(ctx.db, item.accountId))
  },
  async save(ctx, values, id) {
    if (id === undefined) return (await placeOrder(ctx, values)).id
    const item = (await visibleItem(ctx, id))!
    const changes: Partial<Pick<Item, 'name' | 'autoRenew'>> = {}
    if (values.name !== undefined) changes.name = String(values.name)
    if (values.auto_renew !== undefined) changes.autoRenew = values.auto_renew === true
    await updateById(ctx.db, items, items.id, item.id, changes)
    return item.id
  },
})
