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
    const rich = await w.client('Rich')
    const poor = await w.client('Poor')
    await w.pay(rich, 100_00)
    await w.pay(poor, 15_50)
    const vds = await w.tariff()
    const yearly = await w.tariff({ name: 'Yearly', setup_fee: '0', price_12: '50' })
    await w.order({ account: String(rich), pricelist: String(vds), period: '1' }) // 1: renews
    await w.order({ account: String(poor), pricelist: String(vds), period: '1' }) // 2: cannot pay
    await w.order({ account: String(rich), pricelist: String(vds), period: '1', auto_renew: 'off' }) // 3: expires
    await w.order({ account: String(rich), pricelist: String(yearly), period: '12' }) // 4: not due
    w.t.clock.advance(29 * day)
    expect(await w.t.data({ func: 'item.renewal', ...asAdmin })).toEqual({ renewed: 0, suspended: 0, expired: 0 })
    w.t.clock.advance(2 * day)
    const balance = await w.balance(rich)
    expect(await w.t.data({ func: 'item.renewal', ...asAdmin })).toEqual({ renewed: 1, suspended: 1, expired: 1 })
    const states = []
    for (const id of [1, 2, 3, 4]) states.push(await w.item(id))
    expect(states.map((i) => [i.status, i.suspendReason])).toEqual([
      [2, ''],
      [3, 'nopay'],
      [3, 'expired'],
      [2, ''],
    ])
    expect((await w.item(1)).expiresAt).toBe(Date.UTC(2027, 0, 24, 12))
    expect((await w.chargesOf(1)).at(-1)).toMatchObject({ amount: 10_50, description: 'VDS-1, 1 month, until 2027-01-24' })
    expect(await w.balance(rich)).toBe(balance - 10_50)
    expect(await w.chargesOf(2)).toHaveLength(2)
    expect(await w.t.data({ func: 'item.renewal', ...asAdmin })).toEqual({ renewed: 0, suspended: 0, expired: 0 })
    await w.books()
  })

  it('catches up on missed periods from the old expiry, each charged on its own', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    await w.pay(acme, 100_00)
    const vds = await w.tariff()
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    w.t.clock.advance(95 * day) // 2027-02-27: the expiries of 2026-12-24, 2027-01-24 and 2027-02-24 have passed
    expect(await renewDue(w.t.store, w.t.clock())).toEqual({ renewed: 1, suspended: 0, expired: 0 })
    expect((await w.item(1)).expiresAt).toBe(Date.UTC(2027, 2, 24, 12))
    expect((await w.chargesOf(1)).map((e) => e.description).slice(2)).toEqual(['VDS-1, 1 month, until 2027-01-24', 'VDS-1, 1 month, until 2027-02-24', 'VDS-1, 1 month, until 2027-03-24'])
    await w.books()
  })

  it('a payment lets settleAccount renew and resume services suspended for non-payment', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    await w.pay(acme, 15_50)
    const vds = await w.tariff()
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    await w.t.data({ func: 'item.suspend', elid: '1', ...asAdmin })
    await w.t.db.update(items).set({ status: 2, suspendReason: '' }).where(eq(items.id, 1))
    w.t.clock.advance(31 * day)
    await renewDue(w.t.store, w.t.clock())
    expect(await w.item(1)).toMatchObject({ status: 3, suspendReason: 'nopay' })
    const settle = () => w.t.store.write((tx) => settleAccount(tx, acme, w.t.clock()))
    expect(await settle()).toEqual({ activated: 0, resumed: 0 })
    await w.pay(acme, 10_00)
    expect(await settle()).toEqual({ activated: 0, resumed: 0 })
    await w.pay(acme, 50)
    expect(await settle()).toEqual({ activated: 0, resumed: 1 })
    expect(await w.item(1)).toMatchObject({ status: 2, suspendReason: '', expiresAt: Date.UTC(2027, 0, 24, 12) })
    expect(await w.balance(acme)).toBe(0)
    await w.books()
  })

  it('service.prolong of a service suspended for non-payment resumes it once its time reaches past now', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    await w.pay(acme, 15_50)
    const vds = await w.tariff()
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    w.t.clock.advance(62 * day) // 2027-01-25: one more month from 2026-12-24 is not enough
    await renewDue(w.t.store, w.t.clock())
    await w.pay(acme, 100_00)
    expect(await w.t.data({ func: 'service.prolong', elid: '1', ...asAdmin })).toEqual({ newexpiredate: '2027-01-24' })
    expect(await w.item(1)).toMatchObject({ status: 3, suspendReason: 'nopay' })
    expect(await w.t.data({ func: 'service.prolong', elid: '1', ...asAdmin })).toEqual({ newexpiredate: '2027-02-24' })
    expect(await w.item(1)).toMatchObject({ status: 2, suspendReason: '' })
    await w.books()
  })

  it('an operator-suspended service stays suspended when prolonged', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    await w.pay(acme, 100_00)
    const vds = await w.tariff()
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    await w.t.data({ func: 'item.suspend', elid: '1', ...asAdmin })
    expect(await w.t.data({ func: 'service.prolong', elid: '1', ...asAdmin })).toEqual({ newexpiredate: '2027-01-24' })
    expect(await w.item(1)).toMatchObject({ status: 3, suspendReason: '' })
    await w.books()
  })

  it('handles thousands of due services in one pass', async () => {
    const w = await servicesWorld()
    const vds = await w.tariff({ setup_fee: '0' })
    const clients: number[] = []
    for (let i = 0; i < 200; i++) clients.push(await w.client(`Client ${i}`))
    for (const [i, c] of clients.entries()) await w.pay(c, i % 2 ? 1000_00 : 10_50)
    const base = { pricelistId: vds, period: 1, status: 2, cost: 10_50, createdAt: 0, expiresAt: w.t.clock() - 1 }
    const due = Array.from({ length: 3000 }, (_, n) => ({ ...base, accountId: clients[n % clients.length] }))
    await w.t.store.write(async (tx) => {
      for (let n = 0; n < due.length; n += 500) await tx.insert(items).values(due.slice(n, n + 500))
    })
    const started = performance.now()
    const counts = await renewDue(w.t.store, w.t.clock())
    const elapsed = performance.now() - started
    // Odd clients pay for all 15 of theirs; even ones for their first only.
    expect(counts).toEqual({ renewed: 100 * 15 + 100, suspended: 100 * 14, expired: 0 })
    expect(await w.t.db.select().from(items).where(eq(items.status, 2))).toHaveLength(1600)
    expect(elapsed).toBeLessThan(20_000)
    await w.books()
  })
})

describe('the scheduled pass', () => {
  it('runs through the dispatcher as local root when something is due, and is audited', async () => {
    const w = await servicesWorld()
    const acme = await w.client('Acme')
    await w.pay(acme, 100_00)
    const vds = await w.tariff()
    await w.order({ account: String(acme), pricelist: String(vds), period: '1' })
    const logged: unknown[] = []
    const schedule = scheduleRenewal({ dispatcher: w.t.dispatcher, store: w.t.store, clock: w.t.clock, intervalMs: 0, log: (_m, err) => logged.push(err) })
    const audited = () => w.t.db.select().from(auditLog).where(eq(auditLog.func, 'item.renewal'))
    await schedule.tick()
    expect(await audited()).toEqual([])
    w.t.clock.advance(31 * day)
    const generation = w.t.services.generation.current()
    await schedule.tick()
    expect((await w.item(1)).expiresAt).toBe(Date.UTC(2027, 0, 24, 12))
    expect(await audited()).toMatchObject([{ actor: 'root', result: 'ok' }])
    expect(w.t.services.generation.current()).toBeGreaterThan(generation)
    await schedule.tick()
    expect(await audited()).toHaveLength(1)
    expect(logged).toEqual([])
    schedule.stop()
    await w.books()
  })
})
