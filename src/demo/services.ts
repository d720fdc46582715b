import { parseAmount } from '../format/money'
import { ItemStatus } from '../db/schema/index'
import { catalogs, type ProductType } from './catalog'
import type { Client, Currency, Expense, Plan, Service } from './model'
import type { Random } from './random'
import { addMonths, day, hour, isoDate, minute, year } from './time'
import { phonePrefixes, topLevelDomains } from './words'

/** Tariff plans of the catalog, per currency, with prices parsed to minor units. */
export function makePlans(currencies: readonly Currency[], firstId: number): Plan[] {
  const plans: Plan[] = []
  for (const currency of currencies) {
    for (const t of catalogs[currency.code].plans) {
      const prices = new Map<number, number>()
      for (const [months, price] of Object.entries(t.prices)) prices.set(Number(months), parseAmount(price, currency.places))
      plans.push({ id: firstId + plans.length, name: t.name, type: t.type, currency, setupFee: parseAmount(t.setup, currency.places), prices })
    }
  }
  return plans
}

const productMix: readonly (readonly [ProductType, number])[] = [['vds', 30], ['hosting', 30], ['domain', 15], ['voip', 25]]

const statusMix = [
  [ItemStatus.active, 78],
  [ItemStatus.suspended, 8],
  [ItemStatus.deleted, 8],
  [ItemStatus.ordered, 4],
  [ItemStatus.processing, 2],
] as const

function serviceName(rng: Random, type: ProductType, client: Client): string {
  const tld = rng.pick(topLevelDomains[client.currency.code])
  switch (type) {
    case 'vds':
      return `srv${rng.int(1, 40)}.${client.slug}.${tld}`
    case 'hosting':
      return rng.chance(0.7) ? `${client.slug}.${tld}` : `${rng.pick(['shop', 'blog', 'www2', 'crm'])}.${client.slug}.${tld}`
    case 'domain':
      return `${client.slug}${rng.chance(0.3) ? `-${rng.pick(['online', 'group', 'pro', 'team'])}` : ''}.${tld}`
    case 'voip':
      return `${rng.pick(phonePrefixes[client.currency.code])} ${rng.int(100, 999)}-${String(rng.int(0, 9999)).padStart(4, '0')}`
  }
}

/**
 * Services over the last two years, sorted by creation (so that ids grow with it). Each is
 * given a status and, from it, how many periods it has been paid for: an active service expires
 * within one period from now; a suspended or deleted one ran out some time ago; an ordered one
 * was never paid; a processing one has paid its first period and awaits activation.
 */
export function makeServices(rng: Random, count: number, clients: readonly Client[], plans: readonly Plan[], now: number, firstId: number): Service[] {
  if (count > 0 && clients.length === 0) throw new RangeError('services need clients')
  const plansOf = new Map<string, Plan[]>()
  for (const plan of plans) {
    const key = `${plan.currency.code}/${plan.type}`
    plansOf.set(key, [...(plansOf.get(key) ?? []), plan])
  }
  const planned: Omit<Service, 'id'>[] = []
  for (let i = 0; i < count; i++) {
    const client = rng.pick(clients)
    const type = rng.weighted(productMix)
    const plan = rng.pick(plansOf.get(`${client.currency.code}/${type}`) as Plan[])
    const period = rng.pick([...plan.prices.keys()])
    let status: number = rng.weighted(statusMix)
    const earliest = Math.max(client.createdAt, now - 2 * year)
    let createdAt = rng.int(earliest, now - day)
    let expiresAt: number | null = null
    let periodsPaid = 0
    if (status === ItemStatus.ordered) {
      createdAt = Math.max(client.createdAt, now - rng.int(hour, 14 * day))
    } else if (status === ItemStatus.processing) {
      createdAt = Math.max(client.createdAt, now - rng.int(minute, 2 * hour))
      periodsPaid = 1
    } else {
      if (status !== ItemStatus.active) {
        // Ran out some time ago: as many whole periods as fit before then, if one does.
        const endedBy = now - rng.int(1, status === ItemStatus.suspended ? 60 : 300) * day
        while (addMonths(createdAt, (periodsPaid + 1) * period) <= endedBy) periodsPaid++
        if (periodsPaid === 0) status = ItemStatus.active
      }
      if (status === ItemStatus.active) {
        periodsPaid = 1
        while (addMonths(createdAt, periodsPaid * period) <= now) periodsPaid++
      }
      expiresAt = addMonths(createdAt, periodsPaid * period)
    }
    planned.push({
      client,
      plan,
      name: serviceName(rng, type, client),
      period,
      status,
      suspendReason: status === ItemStatus.suspended && rng.chance(0.75) ? 'nopay' : '',
      createdAt,
      expiresAt,
      autoRenew: rng.chance(0.9),
      cost: plan.prices.get(period) as number,
      periodsPaid,
    })
  }
  planned.sort((a, b) => a.createdAt - b.createdAt)
  return planned.map((s, i) => ({ ...s, id: firstId + i }))
}

/** The setup fee and every period a service has been charged for. */
export function serviceCharges(service: Service): Omit<Expense, 'id'>[] {
  const { client, plan } = service
  const charges: Omit<Expense, 'id'>[] = []
  if (service.periodsPaid > 0 && plan.setupFee > 0) {
    charges.push({ client, service, amount: plan.setupFee, createdAt: service.createdAt, description: `Setup: ${plan.name}, ${service.name}` })
  }
  for (let p = 0; p < service.periodsPaid; p++) {
    const from = addMonths(service.createdAt, p * service.period)
    const to = addMonths(service.createdAt, (p + 1) * service.period)
    charges.push({ client, service, amount: service.cost, createdAt: from, description: `${plan.name}, ${service.name}: ${isoDate(from)} – ${isoDate(to)}` })
  }
  return charges
}

/** The time a voice service could make calls: from creation until now or until it ran out. */
export function callingTime(service: Service, now: number): [from: number, to: number] | null {
  if (service.plan.type !== 'voip') return null
  if (service.status === ItemStatus.active) return [service.createdAt, now]
  if (service.status === ItemStatus.suspended || service.status === ItemStatus.deleted) return [service.createdAt, service.expiresAt as number]
  return null
}
