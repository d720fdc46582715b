import http from 'node:http'
import { describe, expect, it } from 'vitest'
import { users } from '../../src/db/schema/index'
import { listening } from '../client/listening'
import { adminPassword } from '../helpers'

/** POSTs a form over a real socket, with its length declared or sent chunked. */
function post(url: string, body: string, chunked: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
    if (!chunked) headers['content-length'] = String(Buffer.byteLength(body))
    const req = http.request(`${url}/billmgr?out=xml`, { method: 'POST', headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () => resolve(text))
    })
    req.on('error', reject)
    if (chunked) {
      // Several writes without a declared length: the body arrives in chunks.
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.slice(i, i + 64 * 1024))
      req.end()
    } else req.end(body)
  })
}

describe('body limit', () => {
  const edit = (realname: string) => `func=user.edit&sok=ok&authinfo=admin:${adminPassword}&name=ivan&level=16&passwd=ivan-secret-1&confirm=ivan-secret-1&realname=${realname}`

  for (const chunked of [false, true]) {
    it(`refuses a body over the limit ${chunked ? 'sent chunked' : 'of declared length'}, storing nothing`, async () => {
      const { t, url } = await listening()
      const text = await post(url, edit('x'.repeat(2 * 1024 * 1024)), chunked)
      expect(text).toMatch(/<error type="xml" object="body"/)
      expect((await t.db.select().from(users)).map((u) => u.name)).toEqual(['admin'])
    })

    it(`takes a body within the limit ${chunked ? 'sent chunked' : 'of declared length'}`, async () => {
      const { t, url } = await listening()
      const text = await post(url, edit('Ivan'), chunked)
      expect(text).toContain('<ok')
      expect((await t.db.select().from(users)).map((u) => u.name).sort()).toEqual(['admin', 'ivan'])
    })
  }
})
