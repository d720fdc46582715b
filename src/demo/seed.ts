import type Database from 'better-sqlite3'
import { hashPassword } from '../auth/passwords'
import { balanceDrift } from '../billing/ledger'
import type { Progress } from '../cli/progress'
import { Level } from '../core/principal'
import type { Db } from '../db/connection'
import { catalogs, currencyCodes } from './catalog'
import { Inserter, nextId, rollbackOpen } from './inserter'
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
 * Fills an (empty of clients) database with a demo operator. Every row goes through one
 * prepared statement per table, in id order, in big transactions; balances are computed in
 * memory and written last, then checked against the ledger's invariant.
 */
export async function seedDemo(db: Db, options: DemoOptions, progress: Progress): Promise<DemoResult> {
  const impossible = sizeProblem(options)
  if (impossible) throw new DemoError(impossible)
  const passwordHash = await hashPassword(demoPassword)
  const sqlite = db.$client
  const cacheBefore = sqlite.pragma('cache_size', { simple: true })
  sqlite.pragma(`cache_size = -${seedCacheKiB}`)
  try {
    return write(db, options, progress, passwordHash)
  } finally {
    rollbackOpen(sqlite)
    sqlite.pragma(`cache_size = ${Number(cacheBefore)}`)
  }
}

function write(db: Db, options: DemoOptions, progress: Progress, passwordHash: string): DemoResult {
  const w = new DemoWriter(db, options, progress)
  const { resellers, methods, plans } = w.catalog()
  const { clients, staff } = w.people(resellers, passwordHash)
  const books = new Books(clients.length)
  w.services(clients, plans, books)
  w.payments(clients, methods, books)
  w.balances(clients, books)
  const drift = balanceDrift(db)
  if (drift.length) {
    const sample = drift.slice(0, 5).map((d) => `client ${d.id}: balance ${d.balance}, expected ${d.expected}`)
    throw new Error(`balances do not match payments and expenses for ${drift.length} clients (${sample.join('; ')})`)
  }
  return { rows: w.rows, logins: demoLogins(staff, clients) }
}

type Staff = { reseller: Reseller; login: string }

/** The steps of seeding, in the order their rows must be written (parents first). */
class DemoWriter {
  /** Rows written so far, by what they are. */
  readonly rows: Record<string, number> = {}
  private readonly sqlite: Database.Database
  private readonly rng: Random
  private readonly now: number
  private readonly currencies: Currency[]
  private readonly logins: UniqueNames

  constructor(
    db: Db,
    private readonly options: DemoOptions,
    private readonly progress: Progress,
  ) {
    this.sqlite = db.$client
    this.rng = new Random(options.seed)
    this.now = options.now
    this.currencies = currencyCodes.map((code) => {
      const row = this.sqlite.prepare('select id, places from currencies where code = ?').get(code) as { id: number; places: number } | undefined
      if (!row) throw new DemoError(`the currency ${code} is missing; the demo catalog is priced in ${currencyCodes.join(', ')}`)
      return { id: row.id, code, places: row.places }
    })
    // Logins must not clash with the users already there; clients' e-mails become logins too.
    this.logins = new UniqueNames(this.sqlite.prepare('select name from users').pluck().all() as string[])
  }

  private table(name: string, label: string, total: number, columns: readonly string[]): Inserter {
    this.rows[label] = total
    return new Inserter(this.sqlite, name, columns, this.progress.start(label, total))
  }

  /** Resellers, and per currency the payment methods (with how often each is used) and tariff plans. */
  catalog(): { resellers: Reseller[]; methods: Map<Currency, (readonly [id: number, weight: number])[]>; plans: Plan[] } {
    const { sqlite, rng, now, currencies } = this
    const resellerNames = new UniqueNames(sqlite.prepare('select name from resellers').pluck().all() as string[])
    const firstReseller = nextId(sqlite, 'resellers')
    const resellers = makeResellers(rng, this.options.resellers, currencies, resellerNames, now).map((r, i) => ({ ...r, id: firstReseller + i }))
    const resellerRows = this.table('resellers', 'resellers', resellers.length, ['id', 'name', 'email', 'note', 'status', 'created_at'])
    for (const r of resellers) resellerRows.row(r.id, r.name, r.email, '', 'active', r.createdAt)
    resellerRows.finish()

    const firstMethod = nextId(sqlite, 'paymethods')
    const listed = currencies.flatMap((currency) => catalogs[currency.code].paymethods.map(([name, weight]) => ({ name, weight, currency })))
    const methodRows = this.table('paymethods', 'payment methods', listed.length, ['id', 'name', 'currency_id', 'enabled', 'created_at'])
    listed.forEach((m, i) => methodRows.row(firstMethod + i, m.name, m.currency.id, 1, now - 3 * year))
    methodRows.finish()
    const methods = new Map(currencies.map((c) => [c, listed.flatMap((m, i) => (m.currency === c ? [[firstMethod + i, m.weight] as const] : []))]))

    const plans = makePlans(currencies, nextId(sqlite, 'pricelists'))
    const planRows = this.table('pricelists', 'tariff plans', plans.length, ['id', 'name', 'product_type', 'currency_id', 'setup_fee', 'price_1', 'price_3', 'price_6', 'price_12', 'orderable', 'active', 'created_at'])
    for (const p of plans) {
      const price = (months: number) => p.prices.get(months) ?? null
      planRows.row(p.id, p.name, p.type, p.currency.id, p.setupFee, price(1), price(3), price(6), price(12), 1, 1, now - 3 * year)
    }
    planRows.finish()
    return { resellers, methods, plans }
  }

  /** Clients, a staff user per reseller and a user per client (its e-mail as login). */
  people(resellers: readonly Reseller[], passwordHash: string): { clients: Client[]; staff: Staff[] } {
    const { sqlite, rng, now, logins } = this
    const clients = makeClients(rng, this.options.clients, resellers, this.currencies, logins, now, nextId(sqlite, 'accounts'))
    const clientRows = this.table('accounts', 'clients', clients.length, ['id', 'name', 'email', 'reseller_id', 'currency_id', 'balance', 'credit_limit', 'status', 'lang', 'allowed_addresses', 'note', 'created_at'])
    for (const c of clients) clientRows.row(c.id, c.name, c.email, c.reseller?.id ?? null, c.currency.id, 0, c.creditLimit, c.status, c.lang, '', '', c.createdAt)
    clientRows.finish()

    const staff = resellers.map((r) => ({ reseller: r, login: logins.claim(`support@${r.slug}.example`) }))
    const userRows = this.table('users', 'users', staff.length + clients.length, ['name', 'realname', 'email', 'password_hash', 'level', 'status', 'lang', 'reseller_id', 'account_id', 'allowed_addresses', 'created_at', 'updated_at'])
    for (const { reseller: r, login } of staff) userRows.row(login, `${r.name} support`, login, passwordHash, Level.reseller, 'active', '', r.id, null, '', r.createdAt, r.createdAt)
    for (const c of clients) userRows.row(c.email, c.name, c.email, passwordHash, Level.user, 'active', c.lang, c.reseller?.id ?? null, c.id, '', c.createdAt, c.createdAt)
    userRows.finish()
    return { clients, staff }
  }

  /**
   * Services, everything they were charged (setup fees, periods, rated calls) and the calls.
   * The calls are made twice from the same generator state: once to total the closed months
   * into expenses, which must be written first, and once to write them pointing at those.
   */
  services(clients: readonly Client[], plans: readonly Plan[], books: Books): void {
    const { sqlite, rng, now, options } = this
    const services = makeServices(rng, options.services, clients, plans, now, nextId(sqlite, 'items'))
    const serviceRows = this.table('items', 'services', services.length, ['id', 'account_id', 'pricelist_id', 'name', 'period', 'status', 'suspend_reason', 'created_at', 'expires_at', 'auto_renew', 'cost'])
    for (const s of services) serviceRows.row(s.id, s.client.id, s.plan.id, s.name, s.period, s.status, s.suspendReason, s.createdAt, s.expiresAt, s.autoRenew ? 1 : 0, s.cost)
    serviceRows.finish()

    const calls = new CallGenerator(services, now)
    if (options.xdrs > 0 && calls.size === 0) throw new DemoError('no voice service could have made calls: ask for more services (--services)')
    const callsFrom = Math.max(now - year, calls.earliest)
    const replay = rng.fork()
    const rating = new UsageRating(now)
    const rated = this.progress.start('rating usage', options.xdrs, 'records')
    calls.run(rng, options.xdrs, callsFrom, now, (call) => {
      rating.add(call)
      rated.tick()
    })
    rated.done()

    const charges: { expense: Omit<Expense, 'id'>; register?: (id: number) => void }[] = [
      ...services.flatMap((s) => serviceCharges(s).map((expense) => ({ expense }))),
      ...rating.expenses(),
    ]
    charges.sort((a, b) => a.expense.createdAt - b.expense.createdAt)
    const firstExpense = nextId(sqlite, 'expenses')
    const expenseRows = this.table('expenses', 'expenses', charges.length, ['id', 'account_id', 'item_id', 'invoice_id', 'amount', 'currency_id', 'created_at', 'description'])
    charges.forEach(({ expense: e, register }, i) => {
      const id = firstExpense + i
      register?.(id)
      books.charged[e.client.index] += e.amount
      expenseRows.row(id, e.client.id, e.service?.id ?? null, null, e.amount, e.client.currency.id, e.createdAt, e.description)
    })
    expenseRows.finish()

    let xdrId = nextId(sqlite, 'xdrs')
    const xdrRows = this.table('xdrs', 'usage records', options.xdrs, ['id', 'item_id', 'account_id', 'started_at', 'quantity', 'unit_price', 'cost', 'expense_id'])
    calls.run(replay, options.xdrs, callsFrom, now, (call) => {
      xdrRows.row(xdrId++, call.service.id, call.service.client.id, call.startedAt, call.quantity, call.unitPrice, call.cost, rating.expenseOf(call))
    })
    xdrRows.finish()
  }

  /** Payments, sized to what each client was charged (books.charged must be complete). */
  payments(clients: readonly Client[], methods: Map<Currency, (readonly [number, number])[]>, books: Books): void {
    const { sqlite, rng, now } = this
    let paymentId = nextId(sqlite, 'payments')
    const paymentRows = this.table('payments', 'payments', this.options.payments, ['id', 'number', 'account_id', 'paymethod_id', 'amount', 'currency_id', 'status', 'created_at', 'paid_at', 'sender', 'note'])
    makePayments(rng, this.options.payments, clients, books, now, (p) => {
      const method = rng.weighted(methods.get(p.client.currency) ?? [])
      const id = paymentId++
      paymentRows.row(id, String(id), p.client.id, method, p.amount, p.client.currency.id, p.status, p.createdAt, p.paidAt, p.client.name, p.note)
    })
    paymentRows.finish()
  }

  /** Every client's balance: its credited payments minus its expenses, as counted while writing them. */
  balances(clients: readonly Client[], books: Books): void {
    const task = this.progress.start('balances', clients.length)
    const update = this.sqlite.prepare('update accounts set balance = ? where id = ?')
    this.sqlite
      .transaction(() => {
        for (const c of clients) {
          update.run(books.balance(c), c.id)
          task.tick()
        }
      })
      .immediate()
    task.done()
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
