import { describe, expect, it } from 'vitest'
import { defaultReplyCacheBounds } from '../../src/core/reply-cache'
import { adminPassword, makeTestApp } from '../helpers'

const asAdmin = `authinfo=${encodeURIComponent(`admin:${adminPassword}`)}`

describe('the reply cache stays within its bounds whatever callers send', () => {
  it('keeps within its byte budget when fed many distinct large cacheable replies', async () => {
    const t = await makeTestApp()
    const { maxBytes } = defaultReplyCacheBounds
    // Every parameter is part of what a reply is kept under, so each call is a new entry whose
    // key alone is about 100 KB.
    const padding = 'x'.repeat(50_000)
    let largest = 0
    const calls = 400
    for (let i = 0; i < calls; i++) {
      const res = await t.request('/billmgr', {
        body: `${asAdmin}&func=help&out=devel&p_cnt=1000&note${i}=${padding}`,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      })
      expect(res.status).toBe(200)
      await res.arrayBuffer()
      largest = Math.max(largest, t.dispatcher.replies.bytes)
      expect(t.dispatcher.replies.bytes).toBeLessThanOrEqual(maxBytes)
    }
    // The budget was reached (so it was what held the cache back), and the newest reply is kept.
    expect(largest).toBeGreaterThan(maxBytes * 0.8)
    expect(t.dispatcher.replies.size).toBeLessThan(calls)
    const before = t.dispatcher.replies.size
    const again = await t.request('/billmgr', {
      body: `${asAdmin}&func=help&out=devel&p_cnt=1000&note${calls - 1}=${padding}`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    })
    expect(again.status).toBe(200)
    expect(t.dispatcher.replies.size).toBe(before)
  })

  it('keeps at most its number of entries', async () => {
    const t = await makeTestApp()
    const { maxEntries } = defaultReplyCacheBounds
    for (let i = 0; i < maxEntries + 50; i++) {
      const res = await t.request(`/billmgr?${asAdmin}&func=currency&out=JSONdata&n=${i}`)
      await res.arrayBuffer()
    }
    expect(t.dispatcher.replies.size).toBe(maxEntries)
  })

  it('lets go of replies of data that has changed', async () => {
    const t = await makeTestApp()
    for (let i = 0; i < 20; i++) await t.data({ func: 'currency', authinfo: `admin:${adminPassword}`, n: String(i) })
    expect(t.dispatcher.replies.size).toBe(20)
    await t.createUser('ivan')
    await t.data({ func: 'currency', authinfo: `admin:${adminPassword}` })
    expect(t.dispatcher.replies.size).toBe(1)
  })
})
