import { and, asc, eq, lte, sql } from 'drizzle-orm'
import { BillError, invalid } from '../core/errors'
import { formatDate } from '../format/time'
import type { Db } from '../db/connection'
import { preparedFor } from '../db/prepared'
import { firstRow } from '../db/query'
import { accounts, ItemStatus, items, pricelists } from '../db/schema/index'
import type { Store } from '../db/store'
import { emit } from '../events/outbox'
import type { EventId } from '../events/catalog'
import { serviceData } from '../events/snapshots'
import { isLang, translator, type Lang } from '../i18n/index'
import { addMonths } from './calendar'
import { currencyOf } from './currencies'
import { canAfford, charge } from './ledger'
import { formatIso } from '../format/money'
import { accountById, type Account } from './scope'

/**
 * Services: ordering, activation, renewal, suspension and closing. Every function runs inside
 * the caller's transaction and changes balances only through the ledger.
 */

export type Item = typeof items.$inferSelect
export type Tariff = typeof pricelists.$inferSelect

/** What billing work needs besides the database: the time, and the language of charge descriptions. */
export interface BillingEnv {
  db: Db
  now: number
  /** For clients without a language of their own. */
  lang: Lang
}

/** Why a suspended service is suspended. */
export const SuspendReason = {
  /** An operator suspended it. */
  operator: '',
  /** It could not be renewed: the client could not pay. */
  nopay: 'nopay',
  /** Its paid time ended and it does not renew itself. */
  expired: 'expired',
} as const

/** The price of one period of a tariff, or null when the tariff does not offer that period. */
export function priceFor(tariff: Tariff, months: number): number | null {
  switch (months) {
    case 1:
      return tariff.price1
    case 3:
      return tariff.price3
    case 6:
      return tariff.price6
    case 12:
      return tariff.price12
    default:
      return null
  }
}

export async function tariffById(db: Db, id: number): Promise<Tariff | undefined> {
  return firstRow(db.select().from(pricelists).where(eq(pricelists.id, id)))
}

export async function itemById(db: Db, id: number): Promise<Item | undefined> {
  return firstRow(db.select().from(items).where(eq(items.id, id)))
}

/** Tells handlers of a change to a service; `item` is the service as it is after it. */
async function tell(env: { db: Db; now: number }, event: EventId, item: Item): Promise<void> {
  await emit(env.db, env.now, { event, objectId: item.id, data: () => serviceData(env.db, item) })
}

/** A service's state does not allow what was asked (closed, not yet paid, being set up). */
const wrongState = (item: Item) => invalid('elid', String(item.id), 'item.state')

/** Descriptions of the charges a service makes, in its client's language. */
function chargeTexts(account: Account, fallback: Lang) {
  const t = translator(isLang(account.lang) ? account.lang : fallback)
  const flat = { keySeparator: '|' }
  return {
    setup: (tariff: string) => t('functions:item|charges|setup', { ...flat, tariff }),
    period: (tariff: string, months: number, until: number) =>
      t('functions:item|charges|period', { ...flat, tariff, period: t(`values:period|${months}`, flat), until: formatDate(until) }),
  }
}

async function amountText(db: Db, account: Account, amount: number): Promise<string> {
  const currency = await currencyOf(db, account.currencyId)
  return currency ? formatIso(amount, currency.places, currency.code) : String(amount)
}

/** The client cannot pay `amount` with its balance and credit limit. */
async function noFunds(db: Db, account: Account, amount: number): Promise<BillError> {
  const text = await amountText(db, account, amount)
  return invalid('balance', text, 'item.funds', { amount: text, available: await amountText(db, account, account.balance + account.creditLimit) })
}

export interface OrderInput {
  account: Account
  tariff: Tariff
  period: number
  name: string
  autoRenew: boolean
}

/**
 * Orders a service for a client: it is activated at once (setup fee and first period charged)
 * when the balance and credit limit allow, and otherwise waits, ordered, for a payment.
 */
export async function orderService(env: BillingEnv, input: OrderInput): Promise<Item> {
  const { account, tariff, period } = input
  if (account.status !== 'active') throw invalid('account', String(account.id), 'item.account')
  if (!tariff.orderable || !tariff.active) throw invalid('pricelist', String(tariff.id), 'item.tariff')
  if (tariff.currencyId !== account.currencyId) throw invalid('pricelist', String(tariff.id), 'item.currency')
  const cost = priceFor(tariff, period)
  if (cost === null) throw invalid('period', String(period), 'item.period')
  const [item] = await env.db
    .insert(items)
    .values({
      accountId: account.id,
      pricelistId: tariff.id,
      name: input.name,
      period,
      status: ItemStatus.ordered,
      createdAt: env.now,
      autoRenew: input.autoRenew,
      cost,
    })
    .returning()
  await tell(env, 'clients.subscriptions.assign', item)
  await activate(env, item, account, tariff)
  return (await itemById(env.db, item.id))!
}

/** Charges an ordered service's setup fee and first period and activates it, if the client can pay both. */
async function activate(env: BillingEnv, item: Item, account: Account, tariff: Tariff): Promise<boolean> {
  const setup = tariff.setupFee
  if (!canAfford(account, setup + item.cost)) return false
  const texts = chargeTexts(account, env.lang)
  const until = addMonths(env.now, item.period)
  const base = { accountId: account.id, currencyId: account.currencyId, itemId: item.id, at: env.now }
  if (setup !== 0) await charge(env.db, { ...base, amount: setup, description: texts.setup(tariff.name) })
  await charge(env.db, { ...base, amount: item.cost, description: texts.period(tariff.name, item.period, until) })
  const active = { status: ItemStatus.active, suspendReason: SuspendReason.operator, expiresAt: until }
  await env.db.update(items).set(active).where(eq(items.id, item.id))
  await tell(env, 'clients.subscriptions.activate', { ...item, ...active })
  return true
}

/**
 * Renews a service whose paid time has ended for as many of its periods as it takes to reach
 * past now (one, unless renewals were missed), each charged from the previous expiry, and
 * makes it active; only if the client can pay them all.
 */
async function renewThroughNow(
  env: BillingEnv,
  item: Item,
  account: Account,
  tariffName: string,
  setState: StateWriter = stateWriter(env.db),
): Promise<boolean> {
  const ends = renewalEnds(item, env.now)
  if (!canAfford(account, item.cost * ends.length)) return false
  const texts = chargeTexts(account, env.lang)
  for (const end of ends) {
    await charge(env.db, {
      accountId: account.id,
      currencyId: account.currencyId,
      itemId: item.id,
      amount: item.cost,
      description: texts.period(tariffName, item.period, end),
      at: env.now,
    })
  }
  const renewed = { ...item, status: ItemStatus.active, suspendReason: SuspendReason.operator, expiresAt: ends[ends.length - 1] }
  await setState(item.id, renewed.status, renewed.suspendReason, renewed.expiresAt)
  await tell(env, 'clients.subscriptions.renew', renewed)
  if (item.status !== ItemStatus.active) await tell(env, 'clients.subscriptions.activate', renewed)
  return true
}

/** The ends of the periods that renew a lapsed service to past now, from its expiry: at least one. */
function renewalEnds(item: Item, now: number): number[] {
  const ends: number[] = []
  let until = item.expiresAt ?? now
  do {
    until = addMonths(until, item.period)
    ends.push(until)
  } while (until <= now)
  return ends
}

/** Writes a service's status, suspension reason and expiry. */
type StateWriter = (id: number, status: number, reason: string, expiresAt: number | null) => Promise<void>

/** A state writer for a few changes; the renewal pass prepares its own once for thousands. */
function stateWriter(db: Db): StateWriter {
  return async (id, status, suspendReason, expiresAt) => {
    await db.update(items).set({ status, suspendReason, expiresAt }).where(eq(items.id, id))
  }
}

/**
 * Renews a service for a period (its own, or another its tariff offers) from its current
 * expiry; returns the new expiry. A service suspended because it lapsed is active again once
 * its paid time reaches past now; one an operator suspended stays suspended.
 */
export async function prolongService(env: BillingEnv, item: Item, months: number = item.period): Promise<number> {
  if (item.status !== ItemStatus.active && item.status !== ItemStatus.suspended) throw wrongState(item)
  const tariff = (await tariffById(env.db, item.pricelistId))!
  const price = months === item.period ? item.cost : priceFor(tariff, months)
  if (price === null) throw invalid('period', String(months), 'item.period')
  const account = (await accountById(env.db, item.accountId))!
  if (!canAfford(account, price)) throw await noFunds(env.db, account, price)
  const until = addMonths(item.expiresAt ?? env.now, months)
  await charge(env.db, {
    accountId: account.id,
    currencyId: account.currencyId,
    itemId: item.id,
    amount: price,
    description: chargeTexts(account, env.lang).period(tariff.name, months, until),
    at: env.now,
  })
  const lapsed = item.status === ItemStatus.suspended && item.suspendReason !== SuspendReason.operator
  const resumes = lapsed && until > env.now
  const changes = { expiresAt: until, ...(resumes ? { status: ItemStatus.active, suspendReason: SuspendReason.operator } : {}) }
  await env.db.update(items).set(changes).where(eq(items.id, item.id))
  await tell(env, 'clients.subscriptions.renew', { ...item, ...changes })
  if (resumes) await tell(env, 'clients.subscriptions.activate', { ...item, ...changes })
  return until
}

/** An operator suspends an active service; a suspended one stays as it is. */
export async function suspendService(env: { db: Db; now: number }, item: Item): Promise<void> {
  if (item.status === ItemStatus.suspended) return
  if (item.status !== ItemStatus.active) throw wrongState(item)
  const suspended = { status: ItemStatus.suspended, suspendReason: SuspendReason.operator }
  await env.db.update(items).set(suspended).where(eq(items.id, item.id))
  await tell(env, 'clients.subscriptions.deactivate', { ...item, ...suspended })
}

/**
 * Makes a suspended service active again. One suspended because it lapsed (unpaid or not
 * renewing) whose paid time has ended is renewed first, from its expiry, so resuming never
 * gives time for free: refused when the client cannot pay. One an operator suspended resumes
 * as it is; if its time ended meanwhile, the next renewal pass renews or suspends it.
 */
export async function resumeService(env: BillingEnv, item: Item): Promise<void> {
  if (item.status === ItemStatus.active) return
  if (item.status !== ItemStatus.suspended) throw wrongState(item)
  const lapsed = item.suspendReason !== SuspendReason.operator && (item.expiresAt ?? env.now) <= env.now
  if (!lapsed) {
    const active = { status: ItemStatus.active, suspendReason: SuspendReason.operator }
    await env.db.update(items).set(active).where(eq(items.id, item.id))
    await tell(env, 'clients.subscriptions.activate', { ...item, ...active })
    return
  }
  const account = (await accountById(env.db, item.accountId))!
  const tariff = (await tariffById(env.db, item.pricelistId))!
  if (!(await renewThroughNow(env, item, account, tariff.name))) {
    throw await noFunds(env.db, account, item.cost * renewalEnds(item, env.now).length)
  }
}

/** Closes a service. What was paid is not given back. */
export async function closeService(env: { db: Db; now: number }, item: Item): Promise<void> {
  if (item.status === ItemStatus.deleted) return
  await env.db.update(items).set({ status: ItemStatus.deleted }).where(eq(items.id, item.id))
  await tell(env, 'clients.subscriptions.close', { ...item, status: ItemStatus.deleted })
}

/**
 * After a client's balance rose (a payment credited, money given back): activates its ordered
 * services, then renews and resumes those suspended for non-payment whose time has ended, each
 * group in order of id and only while the client can pay the next one.
 */
export async function settleAccount(
  db: Db,
  accountId: number,
  now: number,
  lang: Lang = 'en',
): Promise<{ activated: number; resumed: number }> {
  const env = { db, now, lang }
  const result = { activated: 0, resumed: 0 }
  const waiting = (status: number, reason?: string) =>
    db
      .select({ item: items, tariff: pricelists })
      .from(items)
      .innerJoin(pricelists, eq(pricelists.id, items.pricelistId))
      .where(
        and(
          eq(items.accountId, accountId),
          eq(items.status, status),
          reason === undefined ? undefined : and(eq(items.suspendReason, reason), lte(items.expiresAt, now)),
        ),
      )
      .orderBy(asc(items.id))
  const account = async () => (await accountById(db, accountId))!
  for (const { item, tariff } of await waiting(ItemStatus.ordered)) {
    if (!(await activate(env, item, await account(), tariff))) break
    result.activated++
  }
  for (const { item, tariff } of await waiting(ItemStatus.suspended, SuspendReason.nopay)) {
    if (!(await renewThroughNow(env, item, await account(), tariff.name))) break
    result.resumed++
  }
  return result
}

export interface RenewalCounts {
  /** Auto-renewing services renewed. */
  renewed: number
  /** Auto-renewing services suspended because the client could not pay. */
  suspended: number
  /** Services without auto-renewal suspended because their time ended. */
  expired: number
}

const dueCondition = (now: number) => and(eq(items.status, ItemStatus.active), lte(items.expiresAt, now))

/** Whether any active service's paid time has ended (cheap: one step on an index). */
export async function hasDue(db: Db, now: number): Promise<boolean> {
  return (await firstRow(db.select({ id: items.id }).from(items).where(dueCondition(now)).limit(1))) !== undefined
}

/** Services handled per transaction by the renewal pass. */
const renewalBatch = 500

/** The renewal pass's statements, prepared once per handle: building one per service would dominate. */
const renewalStatements = preparedFor((db) => ({
  item: db.select().from(items).where(eq(items.id, sql.placeholder('id'))).prepare(),
  account: db.select().from(accounts).where(eq(accounts.id, sql.placeholder('id'))).prepare(),
  state: db
    .update(items)
    .set({ status: sql`${sql.placeholder('status')}`, suspendReason: sql`${sql.placeholder('reason')}`, expiresAt: sql`${sql.placeholder('expires')}` })
    .where(eq(items.id, sql.placeholder('id')))
    .prepare(),
}))

/**
 * The renewal pass: every active service whose paid time has ended is renewed when it renews
 * itself and its client can pay, suspended for non-payment when it cannot, and suspended as
 * expired when it does not renew itself. One transaction per batch of services (joined to the
 * caller's when it already holds one), so a failure leaves no half-renewed service.
 */
export async function renewDue(store: Store, now: number, lang: Lang = 'en'): Promise<RenewalCounts> {
  const counts: RenewalCounts = { renewed: 0, suspended: 0, expired: 0 }
  const due = await store.db.select({ id: items.id }).from(items).where(dueCondition(now)).orderBy(asc(items.expiresAt), asc(items.id))
  const tariffNames = new Map<number, string>()
  for (let start = 0; start < due.length; start += renewalBatch) {
    const batch = due.slice(start, start + renewalBatch)
    // Counted only once the batch is committed: a transaction run again counts afresh.
    const done = await store.write(async (tx) => {
      const batchCounts: RenewalCounts = { renewed: 0, suspended: 0, expired: 0 }
      const renew = renewalOf({ db: tx, now, lang }, tariffNames)
      for (const { id } of batch) {
        const outcome = await renew(id)
        if (outcome) batchCounts[outcome]++
      }
      return batchCounts
    })
    counts.renewed += done.renewed
    counts.suspended += done.suspended
    counts.expired += done.expired
  }
  return counts
}

/** Renews or suspends one due service by id; undefined when it is no longer due. */
function renewalOf(env: BillingEnv, tariffNames: Map<number, string>): (id: number) => Promise<keyof RenewalCounts | undefined> {
  const statements = renewalStatements(env.db)
  const setState: StateWriter = async (id, status, reason, expires) => {
    await statements.state.execute({ id, status, reason, expires })
  }
  const nameOf = async (id: number) => {
    let name = tariffNames.get(id)
    if (name === undefined) tariffNames.set(id, (name = (await tariffById(env.db, id))?.name ?? ''))
    return name
  }
  return async (id) => {
    const [item] = await statements.item.execute({ id })
    if (!item || item.status !== ItemStatus.active || (item.expiresAt ?? env.now) > env.now) return undefined
    const suspend = async (reason: string) => {
      await setState(item.id, ItemStatus.suspended, reason, item.expiresAt)
      await tell(env, 'clients.subscriptions.deactivate', { ...item, status: ItemStatus.suspended, suspendReason: reason })
    }
    if (!item.autoRenew) {
      await suspend(SuspendReason.expired)
      return 'expired'
    }
    const [account] = await statements.account.execute({ id: item.accountId })
    if (await renewThroughNow(env, item, account, await nameOf(item.pricelistId), setState)) return 'renewed'
    await suspend(SuspendReason.nopay)
    return 'suspended'
  }
}

/** Services that use a tariff, in any status: such a tariff cannot be deleted. */
export async function tariffInUse(db: Db, pricelistId: number): Promise<boolean> {
  return (await firstRow(db.select({ id: items.id }).from(items).where(eq(items.pricelistId, pricelistId)).limit(1))) !== undefined
}
