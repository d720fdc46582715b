import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resellers } from '../../src/db/schema/index'
import { translator } from '../../src/i18n/index'
import { titleOf } from '../../src/core/labels'
import { adminPassword } from '../helpers'
import { artifacts, startBrowserSession, type BrowserSession } from './browser-session'

const en = translator('en')
const ru = translator('ru')

describe('panel in a real browser', () => {
  let session: BrowserSession | undefined
  let base = ''
  let context: BrowserContext
  let page: Page
  let problems: string[] = []

  beforeAll(async () => {
    session = await startBrowserSession()
    ;({ base, problems } = session)
    await session.db.insert(resellers).values({ name: 'North Hosting', createdAt: Date.now() })
    ;({ context, page } = await session.newPage())
  })

  afterAll(async () => {
    await session?.close()
  })

  it('sends an unauthenticated visitor to the login page, and logs in', async () => {
    await page.goto(`${base}/billmgr?func=user`)
    expect(new URL(page.url()).search).toBe('?func=logon')
    await expect(page.title()).resolves.toContain(en('panel:login.title'))
    await page.screenshot({ path: `${artifacts}panel-login.png`, fullPage: true })
    await page.getByLabel(en('panel:login.username')).fill('admin')
    await page.getByLabel(en('panel:login.password')).fill(adminPassword)
    await page.getByRole('button', { name: en('panel:login.submit') }).click()
    await page.waitForURL(`${base}/billmgr`)
    const cookie = (await context.cookies()).find((c) => c.name === 'billmgrses5')
    expect(cookie?.httpOnly).toBe(true)
    expect(cookie?.sameSite).toBe('Lax')
    await expect(page.locator('header .who').textContent()).resolves.toBe('admin')
  })

  it('opens the user list from the menu', async () => {
    await page
      .getByRole('navigation', { name: en('panel:header.menu') })
      .getByRole('link', { name: en('functions:user.title') })
      .click()
    await page.waitForURL(/func=user$/)
    await expect(page.locator('h1').textContent()).resolves.toBe(en('functions:user.title'))
    const headers = await page.locator('table.list thead th').allTextContents()
    expect(headers).toEqual(
      expect.arrayContaining([en('fields:name'), en('fields:email'), en('fields:status')]),
    )
    await expect(page.locator('table.list tbody tr').count()).resolves.toBe(1)
  })

  it('creates a user through the form and sees it in the list', async () => {
    await page.getByRole('link', { name: en('panel:list.new'), exact: true }).click()
    await page.waitForURL(/func=user\.edit$/)
    await page.getByLabel(en('fields:name')).fill('olga')
    await page.getByLabel(en('fields:realname'), { exact: true }).fill('Olga Ivanova')
    await page.getByLabel(en('fields:email')).fill('olga@example.com')
    await page.getByLabel(en('fields:level')).selectOption('24')
    await page.getByLabel(en('fields:reseller')).selectOption({ label: 'North Hosting' })
    await page.getByLabel(en('fields:passwd'), { exact: true }).fill('olga-secret-1')
    await page.getByLabel(en('fields:confirm')).fill('olga-secret-1')
    await page.screenshot({ path: `${artifacts}panel-form.png`, fullPage: true })
    await page.getByRole('button', { name: en('panel:form.save') }).click()
    await page.waitForURL(/func=user$/)
    const row = page.locator('table.list tbody tr', { hasText: 'olga' })
    await expect(row.count()).resolves.toBe(1)
    await expect(row.locator('td').allTextContents()).resolves.toEqual(
      expect.arrayContaining([
        'olga',
        'Olga Ivanova',
        'olga@example.com',
        en('values:level.24'),
        en('values:status.active'),
      ]),
    )
  })

  it('suspends the new user with a group button', async () => {
    const row = page.locator('table.list tbody tr', { hasText: 'olga' })
    await row.getByRole('checkbox').check()
    await page.getByRole('button', { name: titleOf(en, 'user.suspend') }).click()
    await page.waitForURL(/func=user$/)
    await expect(
      page.locator('table.list tbody tr', { hasText: 'olga' }).locator('td').allTextContents(),
    ).resolves.toContain(en('values:status.suspended'))
    await page.screenshot({ path: `${artifacts}panel-users.png`, fullPage: true })
  })

  it('switches to Russian', async () => {
    await page.getByRole('link', { name: 'Русский' }).click()
    await page.waitForURL(/lang=ru/)
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('ru')
    await expect(page.locator('h1').textContent()).resolves.toBe(ru('functions:user.title'))
    const headers = await page.locator('table.list thead th').allTextContents()
    expect(headers.join(' ')).toContain(ru('fields:name'))
    await expect(
      page.getByRole('button', { name: ru('panel:header.logout') }).count(),
    ).resolves.toBe(1)
    await page.screenshot({ path: `${artifacts}panel-ru.png`, fullPage: true })
    // The choice sticks: the form opens in Russian too.
    await page.locator('table.list tbody tr', { hasText: 'olga' }).getByRole('link').click()
    await expect(page.getByRole('button', { name: ru('panel:form.save') }).count()).resolves.toBe(1)
    await expect(
      page.getByLabel(ru('fields:realname'), { exact: true }).inputValue(),
    ).resolves.toBe('Olga Ivanova')
  })

  it('logs out to the login page', async () => {
    await page.getByRole('button', { name: ru('panel:header.logout') }).click()
    await page.waitForURL(/func=logon$/)
    await expect(
      page.getByRole('button', { name: ru('panel:login.submit') }).count(),
    ).resolves.toBe(1)
    expect((await context.cookies()).some((c) => c.name === 'billmgrses5')).toBe(false)
    await page.goto(`${base}/billmgr?func=user`)
    expect(new URL(page.url()).search).toBe('?func=logon')
    await page.screenshot({ path: `${artifacts}panel-logout.png`, fullPage: true })
  })

  it('had no script errors or blocked resources on any page', () => {
    expect(problems).toEqual([])
  })
})
