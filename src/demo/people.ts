import { parseAmount } from '../format/money'
import type { Client, Currency, Reseller } from './model'
import type { Random } from './random'
import { day, year } from './time'
import {
  companyForms,
  companyTrades,
  companyWords,
  latinFirstNames,
  latinLastNames,
  mailDomains,
  resellerNames,
  russianCompanies,
  russianCompanyForms,
  russianFemale,
  russianFirstNames,
  russianLastNames,
} from './words'

/**
 * Hands out unique strings: the wanted one if free, else the same with a number appended. Seeded
 * with what the database already holds, so that nothing clashes with it.
 */
export class UniqueNames {
  private readonly taken: Set<string>
  private readonly nextSuffix = new Map<string, number>()

  constructor(existing: Iterable<string> = []) {
    this.taken = new Set([...existing].map((s) => s.toLowerCase()))
  }

  claim(base: string, withNumber: (base: string, n: number) => string = (b, n) => `${b}${n}`): string {
    let candidate = base
    let n = this.nextSuffix.get(base) ?? 2
    while (this.taken.has(candidate.toLowerCase())) candidate = withNumber(base, n++)
    this.nextSuffix.set(base, n)
    this.taken.add(candidate.toLowerCase())
    return candidate
  }
}

export function makeResellers(rng: Random, count: number, currencies: readonly Currency[], names: UniqueNames, now: number): Omit<Reseller, 'id'>[] {
  const resellers: Omit<Reseller, 'id'>[] = []
  for (let i = 0; i < count; i++) {
    const [written, latin] = resellerNames[i % resellerNames.length]
    const round = Math.floor(i / resellerNames.length)
    const name = names.claim(round ? `${written} ${round + 1}` : written, (b, n) => `${b} ${n}`)
    const slug = round ? `${latin}${round + 1}` : latin
    resellers.push({
      name,
      slug,
      email: `billing@${slug}.example`,
      currency: currencies[i % currencies.length],
      // Each a month or two after the one before.
      createdAt: now - 3 * year - (count - i) * 60 * day + rng.int(0, 30) * day,
    })
  }
  return resellers
}

/** Credit limits offered, by currency, as major-unit strings. */
const creditLimits: Record<Currency['code'], readonly string[]> = {
  USD: ['20.00', '50.00', '100.00', '250.00'],
  EUR: ['20.00', '50.00', '100.00', '200.00'],
  RUB: ['1000.00', '3000.00', '5000.00', '20000.00'],
}

interface Identity {
  name: string
  email: string
  slug: string
}

function russianIdentity(rng: Random, emails: UniqueNames, slugs: UniqueNames): Identity {
  if (rng.chance(0.35)) {
    const [company, latin] = rng.pick(russianCompanies)
    const slug = slugs.claim(latin)
    return { name: `${rng.pick(russianCompanyForms)} «${company}»`, slug, email: emails.claim(`info@${slug}.example`) }
  }
  const [first, firstLatin] = rng.pick(russianFirstNames)
  const [male, female, lastLatin] = rng.pick(russianLastNames)
  const last = russianFemale.has(first) ? female : male
  const slug = slugs.claim(`${lastLatin}-${firstLatin}`)
  const local = `${firstLatin}.${lastLatin}${russianFemale.has(first) ? 'a' : ''}`
  return { name: `${first} ${last}`, slug, email: personalEmail(rng, local, emails) }
}

function latinIdentity(rng: Random, emails: UniqueNames, slugs: UniqueNames): Identity {
  if (rng.chance(0.4)) {
    const word = rng.pick(companyWords)
    const trade = rng.pick(companyTrades)
    const slug = slugs.claim(`${word}-${trade}`.toLowerCase().replace(/[^a-z0-9]+/g, '-'))
    return { name: `${word} ${trade} ${rng.pick(companyForms)}`, slug, email: emails.claim(`billing@${slug}.example`) }
  }
  const [first, firstLatin] = rng.pick(latinFirstNames)
  const [last, lastLatin] = rng.pick(latinLastNames)
  const slug = slugs.claim(`${lastLatin}-${firstLatin}`)
  return { name: `${first} ${last}`, slug, email: personalEmail(rng, `${firstLatin}.${lastLatin}`, emails) }
}

function personalEmail(rng: Random, local: string, emails: UniqueNames): string {
  const domain = rng.pick(mailDomains)
  return emails.claim(`${local}@${domain}`, (_, n) => `${local}${n}@${domain}`)
}

/**
 * Clients sorted by registration (so that ids grow with it): a quarter the operator's own, the
 * rest spread over the resellers, the first resellers the biggest. Most pay in their reseller's
 * currency.
 */
export function makeClients(
  rng: Random,
  count: number,
  resellers: readonly Reseller[],
  currencies: readonly Currency[],
  emails: UniqueNames,
  now: number,
  firstId: number,
): Client[] {
  const slugs = new UniqueNames()
  const resellerWeights = resellers.map((r, i) => [r, 1 / (i + 1) + 0.5] as const)
  const byCode = (code: Currency['code']) => currencies.find((c) => c.code === code) as Currency
  const ownCurrencies = [[byCode('USD'), 45], [byCode('EUR'), 20], [byCode('RUB'), 35]] as const
  const planned: Omit<Client, 'index' | 'id'>[] = []
  for (let i = 0; i < count; i++) {
    const reseller = resellers.length && rng.chance(0.75) ? rng.weighted(resellerWeights) : null
    const currency = reseller && rng.chance(0.75) ? reseller.currency : rng.weighted(ownCurrencies)
    const identity = currency.code === 'RUB' ? russianIdentity(rng, emails, slugs) : latinIdentity(rng, emails, slugs)
    const creditLimit = rng.chance(0.3) ? parseAmount(rng.pick(creditLimits[currency.code]), currency.places) : 0
    planned.push({
      ...identity,
      reseller,
      currency,
      creditLimit,
      status: rng.weighted([['active', 90], ['suspended', 6], ['archived', 4]] as const),
      lang: currency.code === 'RUB' ? 'ru' : rng.chance(0.3) ? 'en' : '',
      createdAt: now - rng.int(30 * day, 3 * year),
    })
  }
  planned.sort((a, b) => a.createdAt - b.createdAt)
  return planned.map((c, index) => ({ ...c, index, id: firstId + index }))
}
