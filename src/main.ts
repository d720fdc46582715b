import { serve } from '@hono/node-server'
import { createApp } from './app'
import { ConfigError, loadConfig } from './config'
import { openStore, type Store } from './db/store'
import { ensureAdmin } from './auth/admin'
import { startDeliveries } from './events/delivery-host'
import { scheduleRenewal } from './functions/item/renewal'
import { logError } from './log'

async function main(): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(1)
    }
    throw err
  }
  let store: Store
  try {
    store = await openStore(config.dbPath)
  } catch (err) {
    console.error(`billgate: ${(err as Error).message}`)
    process.exit(1)
  }
  const generated = await ensureAdmin(store, config.adminPassword, Date.now())
  if (generated) {
    console.log(`billgate: created the admin user "admin" with the password: ${generated}`)
    console.log('billgate: this password is shown only once; change it with func=user.edit.')
  }
  const { serveOptions, dispatcher, services } = createApp({ config, store })
  const renewal = scheduleRenewal({
    dispatcher,
    store,
    clock: services.clock,
    intervalMs: config.renewalInterval * 1000,
    log: logError,
  })
  const deliveries = startDeliveries({ store, dbPath: config.dbPath, hooks: config, clock: services.clock, log: logError })
  const server = serve({ ...serveOptions, port: config.port, hostname: config.host }, (info) => {
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
    console.log(`billgate: serving http://${host}:${info.port}/billmgr (database ${store.describe()})`)
  })
  server.on('error', (err) => {
    console.error(`billgate: cannot listen on ${config.host}:${config.port}: ${err.message}`)
    process.exit(1)
  })
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    renewal.stop()
    console.log(`billgate: ${signal} received, shutting down`)
    // Deliveries in flight finish and are recorded; any cut off by the time limit below stay
    // leased and are taken up again after a restart.
    const served = new Promise((resolve) => server.close(resolve))
    void Promise.all([served, deliveries.stop()])
      .then(() => store.close())
      .finally(() => process.exit(0))
    // Idle keep-alive connections would hold close() open; end them.
    ;(server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.()
    setTimeout(() => process.exit(0), 5000).unref()
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

void main()
