import { charge } from '../../src/billing/ledger'
import { accounts, currencies, ItemStatus, items, paymethods, payments, pricelists, xdrs } from '../../src/db/schema/index'
import { adminPassword, makeTestApp, type TestApp } from '../helpers'

export const asAdmin = { authinfo: `admin:${adminPassword}` }
export const adminLogin = { 'auth[login]': 'admin', 'auth[password]': adminPassword }
export const staffLogin = { 'auth[login]': 'nstaff', 'auth[password]': 'north-secret-1' }
export const userLogin = { 'auth[login]': 'suser', 'auth[password]': 'user-secret-1' }

export const at = (iso: string) => Date.parse(`${iso}Z`)

/**
 * Two resellers with a client each and the operator's own client, in currencies of 2, 0 and 3
 * decimals, with names that need quoting, one that looks like a formula and one in Cyrillic;
 * payments, expenses (a refund among them) and usage records for each, written straight to
 * the tables; North's staff and a user of South's client.
 */
export async function filesWorld(overrides: Parameters<typeof makeTestApp>[0] = {}) {
  const t = await makeTestApp(overrides)
  const north = await t.createReseller('North')
  const south = await t.createReseller('South')
  const currency = async (code: string, places: number) =>
    (await t.db.insert(currencies).values({ code, name: code, places, createdAt: 0 }).returning({ id: currencies.id }))[0].id
  const jpy = await currency('JPY', 0)
  const bhd = await currency('BHD', 3)
  const client = async (name: string, resellerId: number | null, currencyId: number, email = '') =>
    (await t.db.insert(accounts).values({ name, email, resellerId, currencyId, createdAt: 0 }).returning({ id: accounts.id }))[0].id
  const northClient = await client('Smith, "Jr" & Co', north, 1, 'billing@smith.example')
  const southClient = await client('=HYPERLINK("http://evil.example")', south, jpy)
  const ownClient = await client('ООО «Ромашка»', null, bhd, 'info@romashka.example')
  const bank = (await t.db.insert(paymethods).values({ name: 'Bank transfer', currencyId: 1, createdAt: 0 }).returning({ id: paymethods.id }))[0].id
  const pay = async (values: Omit<typeof payments.$inferInsert, 'id'>) => (await t.db.insert(payments).values(values).returning({ id: payments.id }))[0].id
  const paymentIds = [
    await pay({ number: 'P-1', accountId: northClient, paymethodId: bank, amount: 1250, currencyId: 1, status: 4, createdAt: at('2026-01-02T03:04:05'), paidAt: at('2026-01-02T04:00:00'), sender: 'John Smith' }),
    await pay({ number: '-42', accountId: southClient, amount: 300, currencyId: jpy, status: 1, createdAt: at('2026-02-10T10:00:00'), sender: '@evil' }),
    await pay({ number: 'P-3', accountId: ownClient, amount: 12345, currencyId: bhd, status: 4, createdAt: at('2026-03-01T23:59:59'), paidAt: at('2026-03-02T00:00:00'), sender: 'Line one\nLine two' }),
    await pay({ number: 'P-4', accountId: northClient, amount: 5, currencyId: 1, status: 6, createdAt: at('2026-03-15T12:00:00'), sender: '' }),
  ]
  const tariff = (await t.db.insert(pricelists).values({ name: 'Traffic', productType: 'traffic', currencyId: 1, createdAt: 0 }).returning({ id: pricelists.id }))[0].id
  const service = async (accountId: number, name: string) =>
    (await t.db.insert(items).values({ accountId, pricelistId: tariff, name, period: 1, status: ItemStatus.active, createdAt: 0, cost: 0 }).returning({ id: items.id }))[0].id
  const northItem = await service(northClient, 'north.example')
  const southItem = await service(southClient, 'south.example')
  const ownItem = await service(ownClient, 'own.example')
  const spend = (accountId: number, currencyId: number, amount: number, description: string, when: string, itemId?: number) =>
    t.store.write((tx) => charge(tx, { accountId, currencyId, amount, description, at: at(when), itemId }))
  const expenseIds = [
    await spend(northClient, 1, 1000, 'Hosting, "plan" A', '2026-01-05T00:00:00', northItem),
    await spend(northClient, 1, -500, 'Refund', '2026-01-06T12:30:00'),
    await spend(southClient, jpy, 7, '+tax', '2026-02-01T08:00:00', southItem),
    await spend(ownClient, bhd, 2500, 'Услуги связи', '2026-03-02T09:15:00', ownItem),
  ]
  const usage = async (itemId: number, accountId: number, when: string, quantity: number, unitPrice: number, cost: number, expenseId: number | null = null) =>
    (await t.db.insert(xdrs).values({ itemId, accountId, startedAt: at(when), quantity, unitPrice, cost, expenseId }).returning({ id: xdrs.id }))[0].id
  const xdrIds = [
    await usage(northItem, northClient, '2026-01-01T00:00:00', 3600, 2500, 900, expenseIds[0]),
    await usage(southItem, southClient, '2026-01-15T06:07:08', 10, 1_000_000, 10),
    await usage(ownItem, ownClient, '2026-02-01T23:59:59', 1, 1234, 1),
    await usage(northItem, northClient, '2026-02-02T10:00:00', 0, 2500, 0),
  ]
  await t.createUser('nstaff', '24', 'north-secret-1', { reseller: String(north) })
  await t.createUser('suser', '16', 'user-secret-1', { account: String(southClient) })
  return { t, north, south, jpy, bhd, northClient, southClient, ownClient, bank, northItem, southItem, ownItem, paymentIds, expenseIds, xdrIds, usage, spend }
}

export type FilesWorld = Awaited<ReturnType<typeof filesWorld>>

/** GET (or POST a form to) the file channel; the response and its bytes as text. */
export async function fetchFile(t: TestApp, path: string, params: Record<string, string>, options: { method?: 'GET' | 'POST'; headers?: Record<string, string> } = {}) {
  const query = new URLSearchParams(params).toString()
  const res =
    options.method === 'POST'
      ? await t.request(`/admin/${path}`, { method: 'POST', body: query, headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers } })
      : await t.request(`/admin/${path}?${query}`, { headers: options.headers })
  return { res, text: await res.text() }
}

/** CSV lines (CRLF-ended) joined into a file's text. */
export const csv = (...lines: string[]) => lines.map((line) => `${line}\r\n`).join('')
