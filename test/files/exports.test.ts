import { describe, expect, it } from 'vitest'
import { xdrs } from '../../src/db/schema/index'
import { browser } from '../panel/client'
import { adminPassword } from '../helpers'
import { adminLogin, asAdmin, at, csv, fetchFile, filesWorld, staffLogin, userLogin, type FilesWorld } from './world'

const paymentHeader = 'id,number,account,account_name,paymethod,amount,currency,status,created,paid,sender'
const expenseHeader = 'id,account,account_name,item,amount,currency,created,description,invoice'
const xdrHeader = 'id,item,account,account_name,started,quantity,unit_price,cost,currency,expense'

const north = '"Smith, ""Jr"" & Co"'
const south = `"'=HYPERLINK(""http://evil.example"")"`
const own = 'ООО «Ромашка»'

const payment = {
  1: `1,P-1,1,${north},Bank transfer,12.50,USD,4,2026-01-02 03:04:05,2026-01-02 04:00:00,John Smith`,
  2: `2,'-42,2,${south},,300,JPY,1,2026-02-10 10:00:00,,'@evil`,
  3: `3,P-3,3,${own},,12.345,BHD,4,2026-03-01 23:59:59,2026-03-02 00:00:00,"Line one\nLine two"`,
  4: `4,P-4,1,${north},,0.05,USD,6,2026-03-15 12:00:00,,`,
}
const expense = {
  1: `1,1,${north},1,10.00,USD,2026-01-05 00:00:00,"Hosting, ""plan"" A",`,
  2: `2,1,${north},,-5.00,USD,2026-01-06 12:30:00,Refund,`,
  3: `3,2,${south},2,7,JPY,2026-02-01 08:00:00,'+tax,`,
  4: `4,3,${own},3,2.500,BHD,2026-03-02 09:15:00,Услуги связи,`,
}
const usage = {
  1: `1,1,1,${north},2026-01-01 00:00:00,3600,0.0025,9.00,USD,1`,
  2: `2,2,2,${south},2026-01-15 06:07:08,10,1,10,JPY,`,
  3: `3,3,3,${own},2026-02-01 23:59:59,1,0.001234,0.001,BHD,`,
  4: `4,1,1,${north},2026-02-02 10:00:00,0,0.0025,0.00,USD,`,
}

/** Parses RFC 4180 CSV strictly: CRLF line ends, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let i = 0
  const endField = () => {
    row.push(field)
    field = ''
  }
  while (i < text.length) {
    if (text[i] === '"' && field === '') {
      i++
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote')
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"'
          i += 2
        } else if (text[i] === '"') {
          i++
          break
        } else field += text[i++]
      }
      if (text[i] !== ',' && text.slice(i, i + 2) !== '\r\n') throw new Error(`text after a closing quote at ${i}`)
    } else if (text[i] === ',') {
      endField()
      i++
    } else if (text.slice(i, i + 2) === '\r\n') {
      endField()
      rows.push(row)
      row = []
      i += 2
    } else if (text[i] === '\r' || text[i] === '\n' || text[i] === '"') {
      throw new Error(`a bare ${JSON.stringify(text[i])} at ${i}`)
    } else field += text[i++]
  }
  if (field !== '' || row.length) throw new Error('the last line has no line end')
  return rows
}

/** The list's rows as its JSONdata reply gives them, every page at once. */
async function listRows(w: FilesWorld, func: string, who: Record<string, string>): Promise<Record<string, unknown>[]> {
  const reply = await w.t.data({ func, p_cnt: '1000', ...who })
  expect(reply.error).toBeUndefined()
  return reply.elem
}

describe('CSV exports on the file channel', () => {
  it('gives every payment, expense and usage record as RFC 4180 CSV, byte for byte', async () => {
    const w = await filesWorld()
    const payments = await fetchFile(w.t, 'payments/download', adminLogin)
    expect(payments.res.status).toBe(200)
    expect(payments.res.headers.get('content-type')).toBe('text/csv; charset=UTF-8; header=present')
    expect(payments.res.headers.get('content-disposition')).toBe('attachment; filename="payments.csv"')
    expect(payments.res.headers.get('cache-control')).toBe('no-store')
    expect(payments.res.headers.get('x-vcs-status')).toBeNull()
    expect(payments.text).toBe(csv(paymentHeader, payment[1], payment[2], payment[3], payment[4]))
    const expenses = await fetchFile(w.t, 'expenses/download', adminLogin)
    expect(expenses.res.headers.get('content-disposition')).toBe('attachment; filename="expenses.csv"')
    expect(expenses.text).toBe(csv(expenseHeader, expense[1], expense[2], expense[3], expense[4]))
    const records = await fetchFile(w.t, 'xdrs/download', adminLogin)
    expect(records.res.headers.get('content-disposition')).toBe('attachment; filename="xdrs.csv"')
    expect(records.text).toBe(csv(xdrHeader, usage[1], usage[2], usage[3], usage[4]))
  })

  it('writes what the list shows: the same values, text guarded against formulas', async () => {
    const w = await filesWorld()
    for (const [func, path] of [['payment', 'payments/download'], ['expense', 'expenses/download'], ['xdr', 'xdrs/download']]) {
      const [header, ...rows] = parseCsv((await fetchFile(w.t, path, adminLogin)).text)
      const listed = await listRows(w, func, asAdmin)
      const unguarded = rows.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i].replace(/^'(?=[=+\-@\t\r])/, '')])))
      const expected = [...listed].sort((a, b) => Number(a.id) - Number(b.id)).map((row) => Object.fromEntries(header.map((name) => [name, String(row[name] ?? '')])))
      expect(unguarded, func).toEqual(expected)
    }
  })

  it('applies each filter that is given, with the list\'s rules', async () => {
    const w = await filesWorld()
    const get = async (path: string, filter: Record<string, string>) => (await fetchFile(w.t, path, { ...adminLogin, ...filter })).text
    expect(await get('payments/download', { status: '4' })).toBe(csv(paymentHeader, payment[1], payment[3]))
    expect(await get('payments/download', { account: String(w.northClient) })).toBe(csv(paymentHeader, payment[1], payment[4]))
    expect(await get('payments/download', { created_from: '2026-02-10', created_to: '2026-03-01' })).toBe(csv(paymentHeader, payment[2], payment[3]))
    expect(await get('payments/download', { sender: 'line', paymethod: '' })).toBe(csv(paymentHeader, payment[3]))
    expect(await get('payments/download', { number: '%' })).toBe(csv(paymentHeader))
    expect(await get('expenses/download', { item: String(w.northItem) })).toBe(csv(expenseHeader, expense[1]))
    expect(await get('expenses/download', { created_to: '2026-01-31' })).toBe(csv(expenseHeader, expense[1], expense[2]))
    expect(await get('xdrs/download', { rated: 'on' })).toBe(csv(xdrHeader, usage[1]))
    expect(await get('xdrs/download', { rated: 'off', account: String(w.northClient) })).toBe(csv(xdrHeader, usage[4]))
    expect(await get('xdrs/download', { started_from: '2026-01-15 06:07:08', started_to: '2026-02-01T23:59:59Z' })).toBe(csv(xdrHeader, usage[2]))
  })

  it('gives a reseller\'s staff and a client user only their own clients\' rows, whatever the filter', async () => {
    const w = await filesWorld()
    const get = async (path: string, who: Record<string, string>, filter: Record<string, string> = {}) =>
      (await fetchFile(w.t, path, { ...who, ...filter })).text
    expect(await get('payments/download', staffLogin)).toBe(csv(paymentHeader, payment[1], payment[4]))
    expect(await get('expenses/download', staffLogin)).toBe(csv(expenseHeader, expense[1], expense[2]))
    expect(await get('xdrs/download', staffLogin)).toBe(csv(xdrHeader, usage[1], usage[4]))
    expect(await get('payments/download', userLogin)).toBe(csv(paymentHeader, payment[2]))
    expect(await get('expenses/download', userLogin)).toBe(csv(expenseHeader, expense[3]))
    expect(await get('xdrs/download', userLogin)).toBe(csv(xdrHeader, usage[2]))
    // Another owner's client as a filter narrows to nothing; it reveals nothing either.
    expect(await get('payments/download', staffLogin, { account: String(w.southClient) })).toBe(csv(paymentHeader))
    expect(await get('xdrs/download', userLogin, { account: String(w.ownClient) })).toBe(csv(xdrHeader))
  })

  it('reads past window boundaries and gaps in the ids, each row once, in id order', async () => {
    const w = await filesWorld()
    const ids: number[] = []
    // Dense runs across the first windows, then sparse ids far apart (windows widen over them).
    for (let id = 10; id < 7000; id++) if (id % 7 !== 0) ids.push(id)
    for (let id = 50_000; id < 2_000_000; id += 49_999) ids.push(id)
    const records = ids.map((id) => ({ id, itemId: w.northItem, accountId: w.northClient, startedAt: at('2026-04-01T00:00:00') + id * 1000, quantity: id, unitPrice: 2500, cost: id % 1000 }))
    await w.t.store.write(async (tx) => {
      for (let i = 0; i < records.length; i += 1000) await tx.insert(xdrs).values(records.slice(i, i + 1000))
    })
    const [, ...rows] = parseCsv((await fetchFile(w.t, 'xdrs/download', { ...adminLogin, account: String(w.northClient) })).text)
    expect(rows.map((r) => Number(r[0]))).toEqual([1, 4, ...ids])
    // The last id is 50,000 + 39 × 49,999: started that many seconds after April 1st, costing its last three digits.
    expect(rows.at(-1)).toEqual(['1999961', String(w.northItem), String(w.northClient), 'Smith, "Jr" & Co', '2026-04-24 03:32:41', '1999961', '0.0025', '9.61', 'USD', ''])
  })
})

describe('the same files through the URL protocol', () => {
  it('func=<object>.download gives the same bytes, with the same filters', async () => {
    const w = await filesWorld()
    for (const [func, path] of [['payment', 'payments'], ['expense', 'expenses'], ['xdr', 'xdrs']]) {
      const channel = await fetchFile(w.t, `${path}/download`, { ...adminLogin, account: String(w.northClient) })
      for (const out of [{}, { out: 'csv' }, { out: 'xml' }] as Record<string, string>[]) {
        const { res, text } = await w.t.call({ func: `${func}.download`, account: String(w.northClient), ...asAdmin, ...out })
        expect(res.headers.get('content-type'), func).toBe('text/csv; charset=UTF-8; header=present')
        expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${path}.csv"`)
        expect(text, func).toBe(channel.text)
      }
    }
  })

  it('out=csv on a list gives the whole list as filtered (filter=on, the saved filter, plid), not one page', async () => {
    const w = await filesWorld()
    const all = await w.t.call({ func: 'payment', out: 'csv', p_cnt: '1', p_num: '2', ...asAdmin })
    expect(all.res.headers.get('content-disposition')).toBe('attachment; filename="payments.csv"')
    expect(all.text).toBe(csv(paymentHeader, payment[1], payment[2], payment[3], payment[4]))
    const filtered = await w.t.call({ func: 'payment', out: 'csv', filter: 'on', status: '4', ...asAdmin })
    expect(filtered.text).toBe(csv(paymentHeader, payment[1], payment[3]))
    const fromClient = await w.t.call({ func: 'expense', out: 'csv', plid: String(w.northClient), ...asAdmin })
    expect(fromClient.text).toBe(csv(expenseHeader, expense[1], expense[2]))
    expect((await w.t.data({ func: 'xdr.filter', sok: 'ok', rated: 'on', ...asAdmin })).ok).toBe(true)
    const saved = await w.t.call({ func: 'xdr', out: 'csv', ...asAdmin })
    expect(saved.text).toBe(csv(xdrHeader, usage[1]))
    const asStaff = await w.t.call({ func: 'xdr', out: 'csv', authinfo: 'nstaff:north-secret-1' })
    expect(asStaff.text).toBe(csv(xdrHeader, usage[1], usage[4]))
  })

  it('tells failures as the URL protocol does, and refuses out=csv where there is no file', async () => {
    const w = await filesWorld()
    const bad = await w.t.call({ func: 'payment.download', status: '9', out: 'xml', ...asAdmin })
    expect(bad.res.headers.get('content-type')).toMatch(/^text\/xml/)
    expect(bad.text).toContain('<error type="value" object="status"')
    const json = await w.t.data({ func: 'payment.download', authinfo: 'admin:wrong' })
    expect(json.error).toMatchObject({ type: 'auth' })
    const none = await w.t.call({ func: 'user', out: 'csv', ...asAdmin })
    expect(none.res.status).toBe(200)
    expect(none.text).toContain('<error type="value" object="out"')
    expect(none.text).toContain('user gives no csv file')
    const form = await w.t.call({ func: 'payment.edit', elid: '1', out: 'pdf', ...asAdmin })
    expect(form.text).toContain('<error type="value" object="out"')
    const page = await w.t.call({ func: 'payment.download', status: '9', ...asAdmin })
    expect(page.res.headers.get('content-type')).toMatch(/^text\/html/)
  })

  it('is opened from the panel: a download button on the lists, the file by the session cookie', async () => {
    const w = await filesWorld()
    const b = browser(w.t)
    await b.post({ func: 'auth', username: 'admin', password: adminPassword })
    const page = await b.get(`/billmgr?func=payment&filter=on&status=4`)
    const link = /<a class="button" href="([^"]*out=csv[^"]*)" download="">Download CSV<\/a>/.exec(page.html)
    expect(link, 'download button').not.toBeNull()
    const href = link![1].replace(/&amp;/g, '&')
    expect(href).toBe('/billmgr?func=payment&filter=on&status=4&out=csv')
    const file = await b.get(href)
    expect(file.res.headers.get('content-disposition')).toBe('attachment; filename="payments.csv"')
    expect(file.html).toBe(csv(paymentHeader, payment[1], payment[3]))
    const direct = await b.get('/billmgr?func=xdr.download&rated=on')
    expect(direct.html).toBe(csv(xdrHeader, usage[1]))
    const anonymous = await w.t.request('/billmgr?func=xdr.download')
    expect(anonymous.status).toBe(302)
    expect(anonymous.headers.get('location')).toBe('/billmgr?func=logon')
  })
})
