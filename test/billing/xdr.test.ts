import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { balanceDrift } from '../../src/billing/ledger'
import { parseUtcTime } from '../../src/billing/xdr-batch'
import { formatDateTime } from '../../src/format/time'
import { firstRow } from '../../src/db/query'
import { formatUnitPrice } from '../../src/billing/xdrs'
import { accounts, auditLog, currencies, expenses, ItemStatus, items, pricelists, xdrs } from '../../src/db/schema/index'
import english from '../../locales/en/errors/xdr.json'
import { adminPassword, makeTestApp, type TestApp } from '../helpers'

const asAdmin = { authinfo: `admin:${adminPassword}` }
const adminQuery = `authinfo=${encodeURIComponent(asAdmin.authinfo)}`

/**
 * Two resellers with a client each, an operator's own client in a currency without decimals,
 * and a service per client, written straight to the tables; staff and client users for each.
 */
async function world() {
  const t = await makeTestApp()
  const north = await t.createReseller('North')
  const south = await t.createReseller('South')
  const [{ id: jpy }] = await t.db.insert(currencies).values({ code: 'JPY', name: 'Yen', places: 0, createdAt: 0 }).returning({ id: currencies.id })
  const client = async (name: string, resellerId: number | null, currencyId = 1) =>
    (await t.db.insert(accounts).values({ name, resellerId, currencyId, createdAt: 0 }).returning({ id: accounts.id }))[0].id
  const northClient = await client('North client', north)
  const southClient = await client('South client', south)
  const yenClient = await client('Yen client', null, jpy)
  const [{ id: tariff }] = await t.db.insert(pricelists).values({ name: 'Traffic', productType: 'traffic', currencyId: 1, createdAt: 0 }).returning({ id: pricelists.id })
  const service = async (accountId: number, name: string) =>
    (await t.db.insert(items).values({ accountId, pricelistId: tariff, name, period: 1, status: ItemStatus.active, createdAt: 0, cost: 0 }).returning({ id: items.id }))[0].id
  const northItem = await service(northClient, 'north.example')
  const southItem = await service(southClient, 'south.example')
  const yenItem = await service(yenClient, 'yen.example')
  const orderedItem = await service(northClient, 'later.example')
  await t.db.update(items).set({ status: ItemStatus.ordered }).where(eq(items.id, orderedItem))
  await t.createUser('nstaff', '24', 'north-secret-1', { reseller: String(north) })
  await t.createUser('sstaff', '24', 'south-secret-1', { reseller: String(south) })
  await t.createUser('nuser', '16', 'nuser-secret-1', { account: String(northClient) })
  return { t, north, south, northClient, southClient, yenClient, northItem, southItem, yenItem, orderedItem }
}

type Reply = Record<string, any>

/** POSTs a body to xdr.import as admin; the parsed JSONdata reply. */
async function post(t: TestApp, body: string | FormData, contentType?: string, query = 'func=xdr.import'): Promise<Reply> {
  const res = await t.request(`/billmgr?${query}&out=JSONdata&${adminQuery}`, {
    method: 'POST',
    body,
    headers: contentType ? { 'content-type': contentType } : undefined,
  })
  return JSON.parse(await res.text())
}

const stored = (t: TestApp) => t.db.select().from(xdrs).orderBy(xdrs.id)

describe('xdr.import', () => {
  it('takes a JSON array body, or an object with records, and stores integer prices and costs', async () => {
    const { t, northItem, southItem, northClient, southClient } = await world()
    const records = [
      { item: northItem, start: '2026-11-01 10:00:00', quantity: 3600, unit_price: '0.0025' },
      { item: String(southItem), start: '2026-11-01T12:30:00+02:00', quantity: '10', unit_price: 1.5, cost: '14.99' },
    ]
    expect(await post(t, JSON.stringify(records), 'application/json')).toEqual({ imported: 2 })
    expect(await stored(t)).toEqual([
      { id: 1, itemId: northItem, accountId: northClient, startedAt: Date.UTC(2026, 10, 1, 10), quantity: 3600, unitPrice: 2500, cost: 900, expenseId: null },
      { id: 2, itemId: southItem, accountId: southClient, startedAt: Date.UTC(2026, 10, 1, 10, 30), quantity: 10, unitPrice: 1_500_000, cost: 1499, expenseId: null },
    ])
    const wrapped = JSON.stringify({ func: 'xdr.import', records: [{ item: northItem, start: '2026-11-02T00:00:00Z', quantity: 1, unit_price: '2' }] })
    expect(await post(t, wrapped, 'application/json', 'x=1')).toEqual({ imported: 1 })
    expect((await stored(t))[2]).toMatchObject({ startedAt: Date.UTC(2026, 10, 2), cost: 200 })
  })

  it('takes a CSV body with a header naming the columns in any order', async () => {
    const { t, northItem, yenItem } = await world()
    const csv = `start,item,quantity,unit_price,cost\r\n2026-11-03 00:00:00,${northItem},7,0.10,\r\n"2026-11-03 00:00:01",${yenItem},3,1.5,"5"\r\n\r\n`
    expect(await post(t, csv, 'text/csv; charset=utf-8')).toEqual({ imported: 2 })
    expect((await stored(t)).map((r) => [r.itemId, r.quantity, r.unitPrice, r.cost])).toEqual([
      [northItem, 7, 100_000, 70],
      [yenItem, 3, 1_500_000, 5],
    ])
  })

  it('takes the records as a data parameter: query, form, multipart field or uploaded file', async () => {
    const { t, northItem } = await world()
    const csv = (q: number) => `item,start,quantity,unit_price\n${northItem},2026-11-04 00:00:00,${q},1\n`
    expect(await t.data({ func: 'xdr.import', data: csv(1), ...asAdmin })).toEqual({ imported: 1 })
    const form = new URLSearchParams({ func: 'xdr.import', data: JSON.stringify([{ item: northItem, start: '2026-11-04 00:00:00', quantity: 2, unit_price: '1' }]) })
    expect(await post(t, form.toString(), 'application/x-www-form-urlencoded', 'x=1')).toEqual({ imported: 1 })
    const field = new FormData()
    field.set('func', 'xdr.import')
    field.set('data', csv(3))
    expect(await post(t, field, undefined, 'x=1')).toEqual({ imported: 1 })
    const upload = new FormData()
    upload.set('data', new File([csv(4)], 'usage.csv', { type: 'text/csv' }))
    expect(await post(t, upload)).toEqual({ imported: 1 })
    expect((await stored(t)).map((r) => r.quantity)).toEqual([1, 2, 3, 4])
  })

  it('takes a JSON body as records only for xdr.import', async () => {
    const { t } = await world()
    for (const query of ['func=user', 'x=1']) {
      const reply = await post(t, '[{"item": 1}]', 'application/json', query)
      expect(reply.error).toMatchObject({ type: 'xml', object: 'body' })
    }
    const nested = await post(t, JSON.stringify({ func: 'user', records: [] }), 'application/json', 'x=1')
    expect(nested.error).toMatchObject({ type: 'value', object: 'records' })
    const csv = await post(t, 'item,start,quantity,unit_price\n', 'text/csv', 'func=user')
    expect(csv.elem).toBeDefined()
  })

  it('stores all records or none: a bad record names its number and field', async () => {
    const { t, northItem } = await world()
    const csv = [
      'item,start,quantity,unit_price',
      `${northItem},2026-11-01 00:00:00,1,1`,
      `${northItem},2026-11-01 00:00:01,-5,1`,
      `${northItem},2026-11-01 00:00:02,1,1`,
    ].join('\n')
    const reply = await post(t, csv, 'text/csv')
    expect(reply.error).toMatchObject({ type: 'value', object: 'quantity', value: '-5' })
    expect(reply.error.msg).toBe('Record 2, Quantity: must be a whole number, 0 or more, not "-5"')
    expect(await stored(t)).toEqual([])
    const json = JSON.stringify([
      { item: northItem, start: '2026-11-01 00:00:00', quantity: 1, unit_price: '1' },
      { item: northItem, start: '2026-11-01 00:00:00', quantity: 1, unit_price: '1' },
      { item: 999, start: '2026-11-01 00:00:00', quantity: 1, unit_price: '1' },
    ])
    const ru = await post(t, json, 'application/json', 'func=xdr.import&lang=ru')
    expect(ru.error).toMatchObject({ type: 'value', object: 'item', value: '999' })
    expect(ru.error.msg).toBe('Запись 3: услуги 999 нет')
    expect(await stored(t)).toEqual([])
  })

  it('rounds each record half-up to the currency places', async () => {
    const { t, northItem, yenItem } = await world()
    const rows: [number, number, string][] = [
      [northItem, 1, '0.005'], // 0.5 cent → 1
      [northItem, 1, '0.005'], // rounded per record: 1 again, not 1 cent for both
      [northItem, 1, '0.004999'], // → 0
      [northItem, 3, '0.001666'], // 0.4998 cent → 0
      [northItem, 1000, '0.012345'], // 1234.5 cents → 1235
      [yenItem, 1, '0.5'], // 0.5 yen → 1
      [yenItem, 7, '0.214285'], // 1.499995 yen → 1
    ]
    const csv = ['item,start,quantity,unit_price', ...rows.map(([item, q, p]) => `${item},2026-11-05 00:00:00,${q},${p}`)].join('\n')
    expect(await t.data({ func: 'xdr.import', data: csv, ...asAdmin })).toEqual({ imported: 7 })
    expect((await stored(t)).map((r) => r.cost)).toEqual([1, 1, 0, 0, 1235, 1, 1])
    const listed = await t.data({ func: 'xdr', ...asAdmin })
    expect(listed.elem.map((r: Reply) => [r.unit_price, r.cost])).toEqual([
      ['0.005', '0.01'],
      ['0.005', '0.01'],
      ['0.004999', '0.00'],
      ['0.001666', '0.00'],
      ['0.012345', '12.35'],
      ['0.5', '1'],
      ['0.214285', '1'],
    ])
  })

  it('keeps the batch out of the reply and the audit log', async () => {
    const { t, northItem } = await world()
    const data = `item,start,quantity,unit_price\n${northItem},2026-11-01 00:00:00,1,1\n`
    const { text } = await t.call({ func: 'xdr.import', data, out: 'xml', ...asAdmin })
    expect(text).toContain('<imported>1</imported>')
    expect(text).not.toContain('2026-11-01')
    const entry = (await t.db.select().from(auditLog)).find((a) => a.func === 'xdr.import')!
    expect(JSON.parse(entry.params).data).toBe('***')
  })
})

/** The English message of an error reason as a pattern, its {{variables}} matching anything. */
function messagePattern(reason: string): RegExp {
  const template = (english.value as Record<string, string>)[reason]
  const parts = template.split(/\{\{\w+\}\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${parts.join('.*')}$`)
}

describe('xdr.import refuses bad input, storing nothing', () => {
  const header = 'item,start,quantity,unit_price,cost'
  const cases: [string, (w: Awaited<ReturnType<typeof world>>) => string, string, string][] = [
    ['unknown service', () => `${header}\n999,2026-11-01 00:00:00,1,1,`, 'item', 'xdrnoitem'],
    ['deleted service', (w) => `${header}\n${w.southItem},2026-11-01 00:00:00,1,1,`, 'item', 'xdrdeleted'],
    ['service never activated', (w) => `${header}\n${w.orderedItem},2026-11-01 00:00:00,1,1,`, 'item', 'xdrordered'],
    ['service not a number', () => `${header}\nabc,2026-11-01 00:00:00,1,1,`, 'item', 'xdritem'],
    ['negative quantity', (w) => `${header}\n${w.northItem},2026-11-01 00:00:00,-1,1,`, 'quantity', 'xdrquantity'],
    ['fractional quantity', (w) => `${header}\n${w.northItem},2026-11-01 00:00:00,1.5,1,`, 'quantity', 'xdrquantity'],
    ['time without seconds', (w) => `${header}\n${w.northItem},2026-11-01 10:00,1,1,`, 'start', 'xdrstart'],
    ['impossible date', (w) => `${header}\n${w.northItem},2026-02-30 10:00:00,1,1,`, 'start', 'xdrstart'],
    ['date alone', (w) => `${header}\n${w.northItem},2026-11-01,1,1,`, 'start', 'xdrstart'],
    ['bad offset', (w) => `${header}\n${w.northItem},2026-11-01T10:00:00+25:00,1,1,`, 'start', 'xdrstart'],
    ['unit price with 7 decimals', (w) => `${header}\n${w.northItem},2026-11-01 00:00:00,1,0.0000001,`, 'unit_price', 'xdrprice'],
    ['negative unit price', (w) => `${header}\n${w.northItem},2026-11-01 00:00:00,1,-1,`, 'unit_price', 'xdrprice'],
    ['unit price in exponent form', (w) => `${header}\n${w.northItem},2026-11-01 00:00:00,1,1e-3,`, 'unit_price', 'xdrprice'],
    ['cost with too many decimals', (w) => `${header}\n${w.northItem},2026-11-01 00:00:00,1,1,1.001`, 'cost', 'xdrcostplaces'],
    ['cost in yen with decimals', (w) => `${header}\n${w.yenItem},2026-11-01 00:00:00,1,1,1.5`, 'cost', 'xdrcostplaces'],
    ['negative cost', (w) => `${header}\n${w.northItem},2026-11-01 00:00:00,1,1,-1`, 'cost', 'xdrcost'],
    ['cost too large', (w) => `${header}\n${w.northItem},2026-11-01 00:00:00,999999999999999,999999999,`, 'quantity', 'xdrcostrange'],
    ['missing field', (w) => `${header}\n${w.northItem},,1,1,`, 'start', 'xdrmissing'],
    ['too few fields', (w) => `${header}\n${w.northItem},2026-11-01 00:00:00,1`, 'data', 'xdrcolumns'],
    ['blank line in the middle', (w) => `${header}\n\n${w.northItem},2026-11-01 00:00:00,1,1,`, 'data', 'xdrcolumns'],
    ['broken quote', (w) => `${header}\n${w.northItem},"2026-11-01 00:00:00,1,1,`, 'data', 'xdrcsv'],
    ['unknown column', () => 'item,start,quantity,unit_price,colour\n1,2026-11-01 00:00:00,1,1,red', 'data', 'xdrheader'],
    ['missing column', () => 'item,start,quantity\n1,2026-11-01 00:00:00,1', 'data', 'xdrheader'],
    ['header only', () => header, 'data', 'xdrempty'],
    ['malformed JSON', () => '[{"item": 1,', 'data', 'xdrjson'],
    ['JSON object without records', () => '{"item": 1}', 'data', 'xdrjsonshape'],
    ['JSON record not an object', () => '[1]', 'data', 'xdrrecord'],
    ['JSON unknown field', (w) => JSON.stringify([{ item: w.northItem, start: '2026-11-01 00:00:00', quantity: 1, unit_price: '1', qty: 2 }]), 'qty', 'xdrunknown'],
    ['JSON nested value', (w) => JSON.stringify([{ item: w.northItem, start: '2026-11-01 00:00:00', quantity: [1], unit_price: '1' }]), 'quantity', 'xdrscalar'],
    ['JSON empty array', () => '[]', 'data', 'xdrempty'],
  ]

  it.each(cases)('%s', async (_name, body, object, reason) => {
    const w = await world()
    await w.t.db.update(items).set({ status: ItemStatus.deleted }).where(eq(items.id, w.southItem))
    const good = `${w.northItem},2026-11-01 00:00:00,1,1,`
    // A good record first, where the format allows one, so that "nothing stored" means something.
    const text = body(w)
    const data = text.startsWith(header) && text.includes('\n') ? text.replace(`${header}\n`, `${header}\n${good}\n`) : text
    const reply = await w.t.data({ func: 'xdr.import', data, ...asAdmin })
    expect(reply.error, JSON.stringify(reply)).toMatchObject({ type: 'value', object })
    expect(reply.error.msg).toMatch(messagePattern(reason))
    expect(w.t.errors).toEqual([])
    expect(await stored(w.t)).toEqual([])
  })

  it('a missing data parameter is a missed error', async () => {
    const { t } = await world()
    expect((await t.data({ func: 'xdr.import', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'data' })
  })
})

/** Imports `perDay` records a day for each service over `days` days from 2026-11-01, hourly. */
async function usage(t: TestApp, services: number[], days: number, perDay: number) {
  const lines = ['item,start,quantity,unit_price']
  for (let d = 0; d < days; d++) {
    for (let h = 0; h < perDay; h++) {
      for (const item of services) lines.push(`${item},2026-11-${String(d + 1).padStart(2, '0')} ${String(h).padStart(2, '0')}:00:00,${h + 1},0.01`)
    }
  }
  const reply = await t.data({ func: 'xdr.import', data: lines.join('\n'), ...asAdmin })
  expect(reply).toEqual({ imported: services.length * days * perDay })
}

const ids = (reply: Reply) => (reply.elem ?? []).map((r: Reply) => r.id)

describe('xdr list', () => {
  it('filters by a time range (from inclusive, to exclusive), pages and sorts by start then id, with exact p_elems', async () => {
    const { t, northItem, southItem, northClient } = await world()
    await usage(t, [northItem, southItem], 3, 10)
    const range = { func: 'xdr', filter: 'on', started_from: '2026-11-02', started_to: '2026-11-03', ...asAdmin }
    const first = await t.data({ ...range, p_cnt: '6' })
    expect(first.p_elems).toBe(20)
    expect(first.elem[0]).toEqual({
      id: 21,
      item: northItem,
      account: northClient,
      account_name: 'North client',
      started: '2026-11-02 00:00:00',
      quantity: 1,
      unit_price: '0.01',
      cost: '0.01',
      currency: 'USD',
      expense: '',
    })
    const all: number[] = []
    for (let page = 1; page <= 4; page++) all.push(...ids(await t.data({ ...range, p_cnt: '6', p_num: String(page) })))
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => 21 + i))
    // One service's records, one an hour: descending by start (north's 09:00, 08:00, 07:00).
    const desc = await t.data({ ...range, item: String(northItem), p_cnt: '3', p_order: 'desc' })
    expect(desc.elem.map((r: Reply) => [r.id, r.started])).toEqual([
      [39, '2026-11-02 09:00:00'],
      [37, '2026-11-02 08:00:00'],
      [35, '2026-11-02 07:00:00'],
    ])
    const sameStart = await t.data({ ...range, started_from: '2026-11-02 05:00:00', started_to: '2026-11-02T06:00:00Z' })
    expect(sameStart.elem.map((r: Reply) => [r.id, r.started])).toEqual([
      [31, '2026-11-02 05:00:00'],
      [32, '2026-11-02 05:00:00'],
    ])
    const byItem = await t.data({ ...range, item: String(southItem), p_cnt: '100' })
    expect(byItem.p_elems).toBe(10)
    expect(byItem.elem.every((r: Reply) => r.item === southItem)).toBe(true)
    expect((await t.data({ ...range, account: String(northClient) })).p_elems).toBe(10)
    expect((await t.data({ ...range, rated: 'on' })).p_elems).toBe(0)
    expect((await t.data({ ...range, rated: 'off' })).p_elems).toBe(20)
    expect((await t.data({ func: 'xdr', ...asAdmin })).p_elems).toBe(60)
    const bad = await t.data({ ...range, started_from: '2026-11-02 25:00:00' })
    expect(bad.error).toMatchObject({ type: 'value', object: 'started_from' })
    expect(bad.error.msg).toMatch(messagePattern('xdrtime'))
  })

  it('shows each caller only its own clients\' records', async () => {
    const { t, northItem, southItem, yenItem, southClient } = await world()
    await usage(t, [northItem, southItem, yenItem], 1, 2)
    const items = (reply: Reply) => [...new Set((reply.elem ?? []).map((r: Reply) => r.item))]
    expect(items(await t.data({ func: 'xdr', ...asAdmin }))).toEqual([northItem, southItem, yenItem])
    expect(items(await t.data({ func: 'xdr', authinfo: 'nstaff:north-secret-1' }))).toEqual([northItem])
    expect(items(await t.data({ func: 'xdr', authinfo: 'sstaff:south-secret-1' }))).toEqual([southItem])
    expect(items(await t.data({ func: 'xdr', authinfo: 'nuser:nuser-secret-1' }))).toEqual([northItem])
    expect(items(await t.data({ func: 'xdr', su: 'nuser', ...asAdmin }))).toEqual([northItem])
    const peek = await t.data({ func: 'xdr', filter: 'on', account: String(southClient), authinfo: 'nstaff:north-secret-1' })
    expect(peek).toMatchObject({ elem: [], p_elems: 0 })
    expect((await t.data({ func: 'xdr', filter: 'on', item: String(southItem), authinfo: 'nuser:nuser-secret-1' })).p_elems).toBe(0)
  })

  it('lets only admins import and rate, whoever owns the service', async () => {
    const { t, northItem, northClient } = await world()
    const data = `item,start,quantity,unit_price\n${northItem},2026-11-01 00:00:00,1,1`
    for (const authinfo of ['nstaff:north-secret-1', 'nuser:nuser-secret-1']) {
      expect((await t.data({ func: 'xdr.import', data, authinfo })).error).toMatchObject({ type: 'access', object: 'func' })
      expect((await t.data({ func: 'xdr.rate', todate: '2026-11-30', account: String(northClient), authinfo })).error).toMatchObject({ type: 'access', object: 'func' })
    }
    expect(await stored(t)).toEqual([])
    expect(await t.db.select().from(expenses)).toEqual([])
  })
})

describe('xdr.rate', () => {
  it('charges one expense per service for the unrated records before the end of the day, once', async () => {
    const { t, northItem, southItem, yenItem, northClient, southClient, yenClient } = await world()
    await usage(t, [northItem, southItem, yenItem], 3, 4)
    // 3 × 0.5 yen: 1.5, rounded half-up to 2 (the hourly yen records cost under half a yen: 0).
    expect(await t.data({ func: 'xdr.import', data: `item,start,quantity,unit_price\n${yenItem},2026-11-03 23:59:59,3,0.5`, ...asAdmin })).toEqual({ imported: 1 })
    // The same list call before and after rating: a kept reply must not outlive the change.
    expect((await t.data({ func: 'xdr', filter: 'on', rated: 'off', ...asAdmin })).p_elems).toBe(37)
    const first = await t.data({ func: 'xdr.rate', account: String(northClient), todate: '2026-11-02', ...asAdmin })
    // North: hours 0..3 on two days, quantities 1+2+3+4 at 0.01 each day.
    expect(first).toEqual({ expenses: 1, records: 8, total: '0.20 USD' })
    const balance = async (id: number) => (await firstRow(t.db.select().from(accounts).where(eq(accounts.id, id))))!.balance
    expect(await balance(northClient)).toBe(-20)
    expect(await balance(southClient)).toBe(0)
    const [expense] = await t.db.select().from(expenses)
    expect(expense).toMatchObject({ accountId: northClient, itemId: northItem, amount: 20, currencyId: 1, createdAt: t.clock() })
    expect(expense.description).toBe('Usage of north.example, 2026-11-01 – 2026-11-02')
    const rated = (await stored(t)).filter((r) => r.expenseId !== null)
    expect(rated.map((r) => r.itemId)).toEqual(Array(8).fill(northItem))
    expect(rated.every((r) => r.expenseId === expense.id && r.startedAt < Date.UTC(2026, 10, 3))).toBe(true)
    expect(await balanceDrift(t.db)).toEqual([])

    expect(await t.data({ func: 'xdr.rate', account: String(northClient), todate: '2026-11-02', ...asAdmin })).toEqual({ expenses: 0, records: 0, total: '' })
    expect(await t.db.select().from(expenses)).toHaveLength(1)

    // A deleted service's records are rated too; all clients when no client is given.
    await t.db.update(items).set({ status: ItemStatus.deleted }).where(eq(items.id, southItem))
    const all = await t.data({ func: 'xdr.rate', todate: '2026-11-03', lang: 'ru', ...asAdmin })
    expect(all).toEqual({ expenses: 3, records: 29, total: '0.40 USD, 2 JPY' })
    expect(await balance(northClient)).toBe(-30)
    expect(await balance(southClient)).toBe(-30)
    expect(await balance(yenClient)).toBe(-2)
    expect((await t.db.select().from(expenses)).map((e) => e.description)).toContain('Использование south.example, 2026-11-01 – 2026-11-03')
    expect((await stored(t)).every((r) => r.expenseId !== null)).toBe(true)
    expect(await balanceDrift(t.db)).toEqual([])
    expect((await t.data({ func: 'xdr', filter: 'on', rated: 'off', ...asAdmin })).p_elems).toBe(0)
    expect((await t.data({ func: 'xdr', filter: 'on', item: String(northItem), p_cnt: '1', ...asAdmin })).elem[0].expense).toBe(expense.id)
  })

  it('refuses an unknown client or a bad date, charging nothing', async () => {
    const { t, northItem } = await world()
    await usage(t, [northItem], 1, 1)
    expect((await t.data({ func: 'xdr.rate', account: '999', todate: '2026-11-30', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'account' })
    expect((await t.data({ func: 'xdr.rate', todate: '2026-11-31', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'todate' })
    expect((await t.data({ func: 'xdr.rate', ...asAdmin })).error).toMatchObject({ type: 'missed', object: 'todate' })
    expect(await t.db.select().from(expenses)).toEqual([])
    expect((await stored(t)).every((r) => r.expenseId === null)).toBe(true)
  })
})

describe('usage record times and prices', () => {
  it('reads UTC times, ISO 8601 with a zone, and dates only where allowed', () => {
    expect(parseUtcTime('2026-11-01 10:20:30', false)).toBe(Date.UTC(2026, 10, 1, 10, 20, 30))
    expect(parseUtcTime('2026-11-01T10:20:30Z', false)).toBe(Date.UTC(2026, 10, 1, 10, 20, 30))
    expect(parseUtcTime('2026-11-01T10:20:30.25-0130', false)).toBe(Date.UTC(2026, 10, 1, 11, 50, 30, 250))
    expect(parseUtcTime('2028-02-29 00:00:00', false)).toBe(Date.UTC(2028, 1, 29))
    expect(parseUtcTime('2000-02-29 00:00:00', false)).toBe(Date.UTC(2000, 1, 29))
    for (const bad of ['2026-02-29 00:00:00', '2100-02-29 00:00:00', '2026-11-31 00:00:00', '2026-11-01 24:00:00', '1969-12-31 23:59:59', '2026-11-01 10:00:00 ', '01.11.2026 10:00:00']) {
      expect(parseUtcTime(bad, false), bad).toBeUndefined()
    }
    expect(parseUtcTime('2026-11-01', false)).toBeUndefined()
    expect(parseUtcTime('2026-11-01', true)).toBe(Date.UTC(2026, 10, 1))
    expect(formatDateTime(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('2026-01-02 03:04:05')
  })

  it('shows unit prices with their significant decimals, at least the currency places', () => {
    expect(formatUnitPrice(2500, 2)).toBe('0.0025')
    expect(formatUnitPrice(500_000, 2)).toBe('0.50')
    expect(formatUnitPrice(12_000_000, 2)).toBe('12.00')
    expect(formatUnitPrice(12_000_000, 0)).toBe('12')
    expect(formatUnitPrice(12_500_000, 0)).toBe('12.5')
    expect(formatUnitPrice(1, 4)).toBe('0.000001')
  })
})
