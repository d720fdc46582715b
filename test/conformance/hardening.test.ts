import { XMLValidator } from 'fast-xml-parser'
import { beforeAll, describe, expect, it } from 'vitest'
import { Random } from '../../src/demo/random'
import { accounts, payments, pricelists, resellers } from '../../src/db/schema/index'
import { adminPassword, makeTestApp, type TestApp } from '../helpers'
import { rpcClient } from '../jsonrpc/rpc'

const A = `authinfo=admin:${adminPassword}`

let t: TestApp
let rpc: ReturnType<typeof rpcClient>
let sid: string
let client: number
let reseller: number

beforeAll(async () => {
  t = await makeTestApp()
  rpc = rpcClient(t)
  sid = await rpc.login()
  client = await t.createAccount('Customer A')
  reseller = await t.createReseller('Reseller A')
})

describe('JSON values of the wrong type for a declared parameter', () => {
  const counts = async () => ({
    payments: (await t.db.select().from(payments)).length,
    accounts: (await t.db.select().from(accounts)).length,
    resellers: (await t.db.select().from(resellers)).length,
  })

  it.each([
    ['payments.edit', { id_payments: { x: 1 }, id_clients: 1, amount: '9.00', apply: 1 }, 'id_payments'],
    ['clients.edit', { id_clients: { x: 1 }, name: 'New', currency: 'USD', apply: 1 }, 'id_clients'],
    ['companies.edit', { id_companies: { id: 1 }, name: 'New company', apply: 1 }, 'id_companies'],
    ['account.edit', { elid: [{ id: 4 }], name: 'New', currency: 'USD', sok: 'ok' }, 'elid'],
    ['clients.editForm', { id_clients: { $ne: 1 } }, 'id_clients'],
    ['payment.edit', { account: { $gt: 0 }, amount: '1.00', sok: 'ok' }, 'account'],
    ['account.edit', { name: ['A', 'B'], currency: 'USD', sok: 'ok' }, 'name'],
    ['account', { p_cnt: { a: 1 } }, 'p_cnt'],
    ['account.edit', { name: 'Good', currency: 'USD', sok: { ok: 1 } }, 'sok'],
    ['account.edit', { name: 'Good', currency: 'USD', apply: [1] }, 'apply'],
    ['account.delete', { elid: [[1, 2]] }, 'elid'],
  ])('%s with %j: a value error on that parameter, nothing written', async (method, params, field) => {
    const before = await counts()
    const entry = await rpc.call(method, { SID: sid, ...params })
    expect(entry.error).toBeUndefined()
    expect(entry.result).toMatchObject({ code: false, return: null })
    expect(entry.result!.errors).toEqual([expect.objectContaining({ code: 'value', field })])
    expect(await counts()).toEqual(before)
  })

  it('still takes lists of scalars, logins as objects and records as arrays', async () => {
    const a = await t.createAccount('To suspend 1')
    const b = await t.createAccount('To suspend 2')
    expect(await rpc.ok('account.suspend', { SID: sid, elid: [a, b] })).toEqual({ ok: true })
    const entry = await rpc.call('account', { auth: { login: 'admin', password: adminPassword } })
    expect(entry.result?.code).toBe(true)
    const saved = await rpc.ok('clients.fieldsUpdate', { SID: sid, id_clients: client, fields: [{ id: 'contract', value: 'C-1' }] })
    expect(saved).toMatchObject({ saved: 1 })
  })
})

describe('deeply nested JSON-RPC params', () => {
  it('are refused with -32602, not a 500, and logged nowhere as a failure', async () => {
    const errors = t.errors.length
    const deep = '['.repeat(5000) + ']'.repeat(5000)
    const { res, body } = await rpc.post(`{"jsonrpc":"2.0","method":"account","params":{"SID":"${sid}","x":${deep}},"id":1}`)
    expect(res.status).toBe(200)
    expect(body).toMatchObject({ id: 1, error: { code: -32602, data: { message: expect.stringContaining('32') } } })
    expect(t.errors.length).toBe(errors)
  })

  it('nesting up to the limit is read as before', async () => {
    const nested = { a: { b: { c: { d: 1 } } } }
    const entry = await rpc.call('account', { SID: sid, extra: nested })
    expect(entry.result?.code).toBe(true)
  })
})

describe('JSON-RPC ids come back exactly as sent', () => {
  it.each(['9007199254740993', '1e400', '-0', '1.50', '12345678901234567890123'])('%s', async (id) => {
    const { text } = await rpc.post(`{"jsonrpc":"2.0","method":"currency","params":{"SID":"${sid}"},"id":${id}}`)
    expect(text.startsWith(`{"jsonrpc":"2.0","id":${id},"result":{"code":true`)).toBe(true)
  })

  it('in a batch, each its own, also for protocol errors and with the last of repeated ids', async () => {
    const { text } = await rpc.post(
      `[{"method":"currency","params":{"SID":"${sid}"},"id":9007199254740993},{"method":"nosuch","id":1e400},` +
        `{"id":"x","method":"currency","params":{"SID":"${sid}","s":"\\"id\\":5"},"id" : 18014398509481985 }]`,
    )
    expect(text).toContain('"id":9007199254740993,"result"')
    expect(text).toContain('"id":1e400,"error"')
    expect(text).toContain('"id":18014398509481985,"result"')
  })
})

describe('saving a form with nothing to change', () => {
  it.each([
    ['reseller.edit', () => reseller, () => t.db.select().from(resellers).orderBy(resellers.id)],
    ['paymethod.edit', async () => (await t.data({ func: 'paymethod.edit', sok: 'ok', authinfo: `admin:${adminPassword}`, name: 'Wire', currency: 'USD' })).id, () => []],
    ['pricelist.edit', async () => (await t.data({ func: 'pricelist.edit', sok: 'ok', authinfo: `admin:${adminPassword}`, name: 'Plan', product_type: 'vds', currency: 'USD', price_1: '1' })).id, () => t.db.select().from(pricelists).orderBy(pricelists.id)],
  ])('%s&elid=…&sok=ok is a success that writes nothing', async (func, id, rows) => {
    const elid = String(await id())
    const before = await rows()
    for (const out of ['xml', 'JSONdata']) {
      const { res, text } = await t.call({ func, elid, sok: 'ok', out, authinfo: `admin:${adminPassword}` })
      expect(res.status).toBe(200)
      expect(text).not.toContain('error')
    }
    expect(await rows()).toEqual(before)
  })

  it("JeraSoft's companies.edit with only fields it ignores", async () => {
    expect(await rpc.ok('companies.edit', { SID: sid, id_companies: reseller, type: 10, prepaid: 1, apply: 1 })).toEqual({ id: reseller })
  })
})

describe('parameter names in XML replies', () => {
  const strict = (xml: string) => XMLValidator.validate(xml, { allowBooleanAttributes: false })

  it('a PHP-style name or a crafted one never breaks or injects into the reply', async () => {
    const crafted = 'x/><error type="auth" code="1"><msg>Injected</msg></error><!--'
    for (const out of ['xml', 'devel']) {
      const { text } = await t.call({ func: 'account', out, 'elid[]': '999', [crafted]: 'v' }, {})
      expect(strict(text)).toBe(true)
      expect(text).not.toContain('Injected')
      const withAuth = await t.request(`/billmgr?func=account&out=${out}&${A}&elid%5B%5D=999&${encodeURIComponent(crafted)}=1`)
      const body = await withAuth.text()
      expect(strict(body)).toBe(true)
      expect(body).not.toContain('Injected')
      expect(body).toContain('<tparams>')
    }
  })

  it('every reply is well-formed XML whatever the names and values (seeded random)', async () => {
    const random = new Random(20261204)
    const alphabet = ['a', 'Z', '_', '-', '.', '0', '9', ':', '[', ']', '<', '>', '&', '"', "'", '/', '!', '?', '=', ' ', '\t', 'é', 'ж', '中', '\u00B7', '\u0301', '\uFFFD', '😀', '%00', '%01', '%FF%FE']
    const text = (length: number) => Array.from({ length }, () => random.pick(alphabet)).join('')
    const funcs = ['account', 'account.edit', 'user', 'payment.edit', 'nosuch', 'help', 'item.order']
    for (let i = 0; i < 300; i++) {
      const parts = [`func=${random.pick(funcs)}`, `out=${random.pick(['xml', 'devel'])}`]
      if (random.chance(0.5)) parts.push(A)
      for (let k = random.int(1, 4); k > 0; k--) {
        const name = text(random.int(1, 12))
        const value = text(random.int(0, 12))
        parts.push(`${encodeName(name)}=${encodeName(value)}`)
      }
      const res = await t.request(`/billmgr?${parts.join('&')}`)
      const body = await res.text()
      expect(res.status, parts.join('&')).toBeLessThan(500)
      expect(strict(body), `${parts.join('&')}\n${body}`).toBe(true)
    }
  })
})

/** Percent-escapes as sent (a literal `%00` in the alphabet stays a raw escape). */
function encodeName(text: string): string {
  return text.replace(/%(?![0-9A-F]{2})|[^%]/gu, (c) => encodeURIComponent(c))
}
