import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { serve, type ServerType } from '@hono/node-server'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { createApp } from '../../src/app'
import { makeConfig } from '../../src/config'
import type { Db } from '../../src/db/connection'
import type { Store } from '../../src/db/store'
import { openTestStore } from '../helpers'
import { ensureAdmin } from '../../src/auth/admin'
import { adminPassword } from '../helpers'

/** CI installs Debian's chromium here; without it the browser tests fail rather than skip. */
export const chromiumPath = '/usr/bin/chromium'
/** Where screenshots go (gitignored). */
export const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url))

const launchArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** The real server on a free loopback port, over an in-memory database with the admin. */
async function startServer(): Promise<{ server: ServerType; base: string; store: Store }> {
  const config = makeConfig({ dbPath: ':memory:', adminPassword, host: '127.0.0.1', port: 0 })
  const store = await openTestStore()
  await ensureAdmin(store, adminPassword, Date.now())
  const { serveOptions } = createApp({ config, store, log: () => {} })
  return new Promise((resolve, reject) => {
    const server = serve({ ...serveOptions, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({ server, base: `http://127.0.0.1:${info.port}`, store })
    })
    server.once('error', reject)
  })
}

function stopServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
    server.close(() => resolve())
  })
}

export interface BrowserSession {
  base: string
  db: Db
  browser: Browser
  /** Script errors and blocked resources seen on any page of any context: the panel has none. */
  problems: string[]
  /** A fresh context (its own cookies) with one page that reports its problems. */
  newPage(): Promise<{ context: BrowserContext; page: Page }>
  close(): Promise<void>
}

/** Starts the server and Chromium; every page opened through it reports CSP and script faults. */
export async function startBrowserSession(): Promise<BrowserSession> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`The panel browser test needs Chromium at ${chromiumPath} (apt-get install chromium)`)
  }
  mkdirSync(artifacts, { recursive: true })
  const { server, base, store } = await startServer()
  const db = store.db
  let browser: Browser
  try {
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: launchArgs })
  } catch (err) {
    await stopServer(server)
    await store.close()
    throw err
  }
  const problems: string[] = []

  async function newPage() {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    // The panel has no scripts at all; anything the CSP blocks or any script error is a fault.
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/favicon/i.test(msg.location().url)) problems.push(msg.text())
    })
    return { context, page }
  }

  async function close() {
    await browser.close()
    await stopServer(server)
    await store.close()
  }

  return { base, db, browser, problems, newPage, close }
}
