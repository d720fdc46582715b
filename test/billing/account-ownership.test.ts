import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { accounts, auditLog, sessions, users } from '../../src/db/schema/index'
import { firstRow } from '../../src/db/query'
import { adminPassword, makeTestApp, type TestApp } from '../helpers'

const asAdmin = { authinfo: `admin:${adminPassword}` }
const asNorth = { authinfo: 'nstaff:north-secret-1' }
const asSouth = { authinfo: 'sstaff:south-secret-1' }
const asAnna = { authinfo: 'anna:user-secret-1' }

type Row = Record<string, unknown>
const names = (reply: { elem?: Row[] }) => (reply.elem ?? []).map((e) => e.name)
const accountRow = (t: TestApp, id: number) => firstRow(t.db.select().from(accounts).where(eq(accounts.id, id)))
const userRow = (t: TestApp, name: string) => firstRow(t.db.select().from(users).where(eq(users.name, name)))

/** Two resellers with a client each (and staff), the operator's own client, and client users. */
async function world() {
  const t = await makeTestApp()
  const north = await t.createReseller('North')
  const south = await t.createReseller('South')
  const northClient = await t.createAccount('North client', { reseller: String(north) })
  const southClient = await t.createAccount('South client', { reseller: String(south) })
  const ownClient = await t.createAccount('Own client')
  await t.createUser('nstaff', '24', 'north-secret-1', { reseller: String(north) })
  await t.createUser('sstaff', '24', 'south-secret-1', { reseller: String(south) })
  await t.createUser('anna', '16', 'user-secret-1', { account: String(northClient) })
  await t.createUser('boris', '16', 'user-secret-1', { account: String(southClient) })
  return { t, north, south, northClient, southClient, ownClient }
}

describe("clients: a reseller's staff", () => {
  it('sees and changes only its own reseller’s clients', async () => {
    const { t, north, northClient, southClient } = await world()
    expect(names(await t.data({ func: 'account', ...asNorth }))).toEqual(['North client'])
    expect(names(await t.data({ func: 'account', ...asSouth }))).toEqual(['South client'])
    // A filter cannot widen the scope.
    expect((await t.data({ func: 'account', filter: 'on', name: 'client', ...asNorth })).p_elems).toBe(1)
    const south = String(southClient)
    const before = await accountRow(t, southClient)
    const attempts: Record<string, string>[] = [
      { func: 'account.edit', elid: south },
      { func: 'account.edit', elid: south, sok: 'ok', name: 'Taken over' },
      { func: 'account.suspend', elid: south },
      { func: 'account.archive', elid: south },
      { func: 'account.delete', elid: south },
      { func: 'account.delete', elid: `${northClient}, ${south}` },
    ]
    for (const params of attempts) {
      const reply = await t.data({ ...params, ...asNorth })
      expect(reply.error, JSON.stringify(params)).toMatchObject({ type: 'access', object: 'elid', value: south })
      expect(reply.name).toBeUndefined()
    }
    expect(await accountRow(t, southClient)).toEqual(before)
    expect(await accountRow(t, northClient)).toBeDefined()
    expect((await t.data({ func: 'account.su', elid: String(northClient), ...asNorth })).error).toMatchObject({ type: 'access', object: 'func' })
    // Its own client it may view, change, suspend.
    expect((await t.data({ func: 'account.edit', elid: String(northClient), ...asNorth })).name).toBe('North client')
    expect(await t.data({ func: 'account.edit', elid: String(northClient), sok: 'ok', name: 'North client 2', reseller: String(north), ...asNorth })).toEqual({ ok: true })
    expect(await t.data({ func: 'account.suspend', elid: String(northClient), ...asNorth })).toEqual({ ok: true })
    expect(await accountRow(t, northClient)).toMatchObject({ name: 'North client 2', status: 'suspended' })
  })

  it('creates clients for its own reseller only and cannot move them', async () => {
    const { t, north, south, northClient } = await world()
    const made = await t.data({ func: 'account.edit', sok: 'ok', name: 'New north', currency: 'RUB', ...asNorth })
    expect(made.ok).toBe(true)
    expect(await accountRow(t, made.id)).toMatchObject({ resellerId: north, currencyId: 3 })
    expect((await t.data({ func: 'account.edit', sok: 'ok', name: 'Sneaky', currency: 'RUB', reseller: String(south), ...asNorth })).error).toMatchObject({
      type: 'access',
      object: 'reseller',
    })
    expect((await t.data({ func: 'account.edit', elid: String(northClient), sok: 'ok', reseller: String(south), ...asNorth })).error).toMatchObject({
      type: 'access',
      object: 'reseller',
    })
    expect((await accountRow(t, northClient))!.resellerId).toBe(north)
    expect((await t.db.select().from(accounts)).map((a) => a.name)).not.toContain('Sneaky')
    const { text } = await t.call({ func: 'account.edit', out: 'xml', ...asNorth })
    expect(text).not.toContain('<slist name="reseller">')
  })
})

describe('clients: admins move clients between resellers', () => {
  it("the client's users follow it, in the same change", async () => {
    const { t, south, northClient } = await world()
    expect(await t.data({ func: 'account.edit', elid: String(northClient), sok: 'ok', reseller: String(south), ...asAdmin })).toEqual({ ok: true })
    expect((await accountRow(t, northClient))!.resellerId).toBe(south)
    expect((await userRow(t, 'anna'))!.resellerId).toBe(south)
    expect(names(await t.data({ func: 'account', ...asNorth }))).toEqual([])
    expect(names(await t.data({ func: 'account', ...asSouth }))).toEqual(['North client', 'South client'])
    expect(names(await t.data({ func: 'user', ...asSouth })).sort()).toEqual(['anna', 'boris'])
    // To the operator itself: no reseller.
    expect(await t.data({ func: 'account.edit', elid: String(northClient), sok: 'ok', reseller: '', ...asAdmin })).toEqual({ ok: true })
    expect((await accountRow(t, northClient))!.resellerId).toBeNull()
    expect((await userRow(t, 'anna'))!.resellerId).toBeNull()
    expect((await t.data({ func: 'account', filter: 'on', name: 'North', ...asAdmin })).elem[0].reseller).toBe('')
  })
})

describe('clients: a client user', () => {
  it('sees only its own client, may view it but change nothing', async () => {
    const { t, northClient, southClient } = await world()
    const listed = await t.data({ func: 'account', ...asAnna })
    expect(names(listed)).toEqual(['North client'])
    expect(listed.p_elems).toBe(1)
    expect((await t.data({ func: 'account', filter: 'on', reseller: '2', ...asAnna })).p_elems).toBe(0)
    expect((await t.data({ func: 'account.edit', elid: String(northClient), ...asAnna })).name).toBe('North client')
    expect((await t.data({ func: 'account.edit', elid: String(southClient), ...asAnna })).error).toMatchObject({ type: 'access', object: 'elid' })
    const before = await accountRow(t, northClient)
    expect((await t.data({ func: 'account.edit', elid: String(northClient), sok: 'ok', credit_limit: '1000000', ...asAnna })).error).toMatchObject({ type: 'access', object: 'func' })
    expect((await t.data({ func: 'account.edit', sok: 'ok', name: 'Mine', currency: 'USD', ...asAnna })).error).toMatchObject({ type: 'access', object: 'func' })
    for (const func of ['account.suspend', 'account.resume', 'account.archive', 'account.delete', 'account.su']) {
      expect((await t.data({ func, elid: String(northClient), ...asAnna })).error, func).toMatchObject({ type: 'access', object: 'func' })
    }
    expect(await accountRow(t, northClient)).toEqual(before)
    expect(await t.db.select().from(accounts)).toHaveLength(3)
  })
})

describe('clients: su', () => {
  it("an admin starts a session as the client's owner, which sees only that client", async () => {
    const { t, northClient } = await world()
    t.clock.advance(1000)
    await t.createUser('anna2', '16', 'user-secret-1', { account: String(northClient) })
    const { res, text } = await t.call({ func: 'account.su', elid: String(northClient), out: 'JSONdata', ...asAdmin })
    const reply = JSON.parse(text)
    expect(reply.user).toBe('anna')
    expect(reply.auth).toMatch(/^\S{20,}$/)
    expect(res.headers.get('set-cookie')).toContain(reply.auth)
    const anna = (await userRow(t, 'anna'))!
    const session = (await t.db.select().from(sessions)).find((s) => s.userId === anna.id)
    expect(session).toBeDefined()
    const asClient = await t.data({ func: 'account', auth: reply.auth })
    expect(names(asClient)).toEqual(['North client'])
    expect((await t.data({ func: 'account.delete', elid: String(northClient), auth: reply.auth })).error).toMatchObject({ type: 'access' })
    const audited = (await t.db.select().from(auditLog)).filter((a) => a.func === 'account.su')
    expect(audited).toMatchObject([{ actor: 'admin', result: 'ok' }])
  })

  it('refuses a client with no user, an unknown one, and a suspended owner', async () => {
    const { t, ownClient, northClient } = await world()
    const none = await t.data({ func: 'account.su', elid: String(ownClient), ...asAdmin })
    expect(none.error).toMatchObject({ type: 'value', object: 'elid', value: String(ownClient) })
    expect(none.error.msg).toContain('no user')
    expect((await t.data({ func: 'account.su', elid: '999', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'elid' })
    expect((await t.data({ func: 'account.su', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'elid' })
    await t.data({ func: 'user.suspend', elid: String((await userRow(t, 'anna'))!.id), ...asAdmin })
    expect((await t.data({ func: 'account.su', elid: String(northClient), ...asAdmin })).error).toMatchObject({ type: 'value', object: 'elid' })
    expect(await t.db.select().from(sessions)).toEqual([])
  })

  it('answers in XML with the session in auth', async () => {
    const { t, southClient } = await world()
    const { text } = await t.call({ func: 'account.su', elid: String(southClient), out: 'xml', ...asAdmin })
    expect(text).toMatch(/<auth id="[^"]+" level="16">[^<]+<\/auth>/)
  })
})
