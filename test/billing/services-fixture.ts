import { eq } from 'drizzle-orm'
import { expect } from 'vitest'
import { balanceDrift, creditPayment } from '../../src/billing/ledger'
import { firstRow } from '../../src/db/query'
import { accounts, expenses, items, PaymentStatus, payments } from '../../src/db/schema/index'
import { adminPassword, makeTestApp } from '../helpers'

export const asAdmin = { authinfo: `admin:${adminPassword}` }
export const day = 86_400_000

/** A gateway with helpers to make clients, pay them money and make tariffs, for service tests. */
export async function servicesWorld() {
  const t = await makeTestApp()
  let paid = 0

  /** A client written straight to the table (its balance comes only from payments). */
  const client = async (name: string, extra: Partial<typeof accounts.$inferInsert> = {}) =>
    (
      await t.db
        .insert(accounts)
        .values({ name, currencyId: 1, balance: 0, creditLimit: 0, createdAt: 0, ...extra })
        .returning({ id: accounts.id })
    )[0].id

  /** Credits a payment of `minor` units to a client, as the payments module would. */
  const pay = async (accountId: number, minor: number) => {
    const account = (await firstRow(t.db.select().from(accounts).where(eq(accounts.id, accountId))))!
    const number = `T-${++paid}`
    await t.store.write(async (tx) => {
      await tx
        .insert(payments)
        .values({ number, accountId, amount: minor, currencyId: account.currencyId, status: PaymentStatus.credited, createdAt: t.clock() })
      await creditPayment(tx, accountId, minor, 1, t.clock())
    })
  }

  /** A tariff made through pricelist.edit; returns its id. */
  const tariff = async (fields: Record<string, string> = {}) => {
    const reply = await t.data({ func: 'pricelist.edit', sok: 'ok', name: 'VDS-1', product_type: 'vds', currency: 'USD', setup_fee: '5', price_1: '10.50', price_12: '100', ...asAdmin, ...fields })
    if (!reply.ok) throw new Error(`pricelist.edit failed: ${JSON.stringify(reply)}`)
    return reply.id as number
  }

  const order = (params: Record<string, string>, as: Record<string, string> = asAdmin) => t.data({ func: 'item.order', ...as, ...params })

  const balance = async (accountId: number) => (await firstRow(t.db.select().from(accounts).where(eq(accounts.id, accountId))))!.balance
  const item = async (id: number) => (await firstRow(t.db.select().from(items).where(eq(items.id, id))))!
  const chargesOf = (itemId: number) => t.db.select().from(expenses).where(eq(expenses.itemId, itemId)).orderBy(expenses.id)
  const books = async () => expect(await balanceDrift(t.db)).toEqual([])

  return { t, client, pay, tariff, order, balance, item, chargesOf, books }
}

export type ServicesWorld = Awaited<ReturnType<typeof servicesWorld>>
