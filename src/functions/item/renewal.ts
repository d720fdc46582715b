import { hasDue, renewDue } from '../../billing/services'
import type { Dispatcher } from '../../core/dispatch'
import { Level } from '../../core/principal'
import type { Store } from '../../db/store'
import { node } from '../../output/document'
import { defineFunction } from '../../core/registry'

/**
 * The renewal pass on demand: renews the services whose paid time has ended, suspends those
 * that cannot be paid or do not renew themselves. Answers with how many of each.
 */
export const itemRenewal = defineFunction({
  name: 'item.renewal',
  kind: 'action',
  level: Level.admin,
  writes: true,
  params: {},
  async run(ctx) {
    const counts = await renewDue(ctx.store, ctx.now, ctx.services.config.lang)
    return [node('renewed', counts.renewed), node('suspended', counts.suspended), node('expired', counts.expired)]
  },
})

export interface RenewalSchedule {
  /** Runs the pass now if anything is due. */
  tick(): Promise<void>
  stop(): void
}

/**
 * Runs the renewal pass every `intervalMs` (none when 0) as local root through the dispatcher,
 * so each pass that finds work is audited and seen by the caches. Passes with nothing due are
 * skipped before they reach the audit log.
 */
export function scheduleRenewal(deps: {
  dispatcher: Dispatcher
  store: Store
  clock: () => number
  intervalMs: number
  log: (message: string, err: unknown) => void
}): RenewalSchedule {
  let running = false
  const tick = async () => {
    if (running) return
    running = true
    try {
      if (!(await hasDue(deps.store.db, deps.clock()))) return
      const outcome = await deps.dispatcher.execute({
        func: itemRenewal.name,
        params: {},
        sok: true,
        credentials: { local: true },
        address: 'local',
        userAgent: 'billgate renewal',
        secure: false,
        binary: '/billmgr',
      })
      if (outcome.error) deps.log('the renewal pass failed', outcome.error)
    } catch (err) {
      deps.log('the renewal pass failed', err)
    } finally {
      running = false
    }
  }
  const timer = deps.intervalMs > 0 ? setInterval(() => void tick(), deps.intervalMs) : undefined
  timer?.unref()
  return { tick, stop: () => clearInterval(timer) }
}
