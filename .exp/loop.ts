import { createApp } from '../src/app'
import { makeConfig } from '../src/config'
import { openDatabase } from '../src/db/connection'
import { ensureAdmin } from '../src/db/seed'
import { jsonrpcDoor } from '../src/doors/jsonrpc/index'

const config = makeConfig({ dbPath: ':memory:', adminPassword: 'admin-secret-1' })
const db = openDatabase(':memory:')
await ensureAdmin(db, 'admin-secret-1', Date.now())
const built = createApp({ config, db })
const r = (q: string) => built.app.request(`/billmgr?${q}`, {}, { incoming: { socket: { remoteAddress: '127.0.0.1' } } }).then((x) => x.json())
const acc = await r('authinfo=admin:admin-secret-1&out=JSONdata&sok=ok&func=account.edit&name=B&currency=USD')
for (let i = 1; i <= 20; i++) await r(`authinfo=admin:admin-secret-1&out=JSONdata&sok=ok&func=payment.edit&account=${acc.id}&amount=${i}.50`)
const sid = (await r('func=auth&username=admin&password=admin-secret-1&out=JSONdata')).auth
const door = jsonrpcDoor({ config, db, dispatcher: built.dispatcher, registry: built.registry, services: built.services })
const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'payment', params: { SID: sid }, id: 1 }))
const headers: Record<string, string> = { 'content-type': 'application/json', host: 'x' }
const req = { header: (n: string) => headers[n], body }
const client = { address: '127.0.0.1', secure: false }
const call = { func: 'payment', params: { out: 'json', auth: sid }, credentials: { session: sid }, address: '127.0.0.1', userAgent: '', secure: false, binary: '/billmgr', sok: false } as any
const mode = process.argv[2] ?? 'door'
for (let round = 0; round < 5; round++) {
  const n = 200000
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) {
    if (mode === 'door') { const x = await door(req, client as any); if (i === 0 && round === 0) console.log(x.body!.length) }
    else { const x = await built.dispatcher.execute({ ...call, params: { ...call.params } }, true) }
  }
  console.log(mode, (Number(process.hrtime.bigint() - t0) / n / 1000).toFixed(2), 'µs')
}
