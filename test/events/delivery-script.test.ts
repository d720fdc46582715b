import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { addHandler, deliveries, deliveryApp, emitEvent, logRows } from './delivery-setup'

const dir = mkdtempSync(join(tmpdir(), 'billgate-scripts-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const stops: (() => Promise<void>)[] = []
afterEach(async () => {
  while (stops.length) await stops.pop()!()
})

async function app() {
  const t = await deliveryApp()
  stops.push(t.stop)
  return t
}

/** Writes an executable into the temp dir; returns its absolute path. */
function executable(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  chmodSync(path, 0o755)
  return path
}

/** Whether a process with this id is still running. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('after-stage script handlers', () => {
  it('runs a bash script with the payload on stdin and the three variables, and a node one alike', async () => {
    const t = await app()
    const bash = executable(
      'record.sh',
      `#!/bin/bash
out="${dir}/bash-$BILLGATE_DELIVERY"
cat > "$out.json"
printf '%s|%s|%s|%s' "$BILLGATE_EVENT" "$BILLGATE_OBJECT_ID" "$BILLGATE_DELIVERY" "\${BILLGATE_ADMIN_PASSWORD:-none}" > "$out.env"
echo recorded
`,
    )
    const node = executable(
      'record.mjs',
      `#!${process.execPath}
import { writeFileSync } from 'node:fs'
let body = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (c) => (body += c))
process.stdin.on('end', () => {
  const { BILLGATE_EVENT, BILLGATE_OBJECT_ID, BILLGATE_DELIVERY } = process.env
  writeFileSync('${dir}/node-' + BILLGATE_DELIVERY + '.json', JSON.stringify({ body, env: [BILLGATE_EVENT, BILLGATE_OBJECT_ID, BILLGATE_DELIVERY] }))
  console.log('done')
})
`,
    )
    const bashId = await addHandler(t.db, { type: 'script', target: bash })
    const nodeId = await addHandler(t.db, { type: 'script', target: node })
    await emitEvent(t.store, t.clock(), 'clients.update', 12, { id: 12, name: 'My changed name' })
    await t.worker.settle()

    const rows = await deliveries(t.db)
    const bashRow = rows.find((d) => d.handlerId === bashId)!
    const nodeRow = rows.find((d) => d.handlerId === nodeId)!
    expect(readFileSync(join(dir, `bash-${bashRow.deliveryId}.json`), 'utf8')).toBe(bashRow.payload)
    // The server's environment is not passed on.
    expect(readFileSync(join(dir, `bash-${bashRow.deliveryId}.env`), 'utf8')).toBe(`clients.update|12|${bashRow.deliveryId}|none`)
    const fromNode = JSON.parse(readFileSync(join(dir, `node-${nodeRow.deliveryId}.json`), 'utf8'))
    expect(fromNode).toEqual({ body: nodeRow.payload, env: ['clients.update', '12', nodeRow.deliveryId] })
    expect(JSON.parse(fromNode.body)).toEqual({
      event: { dt: '2026-11-24T12:00:00+00:00', events_id: 'clients.update', object_id: 12 },
      data: { id: 12, name: 'My changed name' },
    })
    expect(rows.map((d) => d.status)).toEqual(['success', 'success'])
    const log = await logRows(t.db)
    expect(log.find((l) => l.handlerId === bashId)).toMatchObject({ status: 'success', response: 'recorded\n', error: '' })
    expect(log.find((l) => l.handlerId === nodeId)).toMatchObject({ status: 'success', response: 'done\n', error: '' })
  })

  it('retries a script that exits non-zero, with its stderr as the error, and succeeds when it does', async () => {
    const t = await app()
    const flag = join(dir, 'second-time')
    // Fails the first time, succeeds the second.
    const script = executable(
      'flaky.sh',
      `#!/bin/bash
if [ -e "${flag}" ]; then echo fine; exit 0; fi
touch "${flag}"
echo "the provisioning system is down" >&2
exit 3
`,
    )
    await addHandler(t.db, { type: 'script', target: script })
    await emitEvent(t.store, t.clock(), 'payments.create', 5, { id: 5 })
    await t.worker.settle()
    expect((await logRows(t.db))[0]).toMatchObject({ status: 'retrying', attempt: 1, error: 'the provisioning system is down' })
    expect((await deliveries(t.db))[0]!.status).toBe('retrying')
    t.clock.advance(2 * 60_000)
    await t.worker.settle()
    expect((await logRows(t.db)).map((l) => [l.attempt, l.status, l.response])).toEqual([
      [1, 'retrying', ''],
      [2, 'success', 'fine\n'],
    ])
    expect((await deliveries(t.db))[0]).toMatchObject({ status: 'success', attempts: 2 })
  })

  it('kills a hanging script at its timeout and retries it later', async () => {
    const t = await app()
    const pidFile = join(dir, 'hang.pid')
    const script = executable('hang.sh', `#!/bin/bash\necho $$ > "${pidFile}"\nexec sleep 30\n`)
    await addHandler(t.db, { type: 'script', target: script, timeoutMs: 300 })
    await emitEvent(t.store, t.clock(), 'clients.update', 6)
    const started = performance.now()
    await t.worker.settle()
    expect(performance.now() - started).toBeLessThan(5000)
    expect((await logRows(t.db))[0]).toMatchObject({ status: 'retrying', error: 'no answer within 300 ms (killed)' })
    expect(existsSync(pidFile)).toBe(true)
    const pid = Number(readFileSync(pidFile, 'utf8'))
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20))
    expect(alive(pid)).toBe(false)
  })

  it('retries when the executable does not exist', async () => {
    const t = await app()
    await addHandler(t.db, { type: 'script', target: join(dir, 'missing') })
    await emitEvent(t.store, t.clock(), 'clients.update', 6)
    await t.worker.settle()
    expect((await logRows(t.db))[0]!.status).toBe('retrying')
    expect((await logRows(t.db))[0]!.error).toMatch(/ENOENT/)
  })
})
