import net from 'node:net'
import { join } from 'node:path'
import { testPgUrl } from './pg-database'

/**
 * A TCP relay in front of the test server that a test can cut and restore: to the gateway behind
 * it, cutting looks like PostgreSQL going away (connections dropped, new ones refused) and
 * restoring like it coming back.
 */
export async function pgRelay(): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  if (!testPgUrl) throw new Error('BILLGATE_TEST_PG is not set')
  const target = new URL(testPgUrl)
  const socketDir = target.searchParams.get('host')
  const port = Number(target.searchParams.get('port') ?? (target.port || 5432))
  const connectTarget = () => (socketDir ? net.connect(join(socketDir, `.s.PGSQL.${port}`)) : net.connect(port, target.hostname))
  const open = new Set<net.Socket>()
  let server: net.Server | undefined
  let listenPort = 0

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = connectTarget()
        open.add(client).add(upstream)
        const end = () => {
          client.destroy()
          upstream.destroy()
          open.delete(client)
          open.delete(upstream)
        }
        client.on('error', end).on('close', end)
        upstream.on('error', end).on('close', end)
        client.pipe(upstream).pipe(client)
      })
      server.once('error', reject)
      server.listen(listenPort, '127.0.0.1', () => {
        listenPort = (server!.address() as net.AddressInfo).port
        resolve()
      })
    })

  const cut = async () => {
    await new Promise<void>((resolve) => {
      server?.close(() => resolve())
      for (const socket of open) socket.destroy()
      open.clear()
    })
    server = undefined
  }

  await listen()
  return { port: listenPort, cut, restore: listen, close: cut }
}
