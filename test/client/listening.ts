import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { afterEach } from 'vitest'
import { makeTestApp } from '../helpers'

let server: ServerType | undefined
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

/** A test gateway on a real loopback socket, closed after each test. */
export async function listening(overrides: Parameters<typeof makeTestApp>[0] = {}) {
  const t = await makeTestApp(overrides)
  const url = await new Promise<string>((resolve) => {
    server = serve({ ...t.serveOptions, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`))
  })
  return { t, url }
}
