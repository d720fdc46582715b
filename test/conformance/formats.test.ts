import { XMLParser } from 'fast-xml-parser'
import { beforeAll, describe, expect, it } from 'vitest'
import { makeTestApp, type TestApp } from '../helpers'

const xmlParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name === 'elem' })

let t: TestApp
let sid: string

beforeAll(async () => {
  t = await makeTestApp({ lockout: { slowAfter: 1000, maxPerLogin: 1000, maxPerAddress: 1000 } })
  await t.createUser('ivan', '16', 'user-secret-1', { realname: 'Ivan Petrov', email: 'ivan@example.com' })
  sid = await t.login()
})

describe('out=xml', () => {
  it('answers a list with one elem per row, key first, and paging fields', async () => {
    const { res, text } = await t.call({ func: 'user', auth: sid, out: 'xml' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/xml; charset=UTF-8')
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true)
    const doc = xmlParser.parse(text).doc
    expect(doc['@lang']).toBe('en')
    expect(doc['@func']).toBe('user')
    expect(doc['@binary']).toBe('/billmgr')
    expect(doc.elem).toHaveLength(2)
    expect(Object.keys(doc.elem[1])[0]).toBe('id')
    expect(doc.elem[1].realname).toBe('Ivan Petrov')
    expect(doc.p_num).toBe(1)
    expect(doc.p_cnt).toBe(20)
    expect(doc.p_elems).toBe(2)
    expect(doc.tparams.func).toBe('user')
  })

  it('answers a form with current values and select lists, never the password', async () => {
    const { text } = await t.call({ func: 'user.edit', elid: '2', auth: sid, out: 'xml' })
    const doc = xmlParser.parse(text).doc
    expect(doc.elid).toBe(2)
    expect(doc.name).toBe('ivan')
    expect(doc.email).toBe('ivan@example.com')
    expect(doc.passwd).toBeUndefined()
    expect(text).toContain('<slist name="level"><val key="16">User</val>')
  })

  it('answers a new form with an empty elid and defaults', async () => {
    const { text } = await t.call({ func: 'user.edit', auth: sid, out: 'xml' })
    expect(text).toContain('<elid/>')
    expect(text).toContain('<level>16</level>')
  })

  it('answers a create with ok and id, an update with ok alone', async () => {
    const created = await t.call({
      func: 'user.edit', sok: 'ok', auth: sid, out: 'xml', name: 'olga', passwd: 'olga-secret-1', confirm: 'olga-secret-1',
    })
    expect(created.text).toMatch(/<doc [^>]*><ok\/><id>\d+<\/id>/)
    const id = /<id>(\d+)<\/id>/.exec(created.text)![1]
    const updated = await t.call({ func: 'user.edit', sok: 'ok', elid: id, auth: sid, out: 'xml', realname: 'Olga' })
    expect(updated.text).toMatch(/<doc [^>]*><ok\/><tparams>/)
  })

  it('never echoes secrets in tparams', async () => {
    const { text } = await t.call({ func: 'user', auth: sid, out: 'xml', password: 'x', passwd: 'y', key: 'z' })
    const tparams = /<tparams>.*<\/tparams>/.exec(text)![0]
    for (const secret of ['<auth>', '<password>', '<passwd>', '<key>', sid]) expect(tparams).not.toContain(secret)
  })

  it('writes a true flag as an empty element and leaves a false one out', async () => {
    const { text } = await t.call({ func: 'session', auth: sid, out: 'xml' })
    expect(text).toContain('<current/>')
    const other = await t.login()
    const listed = await t.call({ func: 'session', auth: other, out: 'xml' })
    expect((listed.text.match(/<current\/>/g) ?? []).length).toBe(1)
  })
})

describe('out=json and sjson', () => {
  for (const out of ['json', 'sjson']) {
    it(`${out}: the same tree with $ for text and $name for attributes; elem always an array of strings`, async () => {
      const { res, text } = await t.call({ func: 'user', auth: sid, out, filter: 'on', name: 'ivan' })
      expect(res.headers.get('content-type')).toBe('application/json; charset=UTF-8')
      const { doc } = JSON.parse(text)
      expect(doc.$lang).toBe('en')
      expect(doc.$func).toBe('user')
      expect(doc.elem).toHaveLength(1)
      expect(doc.elem[0].id).toEqual({ $: '2' })
      expect(doc.elem[0].level).toEqual({ $: '16' })
      expect(doc.p_elems).toEqual({ $: '1' })
    })
  }

  it('gives elem as [] when the list is empty', async () => {
    const { doc } = JSON.parse((await t.call({ func: 'user', auth: sid, out: 'json', filter: 'on', name: 'nobody' })).text)
    expect(doc.elem).toEqual([])
  })

  it('shapes errors as in the spec', async () => {
    const { doc } = JSON.parse((await t.call({ func: 'user.edit', elid: '999', auth: sid, out: 'json' })).text)
    expect(doc.error.$type).toBe('missed')
    expect(doc.error.$object).toBe('elid')
    expect(doc.error.$lang).toBe('en')
    expect(doc.error.msg.$).toBe('Object not found')
  })

  it('wraps JSONP with a valid callback and refuses a bad one', async () => {
    const ok = await t.call({ func: 'user', auth: sid, out: 'json', callback: 'cb.done' })
    expect(ok.res.headers.get('content-type')).toBe('application/javascript; charset=UTF-8')
    expect(ok.text).toMatch(/^\/\*\*\/cb\.done\(\{"doc":.*\}\);$/)
    const bad = await t.call({ func: 'user', auth: sid, out: 'json', callback: 'alert(1)//' })
    expect(JSON.parse(bad.text).doc.error.$object).toBe('callback')
  })
})

describe('out=xjson', () => {
  it('adds the localised labels as doc.messages.msg name → text', async () => {
    const { doc } = JSON.parse((await t.call({ func: 'user', auth: sid, out: 'xjson' })).text)
    expect(doc.messages.msg.title).toBe('Users')
    expect(doc.messages.msg.level).toBe('Access level')
    expect(doc.elem[0].id).toEqual({ $: '1' })
  })
})

describe('out=JSONdata and bjson', () => {
  for (const out of ['JSONdata', 'bjson']) {
    it(`${out}: plain data, numbers and booleans typed, no doc root`, async () => {
      const reply = JSON.parse((await t.call({ func: 'user', auth: sid, out })).text)
      expect(reply.doc).toBeUndefined()
      expect(reply.elem[0]).toMatchObject({ id: 1, name: 'admin', level: 28 })
      expect(reply).toMatchObject({ p_num: 1, p_cnt: 20, p_elems: reply.elem.length })
      expect(reply.tparams).toBeUndefined()
    })
  }

  it('success is {ok:true,id}, errors {error:{type,object,value,msg}}', async () => {
    const created = await t.data({
      func: 'user.edit', sok: 'ok', auth: sid, name: 'petr', passwd: 'petr-secret-1', confirm: 'petr-secret-1',
    })
    expect(created).toEqual({ ok: true, id: expect.any(Number) })
    const err = await t.data({ func: 'user.edit', elid: '999', auth: sid })
    expect(err).toEqual({ error: { type: 'missed', object: 'elid', value: '999', msg: 'Object not found' } })
  })
})

describe('out=devel', () => {
  it('adds list metadata (toolbar, columns) and messages', async () => {
    const { text } = await t.call({ func: 'user', auth: sid, out: 'devel' })
    expect(text).toContain('<metadata name="user" type="list"')
    expect(text).toContain('<toolbtn name="user.edit" func="user.edit"/>')
    expect(text).toContain('<col name="id" type="int" sort="digit"/>')
    expect(text).toContain('<msg name="title">Users</msg>')
  })

  it('adds form metadata: fields with control, required flag and allowed values', async () => {
    const { text } = await t.call({ func: 'user.edit', auth: sid, out: 'devel' })
    expect(text).toContain('<metadata name="user.edit" type="form"')
    expect(text).toContain('<field name="name" type="login" control="text" required="yes"')
    expect(text).toContain('<field name="level" type="enum" control="select" default="16" values="16,24,28"/>')
    expect(text).toContain('<field name="passwd" type="password" control="password" required="yes"')
  })
})

describe('out=text', () => {
  it('prints a list as one line per row, key first', async () => {
    const { res, text } = await t.call({ func: 'user', auth: sid, out: 'text', filter: 'on', name: 'ivan' })
    expect(res.headers.get('content-type')).toBe('text/plain; charset=UTF-8')
    expect(text).toMatch(/^id=2 name=ivan realname=Ivan Petrov email=ivan@example\.com level=16 status=active created=\S+ \S+\n$/)
  })

  it('prints a form as name=value lines, a success as OK and id, an error as one ERROR line', async () => {
    const form = await t.call({ func: 'user.edit', elid: '2', auth: sid, out: 'text' })
    expect(form.text).toContain('\nname=ivan\n')
    const ok = await t.call({ func: 'user.edit', sok: 'ok', auth: sid, out: 'text', name: 'anna', passwd: 'anna-secret-1', confirm: 'anna-secret-1' })
    expect(ok.text).toMatch(/^OK\nid=\d+\n$/)
    const err = await t.call({ func: 'user.edit', elid: '999', auth: sid, out: 'text' })
    expect(err.text).toBe('ERROR missed(elid): Object not found\n')
  })
})

describe('out=print', () => {
  it('is a self-contained printable table with localised headers and no scripts', async () => {
    const { res, text } = await t.call({ func: 'user', auth: sid, out: 'print', lang: 'ru' })
    expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8')
    expect(text).toMatch(/^<!DOCTYPE html><html lang="ru">/)
    expect(text).toContain('<th>ID</th>')
    expect(text).toContain('Ivan Petrov')
    expect(text).not.toMatch(/<script|<link/i)
  })
})

describe('every format answers every error type in its own shape', () => {
  const formats = ['xml', 'devel', 'json', 'sjson', 'xjson', 'JSONdata', 'bjson', 'text', 'print']
  const cases: [string, Record<string, string>, string, string][] = [
    ['auth', { func: 'auth', username: 'admin', password: 'wrong' }, 'auth', 'badpassword'],
    ['access', { func: 'audit', su: 'ivan' }, 'access', 'func'],
    ['missed', { func: 'no.such.func' }, 'missed', 'func'],
    ['value', { func: 'user', p_num: 'abc' }, 'value', 'p_num'],
    ['exists', { func: 'user.edit', sok: 'ok', name: 'ivan', passwd: 'whatever-1', confirm: 'whatever-1' }, 'exists', 'name'],
  ]
  for (const out of formats) {
    for (const [label, params, type, object] of cases) {
      it(`${out} / ${label}`, async () => {
        const withAuth = params.func === 'auth' ? params : { ...params, auth: sid }
        const { res, text } = await t.call({ ...withAuth, out })
        expect(res.status).toBe(200)
        expect(text).not.toMatch(/at .*\.ts:\d+/)
        if (out === 'xml' || out === 'devel') expect(text).toContain(`<error type="${type}" object="${object}" lang="en"`)
        else if (out === 'JSONdata' || out === 'bjson') expect(JSON.parse(text).error).toMatchObject({ type, object })
        else if (out === 'text') expect(text).toMatch(new RegExp(`^ERROR ${type}\\(${object}\\): .+\\n$`))
        else if (out === 'print') expect(text).toContain('role="alert"')
        else expect(JSON.parse(text).doc.error).toMatchObject({ $type: type, $object: object })
      })
    }
  }

  it('xml error carries param object/value and a localised msg', async () => {
    const { text } = await t.call({ func: 'auth', username: 'admin', password: 'nope', out: 'xml' })
    expect(text).toContain(
      '<error type="auth" object="badpassword" lang="en" code="1"><param name="object" type="msg">badpassword</param><param name="value"/><msg>Invalid username or password</msg></error>',
    )
  })

  it('an unknown out= is answered in xml with a value error', async () => {
    const { text } = await t.call({ func: 'user', auth: sid, out: 'yaml' })
    expect(text).toContain('<error type="value" object="out"')
  })
})
