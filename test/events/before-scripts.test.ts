import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { payments, provisioningLog } from '../../src/db/schema/index'
import { adminPassword, makeTestApp } from '../helpers'

const admin = { authinfo: `admin:${adminPassword}` }
const dir = mkdtempSync(join(tmpdir(), 'billgate-before-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** An executable script in the temporary directory. */
function script(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  chmodSync(path, 0o755)
  return path
}

/** A gateway with one client and one before-handler running `path` on payments. */
async function withScript(path: string, settings: Record<string, string> = {}) {
  const t = await makeTestApp()
  const account = String(await t.createAccount('Acme'))
  const h = await t.data({ func: 'provisioning.handler.edit', sok: 'ok', name: 'Script', events: 'payments.create', type: 'script', stage: 'before', target: path, ...settings, ...admin })
  if (!h.ok) throw new Error(JSON.stringify(h))
  const pay = () => t.data({ func: 'payment.edit', sok: 'ok', account, amount: '10.00', note: 'first', ...admin })
  return { t, pay, stored: () => t.db.select().from(payments), log: () => t.db.select().from(provisioningLog).orderBy(provisioningLog.id) }
}

describe('before-handlers as scripts', () => {
  it('bash: exit 0 with no output allows; the payload arrives on stdin', async () => {
    const seen = join(dir, 'seen.json')
    const { pay, stored, log } = await withScript(script('allow.sh', `#!/bin/bash\ncat > ${seen}\nexit 0\n`))
    expect((await pay()).ok).toBe(true)
    expect(await stored()).toHaveLength(1)
    expect(JSON.parse(readFileSync(seen, 'utf8'))).toMatchObject({ event: { events_id: 'payments.create' }, data: { amount: '10.00', note: 'first' } })
    expect((await log())[0]).toMatchObject({ stage: 'before', status: 'success' })
  })

  it('bash: a non-zero exit forbids with stderr as the message', async () => {
    const { pay, stored, log } = await withScript(script('forbid.sh', '#!/bin/bash\necho "Number range exhausted" >&2\nexit 3\n'))
    expect((await pay()).error).toMatchObject({ type: 'access', object: 'provisioning', msg: 'Number range exhausted' })
    expect(await stored()).toEqual([])
    expect((await log())[0]).toMatchObject({ status: 'refused', error: 'Number range exhausted' })
  })

  it('node: JSON on stdout modifies the change; the environment names the event', async () => {
    const path = script(
      'modify.mjs',
      `#!${process.execPath}
let input = ''
process.stdin.on('data', (c) => (input += c))
process.stdin.on('end', () => {
  const payload = JSON.parse(input)
  const note = payload.data.note + ' / ' + process.env.BILLGATE_EVENT + ' / ' + (process.env.BILLGATE_DELIVERY.length === 36)
  process.stdout.write(JSON.stringify({ data: { note, amount: '11.00' } }))
})
`,
    )
    const { pay, stored } = await withScript(path)
    expect((await pay()).ok).toBe(true)
    expect((await stored())[0]).toMatchObject({ note: 'first / payments.create / true', amount: 1100 })
  })

  it('node: {"allow": false} on stdout forbids; a script that never ends is killed at its timeout', async () => {
    const refusing = await withScript(script('refuse.mjs', `#!${process.execPath}\nprocess.stdout.write(JSON.stringify({ allow: false, error: 'over quota' }))\n`))
    expect((await refusing.pay()).error).toMatchObject({ type: 'access', msg: 'over quota' })
    expect(await refusing.stored()).toEqual([])
    const hanging = script('hang.sh', '#!/bin/bash\nsleep 30\n')
    const allow = await withScript(hanging, { timeout_ms: '300' })
    const started = Date.now()
    expect((await allow.pay()).ok).toBe(true)
    expect(Date.now() - started).toBeLessThan(2500)
    const forbid = await withScript(hanging, { timeout_ms: '300', on_failure: 'forbid' })
    expect((await forbid.pay()).error).toMatchObject({ type: 'access', object: 'provisioning' })
    expect(await forbid.stored()).toEqual([])
  })
})
