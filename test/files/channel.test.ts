import { describe, expect, it } from 'vitest'
import { adminPassword } from '../helpers'
import { adminLogin, asAdmin, fetchFile, filesWorld, userLogin } from './world'

const usageHeader = 'id,item,account,account_name,started,quantity,unit_price,cost,currency,expense\r\n'

/** A failure as the file channel must answer it: status, X-VCS-Status, a JSON body with one error. */
async function expectFailure(
  reply: { res: Response; text: string },
  status: number,
  error: { code: string; field: string; value: string; message: string },
) {
  expect(reply.res.status).toBe(status)
  expect(reply.res.headers.get('x-vcs-status')).toBe(String({ auth: 1, access: 2, missed: 3, value: 4, exists: 5, xml: 6, internal: 7 }[error.code]))
  expect(reply.res.headers.get('content-type')).toBe('application/json; charset=UTF-8')
  expect(reply.res.headers.get('content-disposition')).toBeNull()
  expect(JSON.parse(reply.text)).toEqual({ code: false, errors: [error] })
}

describe('the file channel: who may download', () => {
  it('takes auth[login] and auth[password] in the query or a form body, and __api=1 changes nothing', async () => {
    const w = await filesWorld()
    const query = await fetchFile(w.t, 'xdrs/download', { ...adminLogin, __api: '1', rated: 'on' })
    expect(query.res.status).toBe(200)
    const form = await fetchFile(w.t, 'xdrs/download', { ...adminLogin, rated: 'on' }, { method: 'POST' })
    expect(form.res.status).toBe(200)
    expect(form.text).toBe(query.text)
    expect(query.text.startsWith(usageHeader)).toBe(true)
    expect(query.text.split('\r\n')).toHaveLength(3)
  })

  it('takes a SID: the same session as the URL protocol\'s, ended the same way', async () => {
    const w = await filesWorld()
    const sid = await w.t.login()
    const withSid = await fetchFile(w.t, 'xdrs/download', { SID: sid })
    expect(withSid.res.status).toBe(200)
    expect(withSid.text).toBe((await w.t.call({ func: 'xdr.download', auth: sid, out: 'csv' })).text)
    expect((await w.t.data({ func: 'session.delete', elid: sid, auth: sid })).error).toBeUndefined()
    await expectFailure(await fetchFile(w.t, 'xdrs/download', { SID: sid }), 401, {
      code: 'auth',
      field: 'session',
      value: '',
      message: 'Not logged in, or the session has expired',
    })
  })

  it('answers 401 without credentials, with a wrong password, and for URL-protocol credentials it does not take', async () => {
    const w = await filesWorld()
    const notLoggedIn = { code: 'auth', field: 'session', value: '', message: 'Not logged in, or the session has expired' }
    await expectFailure(await fetchFile(w.t, 'payments/download', {}), 401, notLoggedIn)
    await expectFailure(await fetchFile(w.t, 'payments/download', asAdmin), 401, notLoggedIn)
    await expectFailure(await fetchFile(w.t, 'payments/download', { 'auth[login]': 'admin', 'auth[password]': 'wrong' }), 401, {
      code: 'auth',
      field: 'badpassword',
      value: '',
      message: 'Invalid username or password',
    })
    await expectFailure(await fetchFile(w.t, 'payments/download', { 'auth[login]': 'nobody', 'auth[password]': adminPassword }), 401, {
      code: 'auth',
      field: 'badpassword',
      value: '',
      message: 'Invalid username or password',
    })
  })

  it('acts as another user with su, as the URL protocol does', async () => {
    const w = await filesWorld()
    const asUser = await fetchFile(w.t, 'payments/download', userLogin)
    const su = await fetchFile(w.t, 'payments/download', { ...adminLogin, su: 'suser' })
    expect(su.res.status).toBe(200)
    expect(su.text).toBe(asUser.text)
    await expectFailure(await fetchFile(w.t, 'payments/download', { ...userLogin, su: 'admin' }), 403, {
      code: 'access',
      field: 'su',
      value: 'admin',
      message: 'You may not act as the user admin',
    })
  })
})

describe('the file channel: what went wrong', () => {
  it('answers 404 for an unknown file or invoice, 400 for what is missing or malformed', async () => {
    const w = await filesWorld()
    await expectFailure(await fetchFile(w.t, 'clients/download', adminLogin), 404, {
      code: 'missed',
      field: 'func',
      value: 'clients/download',
      message: 'Unknown function: clients/download',
    })
    await expectFailure(await fetchFile(w.t, 'invoices/download', { ...adminLogin, id_invoices: '999' }), 404, {
      code: 'missed',
      field: 'id_invoices',
      value: '999',
      message: 'Object not found',
    })
    await expectFailure(await fetchFile(w.t, 'invoices/download', adminLogin), 400, {
      code: 'missed',
      field: 'id_invoices',
      value: '',
      message: 'Required parameter missing: Invoice',
    })
    await expectFailure(await fetchFile(w.t, 'payments/download', { ...adminLogin, status: '9' }), 400, {
      code: 'value',
      field: 'status',
      value: '9',
      message: 'Status must be one of: 1, 2, 3, 4, 5, 6, 7',
    })
    await expectFailure(await fetchFile(w.t, 'xdrs/download', { ...adminLogin, started_from: 'yesterday' }), 400, {
      code: 'value',
      field: 'started_from',
      value: 'yesterday',
      message: 'Started from (UTC) must be a date YYYY-MM-DD or a UTC time YYYY-MM-DD HH:MM:SS, not "yesterday"',
    })
    const encoding = await w.t.request('/admin/xdrs/download?auth%5Blogin%5D=%E0%A4')
    expect(encoding.status).toBe(400)
    expect(encoding.headers.get('x-vcs-status')).toBe('6')
  })

  it('refuses a body larger than the limit before reading it', async () => {
    const w = await filesWorld()
    const big = new URLSearchParams({ ...adminLogin, pad: 'x'.repeat(2 * 1024 * 1024) }).toString()
    const res = await w.t.request('/admin/xdrs/download', { method: 'POST', body: big, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(res.status).toBe(400)
    expect(res.headers.get('x-vcs-status')).toBe('6')
    expect(JSON.parse(await res.text()).errors[0]).toMatchObject({ code: 'xml', field: 'body' })
  })

  it('speaks the language asked for with lang or Accept-Language', async () => {
    const w = await filesWorld()
    const ru = await fetchFile(w.t, 'invoices/download', { ...adminLogin, id_invoices: '999', lang: 'ru' })
    expect(JSON.parse(ru.text).errors[0].message).toMatch(/[А-Яа-я]/)
    const header = await fetchFile(w.t, 'invoices/download', { ...adminLogin, id_invoices: '999' }, { headers: { 'accept-language': 'de-DE, ru;q=0.8, en;q=0.5' } })
    expect(JSON.parse(header.text).errors[0].message).toBe(JSON.parse(ru.text).errors[0].message)
    const unknown = await fetchFile(w.t, 'nothing/here', {}, { headers: { 'accept-language': 'ru-RU' } })
    expect(JSON.parse(unknown.text).errors[0].message).toBe('Неизвестная функция: nothing/here')
  })
})

describe('the registry knows the files', () => {
  it('lists the downloads as kind "file" with their filters, and devel marks the lists and reports that give files', async () => {
    const w = await filesWorld()
    const help = await w.t.data({ func: 'help', p_cnt: '1000', ...asAdmin })
    const byName = Object.fromEntries(help.elem.map((f: { name: string }) => [f.name, f]))
    expect(byName['payment.download']).toMatchObject({ kind: 'file', params: 'account, status, paymethod, number, sender, created_from, created_to', title: 'Payments (CSV file)' })
    expect(byName['expense.download']).toMatchObject({ kind: 'file', title: 'Expenses (CSV file)' })
    expect(byName['xdr.download']).toMatchObject({ kind: 'file', params: 'item, account, started_from, started_to, rated' })
    const devel = await w.t.call({ func: 'payment', out: 'devel', ...asAdmin })
    expect(devel.text).toMatch(/<metadata name="payment" type="list" level="16" key="id" file="csv">/)
    const made = await w.t.data({ func: 'invoice.generate', account: String(w.northClient), from: '2026-01-01', to: '2026-01-31', ...asAdmin })
    const report = await w.t.call({ func: 'invoice.download', elid: String(made.id), out: 'devel', ...asAdmin })
    expect(report.text).toMatch(/<metadata name="invoice.download" type="report" level="16" file="pdf">/)
    const user = await w.t.call({ func: 'user', out: 'devel', ...asAdmin })
    expect(user.text).toMatch(/<metadata name="user" type="list" level="\d+" key="id">/)
  })
})
