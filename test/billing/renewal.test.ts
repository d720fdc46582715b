import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { addMonths } from '../../src/billing/calendar'
import { renewDue, settleAccount } from '../../src/billing/services'
import { auditLog, items } from '../../src/db/schema/index'
import { scheduleRenewal } from '../../src/functions/item/renewal'
import { asAdmin, day, servicesWorld } from './services-fixture'

describe('addMonths', () => {
  it('moves by calendar months in UTC, keeping the time of day', () => {
    expect(addMonths(Date.UTC(2026, 10, 24, 12, 30, 5, 7), 1)).toBe(Date.UTC(2026, 11, 24, 12, 30, 5, 7))
    expect(addMonths(Date.UTC(2026, 10, 24), 3)).toBe(Date.UTC(2027, 1, 24))
    expect(addMonths(Date.UTC(2026, 0, 15), 12)).toBe(Date.UTC(2027, 0, 15))
    expect(addMonths(Date.UTC(2026, 11, 31, 23, 59), 6)).toBe(Date.UTC(2027, 5, 30, 23, 59))
  })

  it('ends on the last day of a shorter month', () => {
    expect(addMonths(Date.UTC(2027, 0, 31), 1)).toBe(Date.UTC(2027, 1, 28))
    expect(addMonths(Date.UTC(2028, 0, 31), 1)).toBe(Date.UTC(2028, 1, 29))
    expect(addMonths(Date.UTC(2026, 7, 31), 1)).toBe(Date.UTC(2026, 8, 30))
    expect(addMonths(Date.UTC(2028, 1, 29), 12)).toBe(Date.UTC(2029, 1, 28))
  })
})

describe('the renewal pass', () => {
  it('renews what can be paid, suspends what cannot, and suspends as expired what does not renew itself', async () => {
    const w = await servicesWorld()
    const rich = w.client('Rich')
    const poor = w.client('Poor')
    w.pay(rich, 100_00)
    w.pay(poor, 15_50)
    const vds = await w.tariff()
    const yearly = await w.tariff({ name: 'Yearly', setup_fee: '0', price_12: '50' })
    await w.order({ account: String(rich), pricelist: String(vds), period: '1' }) // 1: renews
    await w.order({ account: String(poor), pricelist: String(vds), period: '1' }) // 2: cannot pay
    await w.order({ account: String(rich), pricelist: String(vds), period: '1', auto_renew: 'off' }) // 3: expires
    await w.order({ account: String(rich), pricelist: String(yearly), period: '12' }) // 4: not due
    w.t.clock.advance(29 * day)
    expect(await w.t.data({ func: 'item.renewal', ...asAdmin })).toEqual({ renewed: 0, suspended: 0, expired: 0 })
    w.t.clock.advance(2 * day)
    const balance = w.balance(rich)
    expect(await w.t.data({ func: 'item.renewal', ...asAdmin })).toEqual({ renewed: 1, suspended: 1, expired: 1 })
    expect([1, 2, 3, 4].map((id) => [w.item(id).status, w.item(id).suspendReason])).toEqual([
      [2, ''],
      [3, 'nopay'],
      [3, 'expired'],
      [2, ''],
    ])
    expect(w.item(1).expiresAt).toBe(Date.UTC(2027, 0, 24, 12))
    expect(w.chargesOf(1).at(-1)).toMatchObject({ amount: 10_50, description: 'VDS-1, 1 month, until 2027-01-24' })
    expect(w.balance(rich)).toBe(balance - 10_50)
    expect(w.chargesOf(2)).toHaveLength(2)
    expect(await w.t.data({ func: 'item.renewal', ...asAdmin })).toEqual({ renewed: 0, suspended: 0, expired: 0 })
    w.books()
  })

  it('catches up on missed periods from the old expiry, each charged on its own', async () => {
    const w = await servicesWorld()
    const acme = w.client('Acme')
    w.pay(acme, 100_00)
    const vds = await w.tariff()
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    w.t.clock.advance(95 * day) // 2027-02-27: the expiries of 2026-12-24, 2027-01-24 and 2027-02-24 have passed
    expect(renewDue(w.t.db, w.t.clock())).toEqual({ renewed: 1, suspended: 0, expired: 0 })
    expect(w.item(1).expiresAt).toBe(Date.UTC(2027, 2, 24, 12))
    expect(w.chargesOf(1).map((e) => e.description).slice(2)).toEqual(['VDS-1, 1 month, until 2027-01-24', 'VDS-1, 1 month, until 2027-02-24', 'VDS-1, 1 month, until 2027-03-24'])
    w.books()
  })

  it('a payment lets settleAccount renew and resume services suspended for non-payment', async () => {
    const w = await servicesWorld()
    const acme = w.client('Acme')
    w.pay(acme, 15_50)
    const vds = await w.tariff()
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    await w.t.data({ func: 'item.suspend', elid: '1', ...asAdmin })
    w.t.db.update(items).set({ status: 2, suspendReason: '' }).where(eq(items.id, 1)).run()
    w.t.clock.advance(31 * day)
    renewDue(w.t.db, w.t.clock())
    expect(w.item(1)).toMatchObject({ status: 3, suspendReason: 'nopay' })
    expect(settleAccount(w.t.db, acme, w.t.clock())).toEqual({ activated: 0, resumed: 0 })
    w.pay(acme, 10_00)
    expect(settleAccount(w.t.db, acme, w.t.clock())).toEqual({ activated: 0, resumed: 0 })
    w.pay(acme, 50)
    expect(settleAccount(w.t.db, acme, w.t.clock())).toEqual({ activated: 0, resumed: 1 })
    expect(w.item(1)).toMatchObject({ status: 2, suspendReason: '', expiresAt: Date.UTC(2027, 0, 24, 12) })
    expect(w.balance(acme)).toBe(0)
    w.books()
  })

  it('service.prolong of a service suspended for non-payment resumes it once its time reaches past now', async () => {
    const w = await servicesWorld()
    const acme = w.client('Acme')
    w.pay(acme, 15_50)
    const vds = await w.tariff()
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    w.t.clock.advance(62 * day) // 2027-01-25: one more month from 2026-12-24 is not enough
    renewDue(w.t.db, w.t.clock())
    w.pay(acme, 100_00)
    expect(await w.t.data({ func: 'service.prolong', elid: '1', ...asAdmin })).toEqual({ newexpiredate: '2027-01-24' })
    expect(w.item(1)).toMatchObject({ status: 3, suspendReason: 'nopay' })
    expect(await w.t.data({ func: 'service.prolong', elid: '1', ...asAdmin })).toEqual({ newexpiredate: '2027-02-24' })
    expect(w.item(1)).toMatchObject({ status: 2, suspendReason: '' })
    w.books()
  })

  it('an operator-suspended service stays suspended when prolonged', async () => {
    const w = await servicesWorld()
    const acme = w.client('Acme')
    w.pay(acme, 100_00)
    const vds = await w.tariff()
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    await w.t.data({ func: 'item.suspend', elid: '1', ...asAdmin })
    expect(await w.t.data({ func: 'service.prolong', elid: '1', ...asAdmin })).toEqual({ newexpiredate: '2027-01-24' })
    expect(w.item(1)).toMatchObject({ status: 3, suspendReason: '' })
    w.books()
  })

  it('handles thousands of due services in one pass', async () => {
    const w = await servicesWorld()
    const vds = await w.tariff({ setup_fee: '0' })
    const clients = Array.from({ length: 200 }, (_, i) => w.client(`Client ${i}`))
    clients.forEach((c, i) => w.pay(c, i % 2 ? 1000_00 : 10_50))
    const base = { pricelistId: vds, period: 1, status: 2, cost: 10_50, createdAt: 0, expiresAt: w.t.clock() - 1 }
    w.t.db.$client.transaction(() => {
      for (let n = 0; n < 3000; n++) w.t.db.insert(items).values({ ...base, accountId: clients[n % clients.length] }).run()
    })()
    const started = performance.now()
    const counts = renewDue(w.t.db, w.t.clock())
    const elapsed = performance.now() - started
    // Odd clients pay for all 15 of theirs; even ones for their first only.
    expect(counts).toEqual({ renewed: 100 * 15 + 100, suspended: 100 * 14, expired: 0 })
    expect(w.t.db.select().from(items).where(eq(items.status, 2)).all()).toHaveLength(1600)
    expect(elapsed).toBeLessThan(20_000)
    w.books()
  })
})

describe('the scheduled pass', () => {
  it('runs through the dispatcher as local root when something is due, and is audited', async () => {
    const w = await servicesWorld()
    const acme = w.client('Acme')
    w.pay(acme, 100_00)
    const vds = await w.tariff()
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    const logged: unknown[] = []
    const schedule = scheduleRenewal({ dispatcher: w.t.dispatcher, db: w.t.db, clock: w.t.clock, intervalMs: 0, log: (_m, err) => logged.push(err) })
    const audited = () => w.t.db.select().from(auditLog).where(eq(auditLog.func, 'item.renewal')).all()
    await schedule.tick()
    expect(audited()).toEqual([])
    w.t.clock.advance(31 * day)
    const generation = w.t.services.generation.current()
    await schedule.tick()
    expect(w.item(1).expiresAt).toBe(Date.UTC(2027, 0, 24, 12))
    expect(audited()).toMatchObject([{ actor: 'root', result: 'ok' }])
    expect(w.t.services.generation.current()).toBeGreaterThan(generation)
    await schedule.tick()
    expect(audited()).toHaveLength(1)
    expect(logged).toEqual([])
    schedule.stop()
    w.books()
  })
})
