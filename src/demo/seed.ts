import { eq } from 'drizzle-orm'
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core'
import { hashPassword } from '../auth/passwords'
import { balanceDrift } from '../billing/ledger'
import type { Progress } from '../cli/progress'
import { Level } from '../core/principal'
import { firstRow } from '../db/query'
import { accounts, currencies, expenses, items, paymethods, payments, pricelists, resellers, users, xdrs } from '../db/schema/index'
import type { Store } from '../db/store'
import { catalogs, currencyCodes } from './catalog'
import { insertRows, nextId, setById } from './inserter'
import { Books, type Client, type Currency, type Expense, type Plan, type Reseller } from './model'
import { makePayments } from './payments'
import { makeClients, makeResellers, UniqueNames } from './people'
import { Random } from './random'
import { makePlans, makeServices, serviceCharges } from './services'
import { year } from './time'
import { CallGenerator, UsageRating } from './usage'

export interface DemoSize {
  resellers: number
  clients: number
  payments: number
  services: number
  xdrs: number
}

export const defaultDemoSize: DemoSize = { resellers: 3, clients: 2000, payments: 20_000, services: 5000, xdrs: 200_000 }

/** The one password of every demo user. */
export const demoPassword = 'demo-password'

export interface DemoOptions extends DemoSize {
  seed: number
  /** The moment the data leads up to, in ms. */
  now: number
}

/** A demo login worth showing, and whose it is. */
export interface DemoLogin {
  login: string
  role: string
}

export interface DemoResult {
  /** Rows written, by what they are (clients, usage records…). */
  rows: Record<string, number>
  logins: DemoLogin[]
}

/** Why data of this size cannot be made, if it cannot. */
export function sizeProblem(size: DemoSize): string | undefined {
  if ((size.services || size.payments) && !size.clients) return 'services and payments need clients (--clients)'
  if (size.xdrs && !size.services) return 'usage records need services (--services)'
  return undefined
}

/** Demo data that cannot be made as asked (as opposed to a fault of the program). */
export class DemoError extends Error {}

/** SQLite's page cache for this connection while seeding, in KiB: the indexes being filled stay in memory. */
const seedCacheKiB = 256 * 1024

/**
 * Fills an (empty of clients) database with a demo operator. Rows are written in id order, in
 * big batches; balances are computed in memory and written last, then checked against the
 * ledger's invariant.
 */
export async function seedDemo(store: Store, options: DemoOptions, progress: Progress): Promise<DemoResult> {
  const impossible = sizeProblem(options)
  if (impossible) throw new DemoError(impossible)
  const passwordHash = await hashPassword(demoPassword)
  if (store.dialect !== 'sqlite') return write(store, options, progress, passwordHash)
  const sqlite = store.db.$client
  const cacheBefore = sqlite.pragma('cache_size', { simple: true })
  sqlite.pragma(`cache_size = -${seedCacheKiB}`)
  try {
    return await write(store, options, progress, passwordHash)
  } finally {
    sqlite.pragma(`cache_size = ${Number(cacheBefore)}`)
  }
}

async function write(store: Store, options: DemoOptions, progress: Progress, passwordHash: string): Promise<DemoResult> {
  const w = await DemoWriter.open(store, options, progress)
  const { resellers, methods, plans } = await w.catalog()
  const { clients, staff } = await w.people(resellers, passwordHash)
  const books = new Books(clients.length)
  await w.services(clients, plans, books)
  await w.payments(clients, methods, books)
  await w.balances(clients, books)
  const drift = await balanceDrift(store.db)
  if (drift.length) {
    const sample = drift.slice(0, 5).map((d) => `client ${d.id}: balance ${d.balance}, expected ${d.expected}`)
    throw new Error(`balances do not match payments and expenses for ${drift.length} clients (${sample.join('; ')})`)
  }
  return { rows: w.rows, logins: demoLogins(staff, clients) }
}

type Staff = { reseller: Reseller; login: string }

/** The currencies the demo catalog is priced in, as the database has them. */
async function demoCurrencies(store: Store): Promise<Currency[]> {
  const found: Currency[] = []
  for (const code of currencyCodes) {
    const row = await firstRow(store.db.select({ id: currencies.id, places: currencies.places }).from(currencies).where(eq(currencies.code, code)))
    if (!row) throw new DemoError(`the currency ${code} is missing; the demo catalog is priced in ${currencyCodes.join(', ')}`)
    found.push({ id: row.id, code, places: row.places })
  }
  return found
}

/** The steps of seeding, in the order their rows must be written (parents first). */
class DemoWriter {
  /** Rows written so far, by what they are. */
  readonly rows: Record<string, number> = {}
  private readonly rng: Random
  private readonly now: number

  private constructor(
    private readonly store: Store,
    private readonly options: DemoOptions,
    private readonly progress: Progress,
    private readonly currencies: Currency[],
    private readonly logins: UniqueNames,
  ) {
    this.rng = new Random(options.seed)
    this.now = options.now
  }

  static async open(store: Store, options: DemoOptions, progress: Progress): Promise<DemoWriter> {
    // Logins must not clash with the users already there; clients' e-mails become logins too.
    const taken = await store.db.select({ name: users.name }).from(users)
    return new DemoWriter(store, options, progress, await demoCurrencies(store), new UniqueNames(taken.map((u) => u.name)))
  }

  /** Writes `total` rows of `columns` to a table, counted under `label`. */
  private insert(table: SQLiteTable, label: string, columns: readonly SQLiteColumn[], total: number, rows: Iterable<unknown[]>): Promise<void> {
    this.rows[label] = total
    return insertRows(this.store, table, columns, rows, this.progress.start(label, total))
  }

  /** Resellers, and per currency the payment methods (with how often each is used) and tariff plans. */
  async catalog(): Promise<{ resellers: Reseller[]; methods: Map<Currency, (readonly [id: number, weight: number])[]>; plans: Plan[] }> {
    const { store, rng, now, currencies } = this
    const taken = await store.db.select({ name: resellers.name }).from(resellers)
    const resellerNames = new UniqueNames(taken.map((r) => r.name))
    const firstReseller = await nextId(store, resellers)
    const made = makeResellers(rng, this.options.resellers, currencies, resellerNames, now).map((r, i) => ({ ...r, id: firstReseller + i }))
    const t = resellers
    await this.insert(t, 'resellers', [t.id, t.name, t.email, t.note, t.status, t.createdAt], made.length, made.map((r) => [r.id, r.name, r.email, '', 'active', r.createdAt]))

    const firstMethod = await nextId(store, paymethods)
    const listed = currencies.flatMap((currency) => catalogs[currency.code].paymethods.map(([name, weight]) => ({ name, weight, currency })))
    const m = paymethods
    const methodRows = listed.map((method, i) => [firstMethod + i, method.name, method.currency.id, true, now - 3 * year])
    await this.insert(m, 'payment methods', [m.id, m.name, m.currencyId, m.enabled, m.createdAt], listed.length, methodRows)
    const methods = new Map(currencies.map((c) => [c, listed.flatMap((m, i) => (m.currency === c ? [[firstMethod + i, m.weight] as const] : []))]))

    const plans = makePlans(currencies, await nextId(store, pricelists))
    const p = pricelists
    const planRows = plans.map((plan) => {
      const price = (months: number) => plan.prices.get(months) ?? null
      return [plan.id, plan.name, plan.type, plan.currency.id, plan.setupFee, price(1), price(3), price(6), price(12), true, true, now - 3 * year]
    })
    await this.insert(p, 'tariff plans', [p.id, p.name, p.productType, p.currencyId, p.setupFee, p.price1, p.price3, p.price6, p.price12, p.orderable, p.active, p.createdAt], plans.length, planRows)
    return { resellers: made, methods, plans }
  }

  /** Clients, a staff user per reseller and a user per client (its e-mail as login). */
  async people(resellers: readonly Reseller[], passwordHash: string): Promise<{ clients: Client[]; staff: Staff[] }> {
    const { store, rng, now, logins } = this
    const clients = makeClients(rng, this.options.clients, resellers, this.currencies, logins, now, await nextId(store, accounts))
    const a = accounts
    const clientRows = clients.map((c) => [c.id, c.name, c.email, c.reseller?.id ?? null, c.currency.id, 0, c.creditLimit, c.status, c.lang, '', '', c.createdAt])
    await this.insert(a, 'clients', [a.id, a.name, a.email, a.resellerId, a.currencyId, a.balance, a.creditLimit, a.status, a.lang, a.allowedAddresses, a.note, a.createdAt], clients.length, clientRows)

    const staff = resellers.map((r) => ({ reseller: r, login: logins.claim(`support@${r.slug}.example`) }))
    const u = users
    const userRows = [
      ...staff.map(({ reseller: r, login }) => [login, `${r.name} support`, login, passwordHash, Level.reseller, 'active', '', r.id, null, '', r.createdAt, r.createdAt]),
      ...clients.map((c) => [c.email, c.name, c.email, passwordHash, Level.user, 'active', c.lang, c.reseller?.id ?? null, c.id, '', c.createdAt, c.createdAt]),
    ]
    await this.insert(u, 'users', [u.name, u.realname, u.email, u.passwordHash, u.level, u.status, u.lang, u.resellerId, u.accountId, u.allowedAddresses, u.createdAt, u.updatedAt], userRows.length, userRows)
    return { clients, staff }
  }

  /**
   * Services, everything they were charged (setup fees, periods, rated calls) and the calls.
   * The calls are made twice from the same generator state: once to total the closed months
   * into expenses, which must be written first, and once to write them pointing at those.
   */
  async services(clients: readonly Client[], plans: readonly Plan[], books: Books): Promise<void> {
    const { store, rng, now, options } = this
    const services = makeServices(rng, options.services, clients, plans, now, await nextId(store, items))
    const i = items
    const serviceRows = services.map((s) => [s.id, s.client.id, s.plan.id, s.name, s.period, s.status, s.suspendReason, s.createdAt, s.expiresAt, s.autoRenew, s.cost])
    await this.insert(i, 'services', [i.id, i.accountId, i.pricelistId, i.name, i.period, i.status, i.suspendReason, i.createdAt, i.expiresAt, i.autoRenew, i.cost], services.length, serviceRows)

    const calls = new CallGenerator(services, now)
    if (options.xdrs > 0 && calls.size === 0) throw new DemoError('no voice service could have made calls: ask for more services (--services)')
    const callsFrom = Math.max(now - year, calls.earliest)
    const replay = rng.fork()
    const rating = new UsageRating(now)
    const rated = this.progress.start('rating usage', options.xdrs, 'records')
    for (const call of calls.calls(rng, options.xdrs, callsFrom, now)) {
      rating.add(call)
      rated.tick()
    }
    rated.done()

    const charges: { expense: Omit<Expense, 'id'>; register?: (id: number) => void }[] = [
      ...services.flatMap((s) => serviceCharges(s).map((expense) => ({ expense }))),
      ...rating.expenses(),
    ]
    charges.sort((a, b) => a.expense.createdAt - b.expense.createdAt)
    const firstExpense = await nextId(store, expenses)
    const e = expenses
    const expenseRows = charges.map(({ expense, register }, k) => {
      const id = firstExpense + k
      register?.(id)
      books.charged[expense.client.index] += expense.amount
      return [id, expense.client.id, expense.service?.id ?? null, null, expense.amount, expense.client.currency.id, expense.createdAt, expense.description]
    })
    await this.insert(e, 'expenses', [e.id, e.accountId, e.itemId, e.invoiceId, e.amount, e.currencyId, e.createdAt, e.description], charges.length, expenseRows)

    const firstXdr = await nextId(store, xdrs)
    function* xdrRows() {
      let id = firstXdr
      for (const call of calls.calls(replay, options.xdrs, callsFrom, now)) {
        yield [id++, call.service.id, call.service.client.id, call.startedAt, call.quantity, call.unitPrice, call.cost, rating.expenseOf(call)]
      }
    }
    const x = xdrs
    await this.insert(x, 'usage records', [x.id, x.itemId, x.accountId, x.startedAt, x.quantity, x.unitPrice, x.cost, x.expenseId], options.xdrs, xdrRows())
  }

  /** Payments, sized to what each client was charged (books.charged must be complete). */
  async payments(clients: readonly Client[], methods: Map<Currency, (readonly [number, number])[]>, books: Books): Promise<void> {
    const { store, rng, now } = this
    const count = this.options.payments
    const firstPayment = await nextId(store, payments)
    function* paymentRows() {
      let next = firstPayment
      for (const p of makePayments(rng, count, clients, books, now)) {
        const method = rng.weighted(methods.get(p.client.currency) ?? [])
        const id = next++
        yield [id, String(id), p.client.id, method, p.amount, p.client.currency.id, p.status, p.createdAt, p.paidAt, p.client.name, p.note]
      }
    }
    const p = payments
    await this.insert(p, 'payments', [p.id, p.number, p.accountId, p.paymethodId, p.amount, p.currencyId, p.status, p.createdAt, p.paidAt, p.sender, p.note], count, paymentRows())
  }

  /** Every client's balance: its credited payments minus its expenses, as counted while writing them. */
  async balances(clients: readonly Client[], books: Books): Promise<void> {
    const task = this.progress.start('balances', clients.length)
    await setById(this.store, accounts.balance, accounts.id, clients.map((c) => [c.id, books.balance(c)]), task)
  }
}

/** A staff login per reseller, and a client login of each reseller and of the operator. */
function demoLogins(staff: readonly Staff[], clients: readonly Client[]): DemoLogin[] {
  const logins: DemoLogin[] = staff.map((s) => ({ login: s.login, role: `staff of ${s.reseller.name}` }))
  for (const owner of [...staff.map((s) => s.reseller), null]) {
    const client = clients.find((c) => c.reseller === owner && c.status === 'active')
    if (client) logins.push({ login: client.email, role: `client ${client.name} (${owner ? owner.name : "the operator's own"})` })
  }
  return logins
}
