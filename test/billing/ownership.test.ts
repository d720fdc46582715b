import { describe, expect, it } from 'vitest'
import { accounts, users } from '../../src/db/schema/index'
import { adminPassword, makeTestApp } from '../helpers'

const asAdmin = { authinfo: `admin:${adminPassword}` }

/** Two resellers, one client each, and one operator's own client, written straight to the tables. */
async function world() {
  const t = await makeTestApp()
  const north = await t.createReseller('North')
  const south = await t.createReseller('South')
  const add = async (name: string, resellerId: number | null) =>
    (await t.db.insert(accounts).values({ name, resellerId, currencyId: 1, createdAt: 0 }).returning({ id: accounts.id }))[0].id
  const northClient = await add('North client', north)
  const southClient = await add('South client', south)
  const ownClient = await add('Own client', null)
  await t.createUser('nstaff', '24', 'north-secret-1', { reseller: String(north) })
  await t.createUser('sstaff', '24', 'south-secret-1', { reseller: String(south) })
  return { t, north, south, northClient, southClient, ownClient }
}

const names = (reply: { elem?: { name: string }[] }) => (reply.elem ?? []).map((e) => e.name)

describe('who belongs to whom', () => {
  it('binds staff to a reseller and client users to a client (and so to its reseller)', async () => {
    const { t, north, northClient, ownClient } = await world()
    const bob = await t.createUser('bob', '16', 'user-secret-1', { account: String(northClient) })
    const own = await t.createUser('own', '16', 'user-secret-1', { account: String(ownClient) })
    const row = async (id: number) => (await t.db.select().from(users)).find((u) => u.id === id)!
    expect(await row(bob)).toMatchObject({ resellerId: north, accountId: northClient })
    expect(await row(own)).toMatchObject({ resellerId: null, accountId: ownClient })
    const form = await t.data({ func: 'user.edit', elid: String(bob), ...asAdmin })
    expect(form).toMatchObject({ reseller: north, account: northClient })
  })

  it('refuses bindings that do not fit the level', async () => {
    const { t, north, northClient } = await world()
    const create = (extra: Record<string, string>) =>
      t.data({ func: 'user.edit', sok: 'ok', name: 'x1', passwd: 'secret-pw-1', confirm: 'secret-pw-1', ...asAdmin, ...extra })
    expect((await create({ level: '24' })).error).toMatchObject({ type: 'missed', object: 'reseller', msg: 'Required parameter missing: Reseller' })
    expect((await create({ level: '24', reseller: '99' })).error).toMatchObject({ type: 'missed', object: 'reseller', value: '99' })
    expect((await create({ level: '24', reseller: String(north), account: String(northClient) })).error).toMatchObject({ type: 'value', object: 'account' })
    expect((await create({ level: '28', reseller: String(north) })).error).toMatchObject({ type: 'value', object: 'reseller' })
    expect((await create({ level: '16', account: '999' })).error).toMatchObject({ type: 'missed', object: 'account', value: '999', msg: 'Client "999" does not exist' })
    expect((await create({ level: '16', account: String(northClient), reseller: '2' })).error).toMatchObject({ type: 'value', object: 'reseller' })
    expect((await create({ level: '16', account: 'abc' })).error).toMatchObject({ type: 'value', object: 'account' })
    expect((await t.db.select().from(users)).map((u) => u.name)).not.toContain('x1')
  })

  it("a reseller's staff creates users only for its own clients, and sees and acts as only those", async () => {
    const { t, north, northClient, southClient } = await world()
    const asNorth = { authinfo: 'nstaff:north-secret-1' }
    const create = (name: string, extra: Record<string, string>) =>
      t.data({ func: 'user.edit', sok: 'ok', name, passwd: 'secret-pw-1', confirm: 'secret-pw-1', ...asNorth, ...extra })
    const made = await create('nuser', { account: String(northClient) })
    expect(made.ok).toBe(true)
    expect((await t.db.select().from(users)).find((u) => u.name === 'nuser')).toMatchObject({ resellerId: north, accountId: northClient, level: 16 })
    expect((await create('intruder', { account: String(southClient) })).error).toMatchObject({ type: 'access', object: 'account' })
    expect((await create('intruder', { reseller: '2' })).error).toMatchObject({ type: 'access', object: 'reseller' })
    await t.createUser('suser', '16', 'user-secret-1', { account: String(southClient) })
    expect(names(await t.data({ func: 'user', ...asNorth }))).toEqual(['nuser'])
    expect(names(await t.data({ func: 'user', authinfo: 'sstaff:south-secret-1' }))).toEqual(['suser'])
    // su only to its own client users; never to the other reseller's, nor to staff.
    expect((await t.data({ func: 'user', su: 'suser', ...asNorth })).error).toMatchObject({ type: 'access', object: 'su' })
    expect((await t.data({ func: 'user', su: 'sstaff', ...asNorth })).error).toMatchObject({ type: 'access', object: 'su' })
    expect((await t.data({ func: 'pricelist', su: 'nuser', ...asNorth })).elem).toBeDefined()
    const suser = (await t.db.select().from(users)).find((u) => u.name === 'suser')!
    expect((await t.data({ func: 'user.edit', elid: String(suser.id), ...asNorth })).error).toMatchObject({ type: 'access', object: 'elid' })
    expect((await t.data({ func: 'user.delete', elid: String(suser.id), ...asNorth })).error).toMatchObject({ type: 'access', object: 'elid' })
  })

  it("a client's allowed addresses apply to its users", async () => {
    const { t, northClient } = await world()
    await t.createUser('bob', '16', 'user-secret-1', { account: String(northClient) })
    await t.db.update(accounts).set({ allowedAddresses: '192.0.2.0/24' })
    expect((await t.data({ func: 'pricelist', authinfo: 'bob:user-secret-1' })).error).toMatchObject({ type: 'auth', object: 'address' })
    const from = { address: '192.0.2.9' }
    const session = await t.login('bob', 'user-secret-1', from)
    expect((await t.data({ func: 'pricelist', auth: session }, from)).elem).toBeDefined()
    expect((await t.data({ func: 'pricelist', auth: session })).error).toMatchObject({ type: 'auth', object: 'address' })
  })
})
