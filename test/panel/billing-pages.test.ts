import { beforeEach, describe, expect, it } from 'vitest'
import { labelOf, titleOf, valueLabel } from '../../src/core/labels'
import { translator } from '../../src/i18n/index'
import { adminPassword, makeTestApp, type TestApp } from '../helpers'
import { browser, csrfOf } from './client'

const en = translator('en')
const asAdmin = { authinfo: `admin:${adminPassword}` }

async function loggedIn(t: TestApp, username = 'admin', password = adminPassword) {
  const b = browser(t)
  const { res } = await b.post({ func: 'auth', username, password })
  expect(res.status).toBe(303)
  return b
}

async function created(t: TestApp, params: Record<string, string>): Promise<string> {
  const reply = await t.data({ sok: 'ok', ...asAdmin, ...params })
  if (!reply.ok) throw new Error(`${params.func} failed: ${JSON.stringify(reply)}`)
  return String(reply.id)
}

const tariff = (t: TestApp, name: string, extra: Record<string, string> = {}) =>
  created(t, { func: 'pricelist.edit', name, product_type: 'hosting', currency: 'USD', price_1: '10', ...extra })

describe('panel: billing pages', () => {
  let t: TestApp
  let client: string
  beforeEach(async () => {
    t = await makeTestApp()
    client = String(await t.createAccount('Acme'))
  })

  it('offers the tariffs of an order as a select, auto-renewal on by default, also after an error', async () => {
    const web = await tariff(t, 'Web S')
    const b = await loggedIn(t)
    const form = await b.get('/billmgr?func=item.order')
    expect(form.html).toContain(`<option value="${web}">Web S (USD)</option>`)
    expect(form.html).toMatch(/id="field-auto_renew" name="auto_renew" type="checkbox" value="on" checked=""/)
    const failed = await b.post({ func: 'item.order', account: client, period: '1', csrf: csrfOf(form.html) })
    expect(failed.html).toContain('role="alert"')
    expect(failed.html).toContain(`<option value="${web}">Web S (USD)</option>`)
    // Sent without the box checked: it stays unchecked.
    expect(failed.html).not.toMatch(/name="auto_renew" type="checkbox" value="on" checked/)
  })

  it('shows what an action answered with value labels, and the way back to its list', async () => {
    const web = await tariff(t, 'Web S')
    const b = await loggedIn(t)
    const form = await b.get('/billmgr?func=item.order')
    const done = await b.post({ func: 'item.order', account: client, pricelist: web, period: '1', csrf: csrfOf(form.html) })
    // Nothing paid yet: ordered, shown by its label rather than its number.
    expect(done.html).toContain(`<dd>${valueLabel(en, 'item.order', 'status', '1')}</dd>`)
    expect(done.html).toContain(`<a class="button" href="/billmgr?func=item">${titleOf(en, 'item')}</a>`)
  })

  it('links a report to its printable version, which opens with the session', async () => {
    await created(t, { func: 'expense.edit', account: client, amount: '12.50', description: 'Consulting' })
    const day = new Date(t.clock()).toISOString().slice(0, 10)
    const invoice = await t.data({ func: 'invoice.generate', ...asAdmin, account: client, from: day, to: day })
    const b = await loggedIn(t)
    const page = await b.get(`/billmgr?func=invoice.download&elid=${invoice.id}`)
    // The lines come as a table of their own.
    expect(page.html).toContain('<td>Consulting</td>')
    const print = `/billmgr?func=invoice.download&elid=${invoice.id}&out=print`
    expect(page.html).toContain(`href="${print.replace(/&/g, '&amp;')}"`)
    const printed = await b.get(print)
    expect(printed.res.headers.get('content-type')).toBe('text/html; charset=UTF-8')
    expect(printed.html).toContain('Consulting')
    expect(printed.html).toContain('12.50')
    expect(printed.html).not.toContain('<form')
  })

  it('offers no New for a form that only shows (an issued invoice)', async () => {
    const b = await loggedIn(t)
    const list = await b.get('/billmgr?func=invoice')
    expect(list.html).not.toContain('href="/billmgr?func=invoice.edit"')
    expect(list.html).toContain(`href="/billmgr?func=invoice.generate">${titleOf(en, 'invoice.generate')}</a>`)
  })

  it('shows a recorded expense without a way to change it, and records new ones', async () => {
    const expense = await created(t, { func: 'expense.edit', account: client, amount: '3.00', description: 'Setup' })
    const b = await loggedIn(t)
    const shown = await b.get(`/billmgr?func=expense.edit&elid=${expense}`)
    expect(shown.html).toMatch(/id="field-description" type="text" value="Setup" readonly=""/)
    expect(shown.html).not.toContain(en('panel:form.save'))
    const list = await b.get('/billmgr?func=expense')
    expect(list.html).toContain(`href="/billmgr?func=expense.edit">${en('panel:list.new')}</a>`)
    const fresh = await b.get('/billmgr?func=expense.edit')
    expect(fresh.html).toContain(en('panel:form.save'))
    expect(fresh.html).toMatch(/id="field-description" name="description" type="text" value=""/)
  })

  it('filters on nothing for boxes left empty, and offers flags as yes or no', async () => {
    await tariff(t, 'On sale')
    await tariff(t, 'Withdrawn', { active: 'off' })
    const b = await loggedIn(t)
    const all = await b.get('/billmgr?func=pricelist&filter=on&product_type=&active=')
    expect(all.html).toContain('On sale')
    expect(all.html).toContain('Withdrawn')
    const inactive = await b.get('/billmgr?func=pricelist&filter=on&product_type=&active=off')
    expect(inactive.html).not.toContain('On sale')
    expect(inactive.html).toContain('Withdrawn')
    expect(inactive.html).toMatch(/<select id="filter-active" name="active"><option value="">[^<]*<\/option><option value="on">Yes<\/option><option value="off" selected="">No<\/option><\/select>/)
    const payments = await b.get('/billmgr?func=payment')
    expect(payments.html).toContain('id="filter-created_from" name="created_from" type="date"')
  })

  it('names things by their own labels: a tariff has a name, not a login', async () => {
    const b = await loggedIn(t)
    for (const func of ['pricelist', 'paymethod']) {
      const { html } = await b.get(`/billmgr?func=${func}`)
      expect(html).toContain(`>${labelOf(en, func, 'name')}</a></th>`)
      expect(labelOf(en, func, 'name')).not.toBe(en('fields:name'))
    }
    // A list's saved-filter form is labelled like its list.
    expect(labelOf(en, 'payment.filter', 'created_from')).toBe(labelOf(en, 'payment', 'created_from'))
  })

  it('leads from a nested list back to its owner, naming the parent', async () => {
    const b = await loggedIn(t)
    const { html } = await b.get(`/billmgr?func=account.customfields&elid=${client}`)
    expect(html).toContain(`<a href="/billmgr?func=account">‹ ${titleOf(en, 'account')}</a>`)
    expect(html).toContain(`<small>${client}</small>`)
    const top = await b.get('/billmgr?func=account')
    expect(top.html).not.toContain('class="crumbs"')
  })

  it('lets a client user look at its client and custom fields, not change them', async () => {
    await created(t, { func: 'account.customfields.edit', plid: client, name: 'vat_id', value: 'GB1' })
    await t.createUser('acme', '16', 'acme-secret-1', { account: client })
    const b = await loggedIn(t, 'acme', 'acme-secret-1')
    const list = await b.get('/billmgr?func=account')
    expect(list.html).not.toContain('href="/billmgr?func=account.edit"')
    expect(list.html).toContain(`href="/billmgr?func=account.edit&amp;elid=${client}"`)
    const form = await b.get(`/billmgr?func=account.edit&elid=${client}`)
    expect(form.html).toMatch(/id="field-name" type="text" value="Acme" readonly=""/)
    expect(form.html).not.toContain(en('panel:form.save'))
    expect(form.html).not.toContain('name="sok"')
    const fields = await b.get(`/billmgr?func=account.customfields&elid=${client}`)
    expect(fields.html).toContain('GB1')
    expect(fields.html).not.toContain('func=account.customfields.edit&amp;plid=')
    // Whatever the panel offers, the function refuses a change by a client user.
    const sent = await b.post({ func: 'account.edit', elid: client, sok: 'ok', name: 'Renamed', currency: 'USD', csrf: csrfOf(form.html) })
    expect(sent.html).toContain('role="alert"')
    const creds = { authinfo: 'acme:acme-secret-1' }
    const attempts: Record<string, string>[] = [
      { func: 'account.edit', elid: client, name: 'Renamed' },
      { func: 'account.edit', name: 'Another', currency: 'USD' },
      { func: 'account.customfields.edit', plid: client, name: 'other', value: 'x' },
    ]
    for (const params of attempts) {
      const reply = await t.data({ ...params, sok: 'ok', ...creds })
      expect(reply.error?.type).toBe('access')
    }
    const after = await t.data({ func: 'account.edit', elid: client, ...asAdmin })
    expect(after.name).toBe('Acme')
    const stored = await t.data({ func: 'account.customfields', elid: client, ...asAdmin })
    expect(stored.elem.map((e: { name: string }) => e.name)).toEqual(['vat_id'])
  })
})

describe('panel: a client’s own lists', () => {
  it('opens a client’s payments from its row, for that client only, and a new payment there is for it', async () => {
    const t = await makeTestApp()
    const acme = String(await t.createAccount('Acme'))
    const other = String(await t.createAccount('Other'))
    const method = await created(t, { func: 'paymethod.edit', name: 'Card', currency: 'USD' })
    for (const [account, amount] of [[acme, '10'], [other, '20'], [acme, '30']]) {
      await created(t, { func: 'payment.edit', account, paymethod: method, amount })
    }
    const b = await loggedIn(t)
    const clients = await b.get('/billmgr?func=account')
    expect(clients.html).toContain(`href="/billmgr?func=payment&amp;elid=${acme}&amp;plid=${acme}">${titleOf(en, 'payment')}</a>`)
    // The menu still offers every payment, not only one client's.
    expect(clients.html).toContain(`<a href="/billmgr?func=payment">${titleOf(en, 'payment')}</a>`)
    const own = await b.get(`/billmgr?func=payment&elid=${acme}&plid=${acme}`)
    expect(own.html).toContain(`‹ ${titleOf(en, 'account')}`)
    expect(own.html).toContain('30.00')
    expect(own.html).not.toContain('20.00')
    expect((await t.data({ func: 'payment', plid: other, ...asAdmin })).elem.map((p: { amount: string }) => p.amount)).toEqual(['20.00'])
    const form = await b.get(`/billmgr?func=payment.edit&plid=${acme}`)
    expect(form.html).toMatch(new RegExp(`id="field-account" name="account" type="text" value="${acme}"`))
    expect(form.html).toContain(`<input type="hidden" name="plid" value="${acme}"/>`)
    const order = await b.get(`/billmgr?func=item.order&plid=${acme}`)
    expect(order.html).toMatch(new RegExp(`name="account" type="text" value="${acme}"`))
  })
})

describe('panel: fields fixed once created', () => {
  it('shows them read-only when editing, offers them when creating, and declares them in devel', async () => {
    const t = await makeTestApp()
    const b = await loggedIn(t)
    const edit = await b.get('/billmgr?func=currency.edit&elid=1')
    expect(edit.html).toContain('<input id="field-code" type="text" value="USD" readonly=""/>')
    expect(edit.html).not.toContain('name="code"')
    expect(edit.html).toContain('name="name"')
    const create = await b.get('/billmgr?func=currency.edit')
    expect(create.html).toContain('name="code"')
    const devel = await t.call({ func: 'currency.edit', out: 'devel', elid: '1', ...asAdmin })
    expect(devel.text).toMatch(/<field name="code"[^>]*fixed="yes"/)
    expect((await t.data({ func: 'currency.edit', elid: '1', sok: 'ok', code: 'EUR', ...asAdmin })).error).toMatchObject({ type: 'value', object: 'code' })
    expect(await t.data({ func: 'currency.edit', elid: '1', sok: 'ok', code: 'USD', name: 'US dollar', ...asAdmin })).toEqual({ ok: true })
  })
})
