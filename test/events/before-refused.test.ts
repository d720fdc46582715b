import { afterEach, describe, expect, it } from 'vitest'
import { payments } from '../../src/db/schema/index'
import { adminPassword, makeTestApp } from '../helpers'
import { startBeforeReceiver, type Answer } from './before-receiver'

const admin = { authinfo: `admin:${adminPassword}` }
const closing: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closing.splice(0).map((close) => close()))
})

/** A gateway whose before-handler on payments, a real receiver, answers with `answer`; one payment tried. */
async function tried(answer: () => Answer, settings: Record<string, string> = {}) {
  const t = await makeTestApp()
  const account = String(await t.createAccount('Acme'))
  const receiver = await startBeforeReceiver(answer)
  closing.push(() => receiver.close())
  const handler = await t.data({ func: 'provisioning.handler.edit', sok: 'ok', name: 'Gatekeeper', events: 'payments.create', stage: 'before', target: receiver.url, ...settings, ...admin })
  if (!handler.ok) throw new Error(JSON.stringify(handler))
  const paid = await t.data({ func: 'payment.edit', sok: 'ok', account, amount: '10.00', ...admin })
  const logged = async (filter: Record<string, string> = {}) =>
    ((await t.data({ func: 'provisioning.log', ...(Object.keys(filter).length ? { filter: 'on', ...filter } : {}), ...admin })).elem ?? []) as { id: number; status: string; message: string }[]
  return { t, paid, logged }
}

describe('a before-handler that refuses is logged as refused', () => {
  it('{"allow": false} with a 2xx: refused, in the list, its filter and the details', async () => {
    const { t, paid, logged } = await tried(() => ({ body: JSON.stringify({ allow: false, error: 'over quota' }) }))
    expect(paid.error).toMatchObject({ type: 'access', object: 'provisioning', msg: 'over quota' })
    expect(await t.db.select().from(payments)).toEqual([])
    const [row] = await logged()
    expect(row).toMatchObject({ status: 'refused', message: 'over quota' })
    expect((await logged({ status: 'refused' })).map((r) => r.id)).toEqual([row.id])
    expect(await logged({ status: 'success' })).toEqual([])
    expect(await t.data({ func: 'provisioning.log.info', elid: String(row.id), ...admin })).toMatchObject({ status: 'refused' })
  })

  it('a non-2xx answer forbids too: refused', async () => {
    const { paid, logged } = await tried(() => ({ status: 403, body: 'Account blocked' }))
    expect(paid.error).toMatchObject({ type: 'access', msg: 'Account blocked' })
    expect((await logged())[0]).toMatchObject({ status: 'refused', message: 'Account blocked' })
  })

  it('allowing is success, and a handler that could not be asked failed, whatever on_failure decides', async () => {
    expect((await (await tried(() => ({}))).logged())[0].status).toBe('success')
    const unreachable = await tried(() => 'destroy', { on_failure: 'forbid' })
    expect(unreachable.paid.error).toMatchObject({ type: 'access', object: 'provisioning' })
    expect((await unreachable.logged())[0].status).toBe('fail')
  })

  it('names the status in both languages', async () => {
    const { t, logged } = await tried(() => ({ body: '{"allow":false}' }))
    const elid = String((await logged())[0].id)
    const named = async (lang: string) => (await t.call({ func: 'provisioning.log.info', elid, out: 'xml', lang, ...admin })).text
    expect(await named('en')).toContain('<val key="refused">Refused</val>')
    expect(await named('ru')).toContain('<val key="refused">Отказано</val>')
  })
})
