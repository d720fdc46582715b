import { XMLParser } from 'fast-xml-parser'
import { beforeAll, describe, expect, it } from 'vitest'
import { Progress } from '../../src/cli/progress'
import { Level } from '../../src/core/principal'
import { accounts, expenses, provisioningLog, users } from '../../src/db/schema/index'
import { demoPassword, seedDemo } from '../../src/demo/seed'
import type { ListDef } from '../../src/core/registry'
import { serializers } from '../../src/output/index'
import { adminPassword, makeTestApp } from '../helpers'

/**
 * Every list of the registry, on a small demo operator, in every output format, for each kind
 * of caller: it answers, its replies parse, and a reseller's staff or a client user only ever
 * gets rows of its own clients.
 */

type App = Awaited<ReturnType<typeof makeTestApp>>
const quiet = new Progress({ write: () => true, isTTY: false })

/** Lists that show one parent's rows need the parent as `elid` (set once the data is there). */
const parentOf: Record<string, string> = { 'help.params': 'payment' }

let t: App
let lists: ListDef[]
let staff: { name: string; resellerId: number }
let client: { name: string; accountId: number }
let resellerClients: Set<number>

beforeAll(async () => {
  t = await makeTestApp()
  await seedDemo(t.store, { resellers: 2, clients: 24, payments: 120, services: 40, xdrs: 400, seed: 5, now: t.clock() }, quiet)
  const asAdmin = { authinfo: `admin:${adminPassword}` }
  // Something in the lists that only functions create: an invoice with lines, a custom field.
  const charged = String((await t.db.select().from(expenses).orderBy(expenses.id).limit(1))[0].accountId)
  const owner = (await t.db.select().from(users).orderBy(users.id)).find((u) => u.level === Level.user && String(u.accountId) === charged)!
  const invoice = await t.data({ func: 'invoice.generate', account: charged, from: '2000-01-01', to: '2100-01-01', ...asAdmin })
  if (!invoice.ok) throw new Error(`invoice.generate: ${JSON.stringify(invoice)}`)
  await t.data({ func: 'account.customfields.edit', plid: charged, sok: 'ok', name: 'contract', value: 'C-1', ...asAdmin })
  parentOf['account.customfields'] = charged
  // A provisioning handler and one logged call of it (the delivery worker writes those).
  const hook = await t.data({ func: 'provisioning.handler.edit', sok: 'ok', name: 'hook', events: '*', target: 'http://127.0.0.1:9/', status: 'disabled', ...asAdmin })
  if (!hook.ok) throw new Error(`provisioning.handler.edit: ${JSON.stringify(hook)}`)
  await t.db.insert(provisioningLog).values({ handlerId: hook.id, stage: 'after', event: 'payments.create', objectId: 1, status: 'fail', at: t.clock(), error: 'HTTP 500 <&>' })
  parentOf['invoice.lines'] = String(invoice.id)
  const all = await t.db.select().from(users).orderBy(users.id)
  const staffRow = all.find((u) => u.level === Level.reseller && u.resellerId !== null)!
  staff = { name: staffRow.name, resellerId: staffRow.resellerId! }
  client = { name: owner.name, accountId: Number(charged) }
  resellerClients = new Set((await t.db.select().from(accounts)).filter((a) => a.resellerId === staff.resellerId).map((a) => a.id))
  lists = t.registry.all().filter((d): d is ListDef => d.kind === 'list')
}, 60_000)

function callOf(list: ListDef, extra: Record<string, string>) {
  const params: Record<string, string> = { func: list.name, p_cnt: '50', ...extra }
  if (parentOf[list.name]) params.elid = parentOf[list.name]
  return params
}

describe('every list', () => {
  it('answers the admin in every format with replies that parse', async () => {
    const xml = new XMLParser()
    expect(lists.length).toBeGreaterThan(15)
    for (const list of lists) {
      for (const out of Object.keys(serializers)) {
        const { res, text } = await t.call(callOf(list, { out, authinfo: `admin:${adminPassword}` }))
        const where = `${list.name} out=${out}`
        expect(res.status, where).toBe(200)
        if (out === 'xml' || out === 'devel') {
          expect(text, where).not.toContain('<error')
          expect(() => xml.parse(text), where).not.toThrow()
        } else if (['json', 'sjson', 'xjson', 'JSONdata', 'bjson'].includes(out)) {
          const parsed = JSON.parse(text)
          expect(parsed.error ?? parsed.doc?.error, where).toBeUndefined()
        } else {
          expect(res.headers.get('content-type'), where).toMatch(out === 'text' ? /^text\/plain/ : /^text\/html/)
        }
      }
    }
    expect(t.errors).toEqual([])
  })

  it('has rows for the admin in every billing list of the demo operator', async () => {
    for (const name of ['account', 'payment', 'item', 'expense', 'invoice', 'invoice.lines', 'xdr', 'account.customfields', 'provisioning.handler', 'provisioning.log']) {
      const reply = await t.data(callOf(t.registry.get(name) as ListDef, { authinfo: `admin:${adminPassword}` }))
      expect(reply.elem?.length, name).toBeGreaterThan(0)
    }
  })

  it.each([
    ['a reseller’s staff', () => ({ login: staff.name, owns: (account: number) => resellerClients.has(account) })],
    ['a client user', () => ({ login: client.name, owns: (account: number) => account === client.accountId })],
  ])('shows %s only rows of its own clients, or refuses', async (_who, whom) => {
    const { login, owns } = whom()
    let checked = 0
    for (const list of lists) {
      const reply = await t.data(callOf(list, { authinfo: `${login}:${demoPassword}` }))
      if (reply.error) {
        expect(['access', 'missed'], `${list.name}: ${JSON.stringify(reply.error)}`).toContain(reply.error.type)
        continue
      }
      const key = list.name === 'account' ? 'id' : 'account'
      for (const row of reply.elem ?? []) {
        if (row[key] === undefined) continue
        expect(owns(Number(row[key])), `${list.name} row ${JSON.stringify(row)}`).toBe(true)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(0)
  })
})
