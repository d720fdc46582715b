import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labelOf, titleOf, valueLabel } from '../../src/core/labels'
import { balanceDrift } from '../../src/billing/ledger'
import { translator } from '../../src/i18n/index'
import { adminPassword } from '../helpers'
import { artifacts, startBrowserSession, type BrowserSession } from './browser-session'

const en = translator('en')
const ru = translator('ru')

/** A name that must come back exactly as typed, never as markup. */
const clientName = 'Acme <b>&</b> "Sons"'
const clientEmail = 'billing@acme.example'
/** A UTC day as `YYYY-MM-DD`, `days` from now. */
const utcDay = (days = 0) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

describe('billing panel in a real browser', () => {
  let session: BrowserSession | undefined
  let page: Page
  let problems: string[] = []
  let clientId = ''

  beforeAll(async () => {
    session = await startBrowserSession()
    problems = session.problems
    ;({ page } = await session.newPage())
  })

  afterAll(async () => {
    await session?.close()
  })

  /** A screenshot to look at; every page shot is also checked to carry no script. */
  async function shot(p: Page, name: string) {
    expect(await p.content()).not.toMatch(/<script|\son[a-z]+=/i)
    await p.screenshot({ path: `${artifacts}billing-${name}.png`, fullPage: true })
  }
  const menu = (p: Page, func: string) =>
    p.getByRole('navigation', { name: en('panel:header.menu') }).getByRole('link', { name: titleOf(en, func), exact: true })
  /** A field of the form on the page, by its label as `func` declares it. */
  const field = (p: Page, func: string, name: string) => p.getByLabel(labelOf(en, func, name), { exact: true })
  const rowWith = (p: Page, text: string) => p.locator('table.list tbody tr', { hasText: text })
  /** A row's cells by column header. */
  async function cellsOf(p: Page, row: Locator): Promise<Record<string, string>> {
    const headers = await p.locator('table.list thead th').allTextContents()
    const cells = await row.locator('td').allTextContents()
    return Object.fromEntries(headers.map((h, i) => [h.replace(/\s[▲▼]$/, '').trim(), cells[i]?.trim() ?? '']))
  }
  async function save(p: Page, listFunc: string) {
    await p.getByRole('button', { name: en('panel:form.save') }).click()
    await p.waitForURL(new RegExp(`func=${listFunc.replace(/\./g, '\\.')}(&|$)`))
    await expect(p.locator('p.alert').count()).resolves.toBe(0)
  }

  async function logIn(p: Page, name: string, password: string) {
    await p.goto(`${session!.base}/billmgr`)
    await p.getByLabel(en('panel:login.username')).fill(name)
    await p.getByLabel(en('panel:login.password')).fill(password)
    await p.getByRole('button', { name: en('panel:login.submit') }).click()
    await p.waitForURL(`${session!.base}/billmgr`)
  }

  it('logs in as admin and creates a client with the New form', async () => {
    await logIn(page, 'admin', adminPassword)
    await menu(page, 'account').click()
    await page.waitForURL(/func=account$/)
    await expect(page.locator('h1').textContent()).resolves.toBe(titleOf(en, 'account'))
    await page.getByRole('link', { name: en('panel:list.new'), exact: true }).click()
    await page.waitForURL(/func=account\.edit$/)
    await field(page, 'account.edit', 'name').fill(clientName)
    await field(page, 'account.edit', 'email').fill(clientEmail)
    await field(page, 'account.edit', 'currency').selectOption('USD')
    await field(page, 'account.edit', 'credit_limit').fill('50.00')
    await shot(page, 'client-form')
    await save(page, 'account')
    const row = rowWith(page, clientEmail)
    await expect(row.count()).resolves.toBe(1)
    const cells = await cellsOf(page, row)
    clientId = cells[labelOf(en, 'account', 'id')]
    expect(clientId).toMatch(/^\d+$/)
    expect(cells).toMatchObject({
      [labelOf(en, 'account', 'name')]: clientName,
      [labelOf(en, 'account', 'currency')]: 'USD',
      [labelOf(en, 'account', 'credit_limit')]: '50.00',
      [labelOf(en, 'account', 'balance')]: '0.00',
      [labelOf(en, 'account', 'status')]: valueLabel(en, 'account', 'status', 'active'),
    })
    await shot(page, 'clients')
  })

  it('opens the client from its key column', async () => {
    await rowWith(page, clientEmail).getByRole('link', { name: clientId, exact: true }).click()
    await page.waitForURL(new RegExp(`func=account\\.edit&elid=${clientId}$`))
    await expect(field(page, 'account.edit', 'name').inputValue()).resolves.toBe(clientName)
    await expect(field(page, 'account.edit', 'credit_limit').inputValue()).resolves.toBe('50.00')
    await expect(field(page, 'account.edit', 'status').inputValue()).resolves.toBe(
      valueLabel(en, 'account.edit', 'status', 'active'),
    )
    await shot(page, 'client')
    await page.getByRole('link', { name: en('panel:form.cancel') }).click()
    await page.waitForURL(/func=account$/)
  })

  it("adds a custom field from the client's row link", async () => {
    await rowWith(page, clientEmail).getByRole('link', { name: titleOf(en, 'account.customfields') }).click()
    await page.waitForURL(new RegExp(`func=account\\.customfields&elid=${clientId}&plid=${clientId}$`))
    await page.getByRole('link', { name: en('panel:list.new'), exact: true }).click()
    await page.waitForURL(new RegExp(`func=account\\.customfields\\.edit&plid=${clientId}$`))
    await expect(page.locator('form.edit input[type=hidden][name=plid]').getAttribute('value')).resolves.toBe(clientId)
    await field(page, 'account.customfields.edit', 'name').fill('vat_id')
    await field(page, 'account.customfields.edit', 'value').fill('GB <123> & co')
    await save(page, 'account.customfields')
    const row = rowWith(page, 'vat_id')
    await expect(row.locator('td').allTextContents()).resolves.toEqual(expect.arrayContaining(['vat_id', 'GB <123> & co']))
    await shot(page, 'customfields')
  })

  it('creates a payment method and a tariff plan through their forms', async () => {
    await menu(page, 'paymethod').click()
    await page.waitForURL(/func=paymethod$/)
    await page.getByRole('link', { name: en('panel:list.new'), exact: true }).click()
    await field(page, 'paymethod.edit', 'name').fill('Bank transfer')
    await field(page, 'paymethod.edit', 'currency').selectOption('USD')
    await expect(field(page, 'paymethod.edit', 'enabled').isChecked()).resolves.toBe(true)
    await save(page, 'paymethod')
    await expect(rowWith(page, 'Bank transfer').count()).resolves.toBe(1)
    await shot(page, 'paymethods')

    await menu(page, 'pricelist').click()
    await page.waitForURL(/func=pricelist$/)
    await page.getByRole('link', { name: en('panel:list.new'), exact: true }).click()
    await field(page, 'pricelist.edit', 'name').fill('Web hosting S')
    await field(page, 'pricelist.edit', 'product_type').fill('hosting')
    await field(page, 'pricelist.edit', 'currency').selectOption('USD')
    await field(page, 'pricelist.edit', 'setup_fee').fill('5.00')
    await field(page, 'pricelist.edit', 'price_1').fill('10.00')
    await field(page, 'pricelist.edit', 'price_12').fill('100.00')
    await shot(page, 'tariff-form')
    await save(page, 'pricelist')
    await expect(rowWith(page, 'Web hosting S').count()).resolves.toBe(1)
    await shot(page, 'tariffs')
  })

  it('records a payment for the client and credits it with the group button', async () => {
    await menu(page, 'payment').click()
    await page.waitForURL(/func=payment$/)
    await page.getByRole('link', { name: en('panel:list.new'), exact: true }).click()
    await page.waitForURL(/func=payment\.edit$/)
    await field(page, 'payment.edit', 'account').fill(clientId)
    await field(page, 'payment.edit', 'paymethod').selectOption({ label: 'Bank transfer (USD)' })
    await field(page, 'payment.edit', 'amount').fill('100.00')
    await field(page, 'payment.edit', 'sender').fill('Acme treasury')
    await shot(page, 'payment-form')
    await save(page, 'payment')
    const row = rowWith(page, 'Acme treasury')
    const status = labelOf(en, 'payment', 'status')
    await expect(cellsOf(page, row)).resolves.toMatchObject({
      [labelOf(en, 'payment', 'account_name')]: clientName,
      [labelOf(en, 'payment', 'paymethod')]: 'Bank transfer',
      [labelOf(en, 'payment', 'amount')]: '100.00',
      [status]: valueLabel(en, 'payment', 'status', '1'),
    })
    await row.getByRole('checkbox').check()
    await page.getByRole('button', { name: titleOf(en, 'payment.setpaid') }).click()
    await page.waitForURL(/func=payment$/)
    await expect(page.locator('p.alert').count()).resolves.toBe(0)
    await expect(cellsOf(page, rowWith(page, 'Acme treasury'))).resolves.toMatchObject({
      [status]: valueLabel(en, 'payment', 'status', '4'),
    })
    await shot(page, 'payments')
  })

  it("shows the credited money in the client's balance", async () => {
    await menu(page, 'account').click()
    await expect(cellsOf(page, rowWith(page, clientEmail))).resolves.toMatchObject({
      [labelOf(en, 'account', 'balance')]: '100.00',
    })
  })

  it("orders a service from the services list's order action", async () => {
    await menu(page, 'item').click()
    await page.waitForURL(/func=item$/)
    await page.getByRole('link', { name: titleOf(en, 'item.order'), exact: true }).click()
    await page.waitForURL(/func=item\.order/)
    await field(page, 'item.order', 'account').fill(clientId)
    await field(page, 'item.order', 'pricelist').selectOption({ label: 'Web hosting S (USD)' })
    await field(page, 'item.order', 'period').selectOption('1')
    await field(page, 'item.order', 'name').fill('acme.example')
    await expect(field(page, 'item.order', 'auto_renew').isChecked()).resolves.toBe(true)
    await shot(page, 'order-form')
    await page.getByRole('button', { name: titleOf(en, 'item.order') }).click()
    await expect(page.locator('p.alert').count()).resolves.toBe(0)
    await expect(page.locator('dl.result').textContent()).resolves.toContain(valueLabel(en, 'item.order', 'status', '2'))
    await shot(page, 'order-done')

    await menu(page, 'item').click()
    const row = rowWith(page, 'acme.example')
    await expect(cellsOf(page, row)).resolves.toMatchObject({
      [labelOf(en, 'item', 'account_name')]: clientName,
      [labelOf(en, 'item', 'pricelist')]: 'Web hosting S',
      [labelOf(en, 'item', 'status')]: valueLabel(en, 'item', 'status', '2'),
      [labelOf(en, 'item', 'cost')]: '10.00',
      [labelOf(en, 'item', 'auto_renew')]: '✓',
    })
    await shot(page, 'services')
  })

  it("renews the service from its row link", async () => {
    const row = rowWith(page, 'acme.example')
    const expires = (await cellsOf(page, row))[labelOf(en, 'item', 'expires')]
    await row.getByRole('link', { name: titleOf(en, 'service.prolong'), exact: true }).click()
    await page.waitForURL(/func=service\.prolong&elid=\d+$/)
    await expect(field(page, 'service.prolong', 'elid').inputValue()).resolves.toMatch(/^\d+$/)
    await field(page, 'service.prolong', 'period').selectOption('1')
    await shot(page, 'prolong-form')
    await page.getByRole('button', { name: titleOf(en, 'service.prolong') }).click()
    await expect(page.locator('p.alert').count()).resolves.toBe(0)
    const renewed = (await page.locator('dl.result dd').allTextContents())[0]
    expect(renewed > expires).toBe(true)
    await page.locator('main').getByRole('link', { name: titleOf(en, 'item'), exact: true }).click()
    await page.waitForURL(/func=item$/)
    await expect(cellsOf(page, rowWith(page, 'acme.example'))).resolves.toMatchObject({
      [labelOf(en, 'item', 'expires')]: renewed,
    })
  })

  it('lists the charges in the expenses list and lowers the balance', async () => {
    await menu(page, 'expense').click()
    await page.waitForURL(/func=expense$/)
    const rows = page.locator('table.list tbody tr')
    const amounts: string[] = []
    for (let i = 0; i < (await rows.count()); i++) {
      amounts.push((await cellsOf(page, rows.nth(i)))[labelOf(en, 'expense', 'amount')])
    }
    expect(amounts.sort()).toEqual(['10.00', '10.00', '5.00'])
    await shot(page, 'expenses')
    await menu(page, 'account').click()
    await expect(cellsOf(page, rowWith(page, clientEmail))).resolves.toMatchObject({
      [labelOf(en, 'account', 'balance')]: '75.00',
    })
    expect(await balanceDrift(session!.db)).toEqual([])
  })

  it("issues an invoice from the invoice list's action and prints it", async () => {
    await menu(page, 'invoice').click()
    await page.waitForURL(/func=invoice$/)
    await page.getByRole('link', { name: titleOf(en, 'invoice.generate'), exact: true }).click()
    await field(page, 'invoice.generate', 'account').fill(clientId)
    await field(page, 'invoice.generate', 'from').fill(utcDay(-1))
    await field(page, 'invoice.generate', 'to').fill(utcDay())
    await page.getByRole('button', { name: titleOf(en, 'invoice.generate') }).click()
    await expect(page.locator('p.alert').count()).resolves.toBe(0)
    await expect(page.locator('dl.result').count()).resolves.toBe(1)
    await shot(page, 'invoice-issued')

    await menu(page, 'invoice').click()
    const row = rowWith(page, clientName)
    await expect(cellsOf(page, row)).resolves.toMatchObject({
      [labelOf(en, 'invoice', 'amount')]: '25.00',
      [labelOf(en, 'invoice', 'status')]: valueLabel(en, 'invoice', 'status', 'new'),
    })
    await shot(page, 'invoices')
    await row.getByRole('link', { name: titleOf(en, 'invoice.download'), exact: true }).click()
    await page.waitForURL(/func=invoice\.download&elid=\d+$/)
    await shot(page, 'invoice-download')
    await page.getByRole('link', { name: en('panel:result.print') }).click()
    await page.waitForURL(/out=print/)
    const text = await page.locator('body').textContent()
    expect(text).toContain(clientName)
    expect(text).toContain('25.00')
    expect(text).toContain('Web hosting S')
    await shot(page, 'invoice-print')
  })

  it('shows an invoice read-only, and its lines from its row link', async () => {
    await page.goBack()
    await menu(page, 'invoice').click()
    const row = rowWith(page, clientName)
    const id = (await cellsOf(page, row))[labelOf(en, 'invoice', 'id')]
    await row.getByRole('link', { name: id, exact: true }).click()
    await page.waitForURL(/func=invoice\.edit&elid=\d+$/)
    await expect(field(page, 'invoice.edit', 'status').inputValue()).resolves.toBe(valueLabel(en, 'invoice.edit', 'status', 'new'))
    await expect(field(page, 'invoice.edit', 'amount').inputValue()).resolves.toBe('25.00')
    await expect(page.getByRole('button', { name: en('panel:form.save') }).count()).resolves.toBe(0)
    await shot(page, 'invoice')
    await page.getByRole('link', { name: en('panel:form.cancel') }).click()
    await rowWith(page, clientName).getByRole('link', { name: titleOf(en, 'invoice.lines'), exact: true }).click()
    await page.waitForURL(/func=invoice\.lines&elid=(\d+)&plid=\1$/)
    await expect(page.locator('table.list tbody tr').count()).resolves.toBe(3)
    await shot(page, 'invoice-lines')
    await page.locator('.crumbs').getByRole('link', { name: titleOf(en, 'invoice') }).click()
    await page.waitForURL(/func=invoice$/)
  })

  it('opens a service and a payment from their key columns', async () => {
    await menu(page, 'item').click()
    const service = (await cellsOf(page, rowWith(page, 'acme.example')))[labelOf(en, 'item', 'id')]
    await rowWith(page, 'acme.example').getByRole('link', { name: service, exact: true }).click()
    await expect(field(page, 'item.edit', 'status').inputValue()).resolves.toBe(valueLabel(en, 'item.edit', 'status', '2'))
    await expect(field(page, 'item.edit', 'name').inputValue()).resolves.toBe('acme.example')
    await field(page, 'item.edit', 'name').fill('www.acme.example')
    await shot(page, 'service')
    await save(page, 'item')
    await expect(rowWith(page, 'www.acme.example').count()).resolves.toBe(1)

    await menu(page, 'payment').click()
    const payment = (await cellsOf(page, rowWith(page, 'Acme treasury')))[labelOf(en, 'payment', 'id')]
    await rowWith(page, 'Acme treasury').getByRole('link', { name: payment, exact: true }).click()
    await expect(field(page, 'payment.edit', 'status').inputValue()).resolves.toBe(valueLabel(en, 'payment.edit', 'status', '4'))
    await expect(field(page, 'payment.edit', 'amount').inputValue()).resolves.toBe('100.00')
    await shot(page, 'payment')
    await page.getByRole('link', { name: en('panel:form.cancel') }).click()
    await page.waitForURL(/func=payment$/)
  })

  it('creates a client user bound to the client with the user form', async () => {
    await menu(page, 'user').click()
    await page.getByRole('link', { name: en('panel:list.new'), exact: true }).click()
    await page.waitForURL(/func=user\.edit$/)
    await field(page, 'user.edit', 'name').fill('acme')
    await field(page, 'user.edit', 'level').selectOption('16')
    await field(page, 'user.edit', 'account').fill(clientId)
    await field(page, 'user.edit', 'passwd').fill('acme-secret-1')
    await field(page, 'user.edit', 'confirm').fill('acme-secret-1')
    await save(page, 'user')
    await expect(rowWith(page, 'acme').count()).resolves.toBe(1)
  })

  it('shows a client user only its own client, payments and services, without operator buttons', async () => {
    // Another client with a payment and a service of its own, which the client user must not see.
    await menu(page, 'account').click()
    await page.getByRole('link', { name: en('panel:list.new'), exact: true }).click()
    await field(page, 'account.edit', 'name').fill('Other Corp')
    await field(page, 'account.edit', 'currency').selectOption('USD')
    await save(page, 'account')
    const otherId = (await cellsOf(page, rowWith(page, 'Other Corp')))[labelOf(en, 'account', 'id')]
    await menu(page, 'payment').click()
    await page.getByRole('link', { name: en('panel:list.new'), exact: true }).click()
    await field(page, 'payment.edit', 'account').fill(otherId)
    await field(page, 'payment.edit', 'amount').fill('7.00')
    await field(page, 'payment.edit', 'sender').fill('Other sender')
    await save(page, 'payment')

    const { context, page: client } = await session!.newPage()
    try {
      await logIn(client, 'acme', 'acme-secret-1')
      await menu(client, 'account').click()
      await client.waitForURL(/func=account$/)
      await expect(client.locator('table.list tbody tr').count()).resolves.toBe(1)
      await expect(rowWith(client, clientName).count()).resolves.toBe(1)
      await expect(client.getByText('Other Corp').count()).resolves.toBe(0)
      for (const group of ['account.suspend', 'account.delete']) {
        await expect(client.getByRole('button', { name: titleOf(en, group) }).count()).resolves.toBe(0)
      }
      await expect(client.getByRole('link', { name: en('panel:list.new'), exact: true }).count()).resolves.toBe(0)
      await expect(client.getByRole('link', { name: titleOf(en, 'account.su') }).count()).resolves.toBe(0)
      await shot(client, 'client-user-clients')
      // Its own client and custom fields it may look at, not change.
      await rowWith(client, clientName).getByRole('link', { name: clientId, exact: true }).click()
      await expect(field(client, 'account.edit', 'name').getAttribute('readonly')).resolves.not.toBeNull()
      await expect(client.getByRole('button', { name: en('panel:form.save') }).count()).resolves.toBe(0)
      await shot(client, 'client-user-client')
      await client.getByRole('link', { name: en('panel:form.cancel') }).click()
      await rowWith(client, clientName).getByRole('link', { name: titleOf(en, 'account.customfields') }).click()
      await expect(rowWith(client, 'vat_id').count()).resolves.toBe(1)
      await expect(client.getByRole('link', { name: en('panel:list.new'), exact: true }).count()).resolves.toBe(0)
      await expect(client.locator('input[type=checkbox]').count()).resolves.toBe(0)

      await menu(client, 'payment').click()
      await expect(client.locator('table.list tbody tr').count()).resolves.toBe(1)
      await expect(rowWith(client, 'Acme treasury').count()).resolves.toBe(1)
      await expect(client.getByRole('button', { name: titleOf(en, 'payment.setpaid') }).count()).resolves.toBe(0)
      await shot(client, 'client-user-payments')

      await menu(client, 'item').click()
      await expect(client.locator('table.list tbody tr').count()).resolves.toBe(1)
      await expect(rowWith(client, 'acme.example').count()).resolves.toBe(1)
      await expect(client.getByRole('button', { name: titleOf(en, 'item.suspend') }).count()).resolves.toBe(0)
      await shot(client, 'client-user-services')

      await menu(client, 'invoice').click()
      await expect(client.locator('table.list tbody tr').count()).resolves.toBe(1)
      await expect(client.getByRole('link', { name: titleOf(en, 'invoice.generate') }).count()).resolves.toBe(0)
      await expect(client.getByRole('button', { name: titleOf(en, 'invoice.setpaid') }).count()).resolves.toBe(0)

      const nav = client.getByRole('navigation', { name: en('panel:header.menu') })
      await expect(nav.getByRole('link', { name: titleOf(en, 'user'), exact: true }).count()).resolves.toBe(0)
      await expect(nav.getByRole('link', { name: titleOf(en, 'audit'), exact: true }).count()).resolves.toBe(0)
    } finally {
      await context.close()
    }
  })

  it("lets the admin act as the client's owner from the client's row link", async () => {
    const { context, page: admin } = await session!.newPage()
    try {
      await logIn(admin, 'admin', adminPassword)
      await menu(admin, 'account').click()
      await rowWith(admin, clientEmail).getByRole('link', { name: titleOf(en, 'account.su') }).click()
      await admin.waitForURL(new RegExp(`func=account\\.su&elid=${clientId}$`))
      await shot(admin, 'su-form')
      await admin.getByRole('button', { name: titleOf(en, 'account.su') }).click()
      await admin.waitForURL(`${session!.base}/billmgr`)
      await expect(admin.locator('header .who').textContent()).resolves.toBe('acme')
      await menu(admin, 'payment').click()
      await expect(admin.locator('table.list tbody tr').count()).resolves.toBe(1)
    } finally {
      await context.close()
    }
  })

  it('speaks Russian on a billing page', async () => {
    await menu(page, 'payment').click()
    await page.getByRole('link', { name: 'Русский' }).click()
    await page.waitForURL(/lang=ru/)
    await expect(page.locator('h1').textContent()).resolves.toBe(titleOf(ru, 'payment'))
    const headers = await page.locator('table.list thead th').allTextContents()
    expect(headers.join(' ')).toContain(labelOf(ru, 'payment', 'amount'))
    await expect(cellsOf(page, rowWith(page, 'Acme treasury'))).resolves.toMatchObject({
      [labelOf(ru, 'payment', 'status')]: valueLabel(ru, 'payment', 'status', '4'),
    })
    await expect(page.getByRole('button', { name: titleOf(ru, 'payment.setpaid') }).count()).resolves.toBe(1)
    await shot(page, 'payments-ru')
    const nav = page.getByRole('navigation', { name: ru('panel:header.menu') })
    await nav.getByRole('link', { name: titleOf(ru, 'item'), exact: true }).click()
    await expect(cellsOf(page, rowWith(page, 'acme.example'))).resolves.toMatchObject({
      [labelOf(ru, 'item', 'status')]: valueLabel(ru, 'item', 'status', '2'),
    })
    await shot(page, 'services-ru')
  })

  it('had no script errors or blocked resources on any page', async () => {
    expect(problems).toEqual([])
  })
})
