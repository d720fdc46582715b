import { closeService, resumeService, suspendService } from '../../billing/services'
import { Level } from '../../core/principal'
import { defineFunction } from '../../core/registry'
import { aboutElement } from '../provisioning/proposed'
import { billingEnv, visibleItem } from './common'

/** An operator suspends active services. */
export const itemSuspend = defineFunction({
  name: 'item.suspend',
  kind: 'group',
  level: Level.reseller,
  before: aboutElement('clients.subscriptions.deactivate', 'item.edit'),
  async each(ctx, id) {
    const item = await visibleItem(ctx, id)
    if (item) await suspendService(billingEnv(ctx), item)
  },
})

/** Resumes suspended services; one whose paid time ended is renewed (and charged) first. */
export const itemResume = defineFunction({
  name: 'item.resume',
  kind: 'group',
  level: Level.reseller,
  before: aboutElement('clients.subscriptions.activate', 'item.edit'),
  async each(ctx, id) {
    const item = await visibleItem(ctx, id)
    if (item) await resumeService(billingEnv(ctx), item)
  },
})

/** Closes services; what was paid is not given back. */
export const itemDelete = defineFunction({
  name: 'item.delete',
  kind: 'group',
  level: Level.reseller,
  before: aboutElement('clients.subscriptions.close', 'item.edit'),
  async each(ctx, id) {
    const item = await visibleItem(ctx, id)
    if (item) await closeService(billingEnv(ctx), item)
  },
})
