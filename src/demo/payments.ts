import { isCredited } from '../billing/ledger'
import { parseAmount } from '../format/money'
import { PaymentStatus } from '../db/schema/index'
import type { Books, Client, Currency } from './model'
import { WeightedIndex, type Random } from './random'
import { day, hour, minute, year } from './time'
import { paymentNotes } from './words'

const statusMix = [
  [PaymentStatus.credited, 86],
  [PaymentStatus.new, 5],
  [PaymentStatus.inProgress, 2],
  [PaymentStatus.pledged, 1],
  [PaymentStatus.pendingReturn, 1],
  [PaymentStatus.returned, 3],
  [PaymentStatus.fraudulent, 2],
] as const

/** The smallest payment accepted, by currency. */
const minimumPayment: Record<Currency['code'], string> = { USD: '5.00', EUR: '5.00', RUB: '100.00' }

/** One payment. The object is reused from payment to payment: copy what must be kept. */
export interface Payment {
  client: Client
  amount: number
  status: number
  createdAt: number
  paidAt: number | null
  note: string
}

/**
 * Payments over the last two years, in time order (so that ids follow it). Clients who spend
 * more pay more often, and each client's credited payments add up to about what it has been
 * charged plus a margin: most end up with some money left, some in debt within their credit
 * limit. Needs the charges (books.charged) in full first.
 */
export function* makePayments(rng: Random, count: number, clients: readonly Client[], books: Books, now: number): Generator<Payment> {
  if (count === 0) return
  if (clients.length === 0) throw new RangeError('payments need clients')
  const from = now - 2 * year
  const slot = (now - from) / count

  // First the time, client and status of every payment, to know how many credited ones each
  // client will have to share its total among.
  // A client pays about as often as its share of the charges says, however recently it came:
  // one that can pay during a tenth of the time is ten times as likely to be picked then.
  const meanCharged = books.charged.reduce((a, b) => a + b, 0) / clients.length || 1
  const byWeight = new WeightedIndex(
    clients.map((c) => (1 + books.charged[c.index] / meanCharged) * ((now - from) / (now - Math.max(from, c.createdAt)))),
  )
  const times = new Float64Array(count)
  const owners = new Int32Array(count)
  const statuses = new Uint8Array(count)
  const creditedLeft = new Int32Array(clients.length)
  for (let k = 0; k < count; k++) {
    const t = Math.floor(from + (k + rng.next()) * slot)
    let owner = byWeight.pick(rng)
    for (let attempt = 0; attempt < 16 && clients[owner].createdAt > t; attempt++) owner = byWeight.pick(rng)
    // Clients are sorted by registration: the first was there earliest.
    if (clients[owner].createdAt > t) owner = 0
    times[k] = Math.max(t, clients[owner].createdAt + hour)
    owners[k] = owner
    statuses[k] = rng.weighted(statusMix)
    if (isCredited(statuses[k])) creditedLeft[owner]++
  }

  const toCredit = clients.map((c) => books.charged[c.index] + margin(rng, c, books.charged[c.index], now))
  const typical = clients.map((c) => Math.max(1, toCredit[c.index]) / Math.max(1, creditedLeft[c.index]))
  const minimum = new Map<Currency, number>()
  const payment = { note: '' } as Payment
  for (let k = 0; k < count; k++) {
    const client = clients[owners[k]]
    const status = statuses[k]
    const places = client.currency.places
    let least = minimum.get(client.currency)
    if (least === undefined) minimum.set(client.currency, (least = parseAmount(minimumPayment[client.currency.code], places)))
    let amount: number
    if (isCredited(status)) {
      const left = creditedLeft[client.index]--
      const remaining = toCredit[client.index]
      amount = left === 1 ? remaining : roundish(rng, (remaining / left) * rng.between(0.6, 1.4), places)
      amount = Math.max(least, amount)
      toCredit[client.index] -= amount
      books.credited[client.index] += amount
    } else {
      amount = Math.max(least, roundish(rng, typical[client.index] * rng.between(0.5, 1.5), places))
    }
    const createdAt = times[k]
    const paid = status === PaymentStatus.credited || status === PaymentStatus.pendingReturn || status === PaymentStatus.returned
    payment.client = client
    payment.amount = amount
    payment.status = status
    payment.createdAt = createdAt
    payment.paidAt = paid ? Math.min(now, createdAt + rng.int(minute, 6 * hour)) : null
    payment.note =
      status === PaymentStatus.returned || status === PaymentStatus.pendingReturn
        ? rng.pick(paymentNotes.returned)
        : status === PaymentStatus.fraudulent
          ? rng.pick(paymentNotes.fraudulent)
          : ''
    yield payment
  }
}

/**
 * What a client keeps beyond its charges: usually a month or a few of its spending (at least a
 * little), sometimes a debt within its credit limit.
 */
function margin(rng: Random, client: Client, charged: number, now: number): number {
  if (client.creditLimit > 0 && rng.chance(0.25)) return -Math.floor(client.creditLimit * rng.between(0, 0.9))
  const months = Math.max(1, (now - client.createdAt) / (30 * day))
  const floor = 10 ** client.currency.places * (client.currency.code === 'RUB' ? 300 : 10)
  return Math.floor(Math.max(floor, charged / months) * rng.between(0, 3))
}

/** Most people pay round sums; some pay to the cent. */
function roundish(rng: Random, amount: number, places: number): number {
  const unit = 10 ** places
  return rng.chance(0.7) ? Math.max(unit, Math.round(amount / unit) * unit) : Math.max(1, Math.round(amount))
}
