import { mulDivRound, parseAmount } from '../format/money'
import { catalogs } from './catalog'
import type { Client, Expense, Service } from './model'
import type { Random } from './random'
import { callingTime } from './services'
import { isoMonth, minute, monthOf, monthStart } from './time'

/** Unit prices are in millionths of the currency's major unit. */
const unitPriceScale = 1_000_000

/** One call. The object is reused from record to record: copy what must be kept. */
export interface Call {
  service: Service
  startedAt: number
  /** Seconds. */
  quantity: number
  /** Per second. */
  unitPrice: number
  cost: number
}

interface Caller {
  service: Service
  from: number
  to: number
  /** Per-second prices of the destination kinds, as unit prices. */
  prices: number[]
}

/** How often each destination kind (cheapest first) is called. */
const destinationWeights = [70, 20, 8, 2]

/** cost = quantity × unit price, in the currency's minor units, rounded half-up. */
export function callCost(quantity: number, unitPrice: number, places: number): number {
  return mulDivRound(quantity * unitPrice, 10 ** places, unitPriceScale)
}

/**
 * Calls made by the voice services over [from, to), in time order (so that ids follow it).
 * Each call goes to a service that could call at that moment; the same generator state always
 * gives the same calls, which lets a first pass total them and a second write them.
 */
export class CallGenerator {
  private readonly callers: Caller[]

  constructor(services: readonly Service[], now: number) {
    this.callers = []
    for (const service of services) {
      const time = callingTime(service, now)
      if (!time || time[1] <= time[0]) continue
      const perMinute = catalogs[service.client.currency.code].callRates
      const prices = perMinute.map((rate) => Math.max(1, Math.round(parseAmount(rate, 6) / 60)))
      this.callers.push({ service, from: time[0], to: time[1], prices })
    }
  }

  get size(): number {
    return this.callers.length
  }

  /** The earliest moment any service could call (Infinity when none can). */
  get earliest(): number {
    return this.callers.reduce((t, c) => Math.min(t, c.from), Infinity)
  }

  /** The calls, one after another (the same object each time). */
  *calls(rng: Random, count: number, from: number, to: number): Generator<Call> {
    if (count === 0) return
    if (this.callers.length === 0) throw new RangeError('no voice service to make calls')
    const slot = (to - from) / count
    const call = { startedAt: 0, quantity: 0, unitPrice: 0, cost: 0 } as Call
    for (let k = 0; k < count; k++) {
      let startedAt = Math.floor(from + (k + rng.next()) * slot)
      const caller = this.callerAt(rng, startedAt)
      if (startedAt < caller.from) startedAt = caller.from
      if (startedAt >= caller.to) startedAt = caller.to - 1
      const destination = pickIndex(rng, destinationWeights)
      call.service = caller.service
      call.startedAt = startedAt
      call.quantity = callSeconds(rng)
      call.unitPrice = caller.prices[destination]
      call.cost = callCost(call.quantity, call.unitPrice, caller.service.client.currency.places)
      yield call
    }
  }

  /** A service that could call at t; the nearest in time if none could (only in tiny data sets). */
  private callerAt(rng: Random, t: number): Caller {
    const callers = this.callers
    for (let attempt = 0; attempt < 64; attempt++) {
      const c = callers[Math.floor(rng.next() * callers.length)]
      if (c.from <= t && t < c.to) return c
    }
    let best = callers[0]
    let distance = Infinity
    for (const c of callers) {
      const d = t < c.from ? c.from - t : t >= c.to ? t - c.to + 1 : 0
      if (d < distance) [best, distance] = [c, d]
    }
    return best
  }
}

function pickIndex(rng: Random, weights: readonly number[]): number {
  let r = rng.next() * 100
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]
    if (r < 0) return i
  }
  return weights.length - 1
}

/** A call's length: some unanswered, most short, a few long. */
function callSeconds(rng: Random): number {
  const r = rng.next()
  if (r < 0.04) return 0
  if (r < 0.7) return 5 + Math.floor(rng.next() * 176)
  if (r < 0.96) return 181 + Math.floor(rng.next() * 1020)
  return 1201 + Math.floor(rng.next() * 2400)
}

/**
 * Rating: the calls of each service in each month before the current one, summed into one
 * expense charged at the start of the next month. Calls of the current month stay unrated.
 */
export class UsageRating {
  private readonly totals = new Map<number, { service: Service; month: number; amount: number }>()
  private readonly expenseIds = new Map<number, number>()

  private readonly currentMonth: number

  constructor(private readonly now: number) {
    this.currentMonth = monthOf(now)
  }

  private key(service: Service, month: number): number {
    return service.id * 100_000 + month
  }

  /** First pass: count a call into its month's total, if that month is closed. */
  add(call: Call): void {
    const month = monthOf(call.startedAt)
    if (month >= this.currentMonth) return
    const key = this.key(call.service, month)
    const total = this.totals.get(key)
    if (total) total.amount += call.cost
    else this.totals.set(key, { service: call.service, month, amount: call.cost })
  }

  /** The expenses the totals make; `register` is given each back with its id once written. */
  expenses(): { expense: Omit<Expense, 'id'>; register: (id: number) => void }[] {
    return [...this.totals.entries()].map(([key, t]) => ({
      expense: {
        client: t.service.client as Client,
        service: t.service,
        amount: t.amount,
        createdAt: Math.min(this.now, monthStart(t.month + 1) + 5 * minute),
        description: `Calls, ${t.service.name}: ${isoMonth(t.month)}`,
      },
      register: (id: number) => this.expenseIds.set(key, id),
    }))
  }

  /** Second pass: the expense a call was rated into, or null. */
  expenseOf(call: Call): number | null {
    const month = monthOf(call.startedAt)
    if (month >= this.currentMonth) return null
    return this.expenseIds.get(this.key(call.service, month)) ?? null
  }
}
