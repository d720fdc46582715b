import { beforeAll, describe, expect, it } from 'vitest'
import { loginKeys, sessions, users } from '../../src/db/schema/index'
import { adminPassword, makeTestApp, type TestApp } from '../helpers'

/** One malformed request: how it is sent, and the typed error it must get. */
interface BadRequest {
  name: string
  /** Raw query string (sent as is, so broken escapes reach the server). */
  query: string
  body?: string | Uint8Array
  contentType?: string
  expect: [type: string, object?: string]
  /** The HTTP status, when not 200. */
  status?: number
}

const A = `authinfo=admin:${adminPassword}`
const sql = encodeURIComponent("x' OR '1'='1'; DROP TABLE users; --")
const markup = encodeURIComponent('<script>alert(1)</script>')
const long = (n: number) => 'a'.repeat(n)
const create = `func=user.edit&sok=ok&${A}`
const pw = 'passwd=secret-pass-1&confirm=secret-pass-1'

const cases: BadRequest[] = [
  // Unknown or broken function names
  { name: 'unknown func', query: `func=nosuch&out=xml&${A}`, expect: ['missed', 'func'] },
  { name: 'empty func', query: `func=&out=json&${A}`, expect: ['missed', 'func'] },
  { name: 'no func at all', query: `out=text&${A}`, expect: ['missed', 'func'] },
  { name: 'SQL as func', query: `func=${sql}&out=JSONdata&${A}`, expect: ['missed', 'func'] },
  { name: 'markup as func', query: `func=${markup}&out=xml&${A}`, expect: ['missed', 'func'] },
  { name: 'huge func', query: `func=${long(20000)}&out=bjson&${A}`, expect: ['missed', 'func'] },
  // Paging and sorting
  { name: 'p_num not a number', query: `func=user&p_num=abc&out=xml&${A}`, expect: ['value', 'p_num'] },
  { name: 'p_num zero', query: `func=user&p_num=0&out=json&${A}`, expect: ['value', 'p_num'] },
  { name: 'p_num negative', query: `func=user&p_num=-3&out=text&${A}`, expect: ['value', 'p_num'] },
  { name: 'p_cnt huge', query: `func=user&p_cnt=99999999999999999999&out=JSONdata&${A}`, expect: ['value', 'p_cnt'] },
  { name: 'p_cnt fraction', query: `func=user&p_cnt=1.5&out=sjson&${A}`, expect: ['value', 'p_cnt'] },
  { name: 'p_order SQL', query: `func=user&p_order=${sql}&out=xml&${A}`, expect: ['value', 'p_order'] },
  { name: 'filter enum markup', query: `func=user&filter=on&status=${markup}&out=xjson&${A}`, expect: ['value', 'status'] },
  { name: 'filter level SQL', query: `func=user&filter=on&level=${sql}&out=devel&${A}`, expect: ['value', 'level'] },
  { name: 'filter name too long', query: `func=user&filter=on&name=${long(300)}&out=text&${A}`, expect: ['value', 'name'] },
  // Element ids
  { name: 'elid SQL on a form', query: `func=user.edit&elid=${encodeURIComponent('1 OR 1=1')}&out=xml&${A}`, expect: ['missed', 'elid'] },
  { name: 'elid markup on a form', query: `func=user.edit&elid=${markup}&out=json&${A}`, expect: ['missed', 'elid'] },
  { name: 'elid SQL on update', query: `${create}&elid=${sql}&realname=x&out=JSONdata`, expect: ['missed', 'elid'] },
  { name: 'elid too long', query: `func=user.delete&elid=${long(300)}&out=text&${A}`, expect: ['value', 'elid'] },
  { name: 'elid list too long', query: `func=user.suspend&elid=${Array.from({ length: 1001 }, (_, i) => i + 100).join(',')}&out=xml&${A}`, expect: ['value', 'elid'] },
  { name: 'elid with NUL', query: `func=user.delete&elid=1%00&out=bjson&${A}`, expect: ['value', 'elid'] },
  { name: 'group without elid', query: `func=user.resume&out=json&${A}`, expect: ['missed', 'elid'] },
  // Form fields
  { name: 'login SQL', query: `${create}&name=${sql}&${pw}&out=xml`, expect: ['value', 'name'] },
  { name: 'login markup', query: `${create}&name=${markup}&${pw}&out=JSONdata`, expect: ['value', 'name'] },
  { name: 'login too long', query: `${create}&name=${long(65)}&${pw}&out=text`, expect: ['value', 'name'] },
  { name: 'login with newline', query: `${create}&name=ivan%0Aadmin&${pw}&out=json`, expect: ['value', 'name'] },
  { name: 'realname with NUL', query: `${create}&name=ivan&realname=Iv%00an&${pw}&out=xml`, expect: ['value', 'realname'] },
  { name: 'realname markup and too long', query: `${create}&name=ivan&realname=${markup}${long(200)}&${pw}&out=devel`, expect: ['value', 'realname'] },
  { name: 'realname huge (100k)', query: `${create}&name=ivan&realname=${long(100000)}&${pw}&out=JSONdata`, expect: ['value', 'realname'] },
  { name: 'email markup', query: `${create}&name=ivan&email=${markup}&${pw}&out=xjson`, expect: ['value', 'email'] },
  { name: 'email SQL', query: `${create}&name=ivan&email=${sql}&${pw}&out=text`, expect: ['value', 'email'] },
  { name: 'level out of set', query: `${create}&name=ivan&level=99&${pw}&out=xml`, expect: ['value', 'level'] },
  { name: 'level SQL', query: `${create}&name=ivan&level=${sql}&${pw}&out=json`, expect: ['value', 'level'] },
  { name: 'language unknown', query: `${create}&name=ivan&language=xx&${pw}&out=bjson`, expect: ['value', 'language'] },
  { name: 'addresses not addresses', query: `${create}&name=ivan&allowed_addresses=999.1.1.1&${pw}&out=xml`, expect: ['value', 'allowed_addresses'] },
  { name: 'addresses SQL', query: `${create}&name=ivan&allowed_addresses=${sql}&${pw}&out=sjson`, expect: ['value', 'allowed_addresses'] },
  { name: 'password mismatch', query: `${create}&name=ivan&passwd=secret-pass-1&confirm=other-pass-1&out=text`, expect: ['value', 'confirm'] },
  { name: 'password too short', query: `${create}&name=ivan&passwd=abc&confirm=abc&out=xml`, expect: ['value', 'passwd'] },
  { name: 'password huge', query: `${create}&name=ivan&passwd=${long(10000)}&confirm=${long(10000)}&out=JSONdata`, expect: ['value', 'passwd'] },
  { name: 'missing required name', query: `${create}&${pw}&out=json`, expect: ['missed', 'name'] },
  { name: 'taken name', query: `${create}&name=admin&${pw}&out=xml`, expect: ['exists', 'name'] },
  // Credentials
  { name: 'authinfo without colon', query: 'func=user&authinfo=admin&out=xml', expect: ['auth', 'badpassword'] },
  { name: 'authinfo SQL', query: `func=user&authinfo=${encodeURIComponent("admin' --:x")}&out=json`, expect: ['auth', 'badpassword'] },
  { name: 'auth username markup', query: `func=auth&username=${markup}&password=x&out=text`, expect: ['auth', 'badpassword'] },
  { name: 'auth username huge', query: `func=auth&username=${long(5000)}&password=x&out=xml`, expect: ['value', 'username'] },
  { name: 'auth with no username', query: 'func=auth&password=x&out=JSONdata', expect: ['missed', 'username'] },
  { name: 'forged session id', query: `func=user&auth=${sql}&out=xml`, expect: ['auth', 'session'] },
  { name: 'su SQL', query: `func=session&su=${sql}&out=json&${A}`, expect: ['access', 'su'] },
  { name: 'key login with garbage key', query: `func=auth&key=${markup}&out=xml`, expect: ['auth', 'key'] },
  { name: 'newkey short key', query: `func=session.newkey&username=admin&key=short&out=text&${A}`, expect: ['value', 'key'] },
  { name: 'newkey SQL username', query: `func=session.newkey&username=${sql}&key=${long(20)}&out=xml&${A}`, expect: ['value', 'username'] },
  // Request-level parameters
  { name: 'unknown out', query: `func=user&out=${markup}&${A}`, expect: ['value', 'out'] },
  { name: 'JSONP callback markup', query: `func=user&out=json&callback=${markup}&${A}`, expect: ['value', 'callback'] },
  { name: 'duplicate func', query: `func=user&func=user.delete&out=xml&${A}`, expect: ['value', 'func'] },
  { name: 'duplicate sok values', query: `${create}&name=ivan&${pw}&sok=ok&sok=no&out=json`, expect: ['value', 'sok'] },
  { name: 'too many parameters', query: `func=user&out=xml&${A}&${Array.from({ length: 1001 }, (_, i) => `p${i}=1`).join('&')}`, expect: ['xml', 'params'] },
  // Broken encodings
  { name: 'broken UTF-8 sequence', query: `func=user&out=xml&realname=%C3%28&${A}`, expect: ['xml', 'realname'] },
  { name: 'lone continuation byte', query: `func=user.edit&out=json&name=%80&${A}`, expect: ['xml', 'name'] },
  { name: 'overlong encoding', query: `func=user&out=text&name=%C0%AF&${A}`, expect: ['xml', 'name'] },
  { name: 'encoded surrogate', query: `func=user&out=JSONdata&name=%ED%A0%80&${A}`, expect: ['xml', 'name'] },
  { name: 'truncated escape', query: `func=user&out=xml&name=%E2%82&${A}`, expect: ['xml', 'name'] },
  { name: 'bad hex escape', query: `func=user&out=json&name=%ZZ&${A}`, expect: ['xml', 'name'] },
  { name: 'bare percent', query: `func=user&out=xml&name=100%&${A}`, expect: ['xml', 'name'] },
  // Bodies
  { name: 'form body with invalid UTF-8', query: 'out=xml', body: Uint8Array.from([...Buffer.from(`func=user&${A}&name=`), 0xff, 0xfe]), contentType: 'application/x-www-form-urlencoded', expect: ['xml', 'body'] },
  { name: 'JSON body malformed', query: 'out=json', body: `{"func": "user", "authinfo": "admin:${adminPassword}"`, contentType: 'application/json', expect: ['xml', 'body'] },
  { name: 'JSON body not an object', query: 'out=JSONdata', body: '[1, 2, 3]', contentType: 'application/json', expect: ['xml', 'body'] },
  { name: 'JSON body nested value', query: 'out=xml', body: JSON.stringify({ func: 'user', authinfo: `admin:${adminPassword}`, name: { $gt: '' } }), contentType: 'application/json', expect: ['value', 'name'] },
  { name: 'JSON body with invalid UTF-8', query: 'out=text', body: Uint8Array.from([...Buffer.from('{"func":"user","name":"'), 0xc3, 0x28, ...Buffer.from('"}')]), contentType: 'application/json', expect: ['xml', 'body'] },
  { name: 'JSON body with markup func', query: 'out=json', body: JSON.stringify({ func: '<img src=x onerror=alert(1)>', authinfo: `admin:${adminPassword}` }), contentType: 'application/json', expect: ['missed', 'func'] },
  { name: 'unsupported content type', query: 'out=xml', body: '<doc/>', contentType: 'application/xml', expect: ['xml', 'body'] },
  { name: 'body too large', query: 'out=json&func=user.edit', body: `func=user.edit&sok=ok&name=ivan&realname=${long(2 * 1024 * 1024)}`, contentType: 'application/x-www-form-urlencoded', expect: ['xml', 'body'], status: 413 },
]

function errorOf(out: string, text: string): { type?: string; object?: string } {
  if (out === 'xml' || out === 'devel') {
    const m = /<error type="([^"]+)" object="([^"]*)"/.exec(text)
    return m ? { type: m[1], object: m[2] } : {}
  }
  if (out === 'text') {
    const m = /^ERROR (\w+)\(([^)]*)\): .+\n$/.exec(text)
    return m ? { type: m[1], object: m[2] } : {}
  }
  const parsed = JSON.parse(text)
  if (out === 'JSONdata' || out === 'bjson') return parsed.error ?? {}
  return { type: parsed.doc?.error?.$type, object: parsed.doc?.error?.$object }
}

describe('bad input gets a typed error in the requested format, and changes nothing', () => {
  let t: TestApp
  let snapshot: () => Promise<string>

  beforeAll(async () => {
    t = await makeTestApp({ lockout: { slowAfter: 1000, maxPerLogin: 1000, maxPerAddress: 1000 } })
    await t.createUser('ivan', '16', 'ivan-secret-1', { realname: 'Ivan' })
    await t.data({ func: 'session.newkey', username: 'ivan', key: 'a-valid-key-0123456789', authinfo: `admin:${adminPassword}` })
    snapshot = async () =>
      JSON.stringify([
        await t.db.select().from(users).orderBy(users.id),
        await t.db.select().from(sessions).orderBy(sessions.handle),
        await t.db.select().from(loginKeys).orderBy(loginKeys.keyHash),
      ])
  })

  it('has at least 50 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50)
  })

  for (const c of cases) {
    it(c.name, async () => {
      const before = await snapshot()
      const res = await t.request(`/billmgr?${c.query}`, {
        method: c.body === undefined ? 'GET' : 'POST',
        body: c.body,
        headers: c.contentType ? { 'content-type': c.contentType } : undefined,
      })
      const text = await res.text()
      const asked = new URLSearchParams(c.query.replace(/%(?![0-9A-Fa-f]{2})/g, '%25')).get('out') ?? 'xml'
      const out = ['xml', 'devel', 'json', 'sjson', 'xjson', 'JSONdata', 'bjson', 'text'].includes(asked) ? asked : 'xml'
      expect(res.status).toBe(c.status ?? 200)
      expect(text).not.toMatch(/\bat \S+\.(ts|js):\d+|Error: |node_modules/)
      const [type, object] = c.expect
      const got = errorOf(out, text)
      expect(got.type, text.slice(0, 400)).toBe(type)
      if (object !== undefined) expect(got.object, text.slice(0, 400)).toBe(object)
      expect(await snapshot()).toBe(before)
      expect(t.errors).toEqual([])
    })
  }

  it('escapes markup wherever it is echoed', async () => {
    const { text } = await t.call({ func: '<script>x</script>', out: 'xml', name: '"><b>' })
    expect(text).not.toContain('<script>')
    expect(text).toContain('&lt;script&gt;')
    const print = await t.call({ func: 'user', out: 'print', authinfo: `admin:${adminPassword}`, filter: 'on', name: '<i>' })
    expect(print.text).not.toContain('<i>')
  })
})
