import { beforeEach, describe, expect, it } from 'vitest'
import { csrfToken } from '../../src/core/csrf'
import { css } from '../../src/panel/style'
import { translator } from '../../src/i18n/index'
import { adminPassword, execSql, makeTestApp, type TestApp } from '../helpers'
import { browser, csrfOf, unescapeHtml } from './client'

const en = translator('en')
const ru = translator('ru')
const asAdmin = { authinfo: `admin:${adminPassword}` }
const loginUrl = '/billmgr?func=logon'

async function loggedIn(t: TestApp, username = 'admin', password = adminPassword) {
  const b = browser(t)
  const { res } = await b.post({ func: 'auth', username, password })
  expect(res.status).toBe(303)
  expect(b.jar.has('billmgrses5')).toBe(true)
  return b
}

async function userNamed(t: TestApp, name: string) {
  const list = await t.data({ func: 'user', ...asAdmin, filter: 'on', name, p_cnt: '1000' })
  return (list.elem as { name: string; status: string; realname: string; id: number }[]).find(
    (u) => u.name === name,
  )
}

function expectHtml(res: Response) {
  expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8')
  expect(res.headers.get('cache-control')).toBe('no-store')
}

describe('panel: not logged in', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await makeTestApp()
  })

  it('redirects every panel URL to the login page', async () => {
    for (const path of [
      '/billmgr',
      '/billmgr?func=user',
      '/billmgr?func=user.edit&elid=1',
      '/billmgr?func=nosuch',
      '/billmgr?func=logout',
    ]) {
      const res = await t.request(path)
      expect(res.status, path).toBe(302)
      expect(res.headers.get('location'), path).toBe(loginUrl)
    }
    const post = await browser(t).post({ func: 'user.delete', elid: '1' })
    expect(post.res.status).toBe(302)
    expect(post.res.headers.get('location')).toBe(loginUrl)
    expect((await t.data({ func: 'user', ...asAdmin })).p_elems).toBe(1)
  })

  it('drops a session cookie the server no longer knows', async () => {
    const res = await t.request('/billmgr?func=user', {
      headers: { cookie: 'billmgrses5=0123456789abcdef0123456789abcdef' },
    })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(loginUrl)
    expect(res.headers.getSetCookie().join('\n')).toMatch(/billmgrses5=;.*Max-Age=0/i)
  })

  it('shows the login page: a form posting func=auth, language links, no scripts', async () => {
    const { res, html } = await browser(t).get(loginUrl)
    expect(res.status).toBe(200)
    expectHtml(res)
    expect(html.startsWith('<!DOCTYPE html><html lang="en">')).toBe(true)
    expect(html).toContain('<form class="card" method="post" action="/billmgr">')
    expect(html).toContain('name="func" value="auth"')
    expect(html).toContain('name="username"')
    expect(html).toMatch(/<input id="password" name="password" type="password" value=""/)
    expect(html).toContain('href="/billmgr?func=logon&amp;lang=ru"')
    expect(html).toContain('href="/billmgr?func=logon&amp;lang=en"')
    expect(html).toContain(en('panel:login.submit'))
    expect(html).not.toMatch(/<script/i)
    const russian = await browser(t).get(`${loginUrl}&lang=ru`)
    expect(russian.html).toContain('<html lang="ru">')
    expect(russian.html).toContain(ru('panel:login.submit'))
  })

  it('logs in through the form: sets the session cookie and redirects to the panel', async () => {
    const b = browser(t)
    const { res } = await b.post({ func: 'auth', username: 'admin', password: adminPassword })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/billmgr')
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('billmgrses5='))
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Lax/)
    const start = await b.get('/billmgr')
    expect(start.res.status).toBe(200)
    expect(start.html).toContain('<span class="who"')
    expect(start.html).toContain('>admin</span>')
  })

  it('shows a failed login with the login kept and the password not', async () => {
    const b = browser(t)
    const { res, html } = await b.post({
      func: 'auth',
      username: 'admin',
      password: 'wrong-password-1',
    })
    expect(res.status).toBe(200)
    expectHtml(res)
    expect(b.jar.has('billmgrses5')).toBe(false)
    expect(html).toContain(`<p class="alert" role="alert">${en('errors:auth.badpassword')}</p>`)
    expect(html).toMatch(/name="username" type="text" value="admin"/)
    expect(html).not.toContain('wrong-password-1')
    const russian = await browser(t).post({
      func: 'auth',
      username: 'admin',
      password: 'wrong-password-1',
      lang: 'ru',
    })
    expect(russian.html).toContain(ru('errors:auth.badpassword'))
  })

  it('logs in with a one-time key opened by a browser', async () => {
    await t.createUser('vasya')
    const key = 'k3y-0123456789abcdef'
    expect(await t.data({ func: 'session.newkey', username: 'vasya', key, ...asAdmin })).toEqual({
      ok: true,
    })
    const b = browser(t)
    const { res } = await b.get(`/billmgr?func=auth&username=vasya&key=${key}`)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/billmgr')
    expect(b.jar.has('billmgrses5')).toBe(true)
    // A plain user lands on its sessions and has no user list in the menu.
    const start = await b.get('/billmgr')
    expect(start.html).toContain('>vasya</span>')
    expect(start.html).toContain(`<h1>${en('functions:session.title')}</h1>`)
    expect(start.html).not.toContain('href="/billmgr?func=user"')
    // The key works once.
    const again = await browser(t).get(`/billmgr?func=auth&username=vasya&key=${key}`)
    expect(again.res.status).toBe(200)
    expect(again.html).toContain(en('errors:auth.key'))
  })
})

describe('panel: lists', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await makeTestApp()
  })

  it('shows the user list: localised headers, links, checkboxes, group buttons', async () => {
    const b = await loggedIn(t)
    const ivan = await t.createUser('ivan', '24', 'user-secret-1', { realname: 'Ivan Petrov' })
    const { res, html } = await b.get('/billmgr?func=user')
    expect(res.status).toBe(200)
    expectHtml(res)
    expect(html).toContain(`<title>${en('functions:user.title')} · billgate</title>`)
    expect(html).toContain('<table class="list">')
    for (const label of [
      'fields:name',
      'fields:realname',
      'fields:email',
      'fields:level',
      'fields:status',
    ]) {
      expect(html).toContain(`>${en(label)}`)
    }
    // Key column opens the form; one checkbox per row; enum values localised.
    expect(html).toContain(`<a href="/billmgr?func=user.edit&amp;elid=${ivan}">${ivan}</a>`)
    expect(html).toContain(`<input type="checkbox" name="elid" value="${ivan}"`)
    expect(html).toContain('<td>Ivan Petrov</td>')
    expect(html).toContain(`<td>${en('values:level.24')}</td>`)
    expect(html).toContain(`<td>${en('values:status.active')}</td>`)
    // Toolbar: New, and a submit button per group operation, in a POST form with the CSRF token.
    expect(html).toContain(
      `<a class="button primary" href="/billmgr?func=user.edit">${en('panel:list.new')}</a>`,
    )
    for (const g of ['user.delete', 'user.suspend', 'user.resume']) {
      expect(html).toMatch(
        new RegExp(`<button type="submit" name="func" value="${g.replace('.', '\\.')}"`),
      )
    }
    const session = b.jar.get('billmgrses5')!
    expect(csrfOf(html)).toBe(csrfToken(session))
    // Sorting links, the current column marked.
    expect(html).toContain('href="/billmgr?func=user&amp;p_sort=name&amp;p_order=asc"')
    expect(html).toContain('aria-sort="ascending"')
    expect(html).toContain(en('panel:list.page', { num: 1, pages: 1, total: 2 }))
    // Menu of the lists an admin may open, with the current one marked.
    expect(html).toContain('<a href="/billmgr?func=user" aria-current="page">')
    expect(html).toContain('href="/billmgr?func=session"')
    expect(html).toContain('href="/billmgr?func=audit"')
    expect(html).not.toContain('href="/billmgr?func=help.params"')
    expect(html).not.toMatch(/<script/i)
  })

  it('starts on the user list for an admin', async () => {
    const b = await loggedIn(t)
    const { html } = await b.get('/billmgr')
    expect(html).toContain(`<h1>${en('functions:user.title')}</h1>`)
    expect(html).toContain('<table class="list">')
  })

  it('pages, sorts and filters', async () => {
    for (let i = 1; i <= 24; i++) await t.createUser(`user${String(i).padStart(2, '0')}`)
    const b = await loggedIn(t)
    const first = await b.get('/billmgr?func=user')
    expect(first.html).toContain(en('panel:list.page', { num: 1, pages: 2, total: 25 }))
    expect(first.html).toContain('href="/billmgr?func=user&amp;p_num=2"')
    const second = await b.get('/billmgr?func=user&p_num=2')
    expect(second.html).toContain(en('panel:list.page', { num: 2, pages: 2, total: 25 }))
    expect(second.html).toContain('>user24</td>')
    expect(second.html).not.toContain('>user01</td>')
    const sorted = await b.get('/billmgr?func=user&p_sort=name&p_order=desc&p_cnt=3')
    const names = [...sorted.html.matchAll(/<td>(user\d\d|admin)<\/td>/g)].map((m) => m[1])
    expect(names).toEqual(['user24', 'user23', 'user22'])
    expect(sorted.html).toContain('aria-sort="descending"')
    expect(sorted.html).toContain(
      'href="/billmgr?func=user&amp;p_cnt=3&amp;p_sort=name&amp;p_order=desc&amp;p_num=2"',
    )
    // The filter form, and a filtered list.
    expect(first.html).toContain('<input type="hidden" name="filter" value="on"/>')
    const filtered = await b.get('/billmgr?func=user&filter=on&name=user1')
    expect(filtered.html).toContain(en('panel:list.page', { num: 1, pages: 1, total: 10 }))
    expect(filtered.html).toMatch(/name="name" type="search" value="user1"/)
    const none = await b.get('/billmgr?func=user&filter=on&status=suspended')
    expect(none.html).toContain(en('panel:list.empty'))
    expect(none.html).toMatch(/<option value="suspended" selected="">/)
  })

  it('runs a group operation with the CSRF token, then goes back to the list', async () => {
    const a = await t.createUser('anna')
    const c = await t.createUser('carl')
    const b = await loggedIn(t)
    const page = await b.get('/billmgr?func=user&p_cnt=10')
    const csrf = csrfOf(page.html)
    const done = await b.post([
      ['func', 'user.suspend'],
      ['csrf', csrf],
      ['p_cnt', '10'],
      ['elid', String(a)],
      ['elid', String(c)],
    ])
    expect(done.res.status).toBe(303)
    expect(done.res.headers.get('location')).toBe('/billmgr?func=user&p_cnt=10')
    expect((await userNamed(t, 'anna'))?.status).toBe('suspended')
    expect((await userNamed(t, 'carl'))?.status).toBe('suspended')
    const list = await b.get('/billmgr?func=user&p_cnt=10')
    expect(list.html).toContain(`<td>${en('values:status.suspended')}</td>`)
  })

  it('refuses a group operation without the CSRF token or by GET, showing why', async () => {
    const a = await t.createUser('anna')
    const b = await loggedIn(t)
    const forged = await b.post({ func: 'user.delete', elid: String(a) })
    expect(forged.res.status).toBe(200)
    expect(forged.html).toContain(`<p class="alert" role="alert">${en('errors:access.csrf')}</p>`)
    expect(forged.html).toContain('<table class="list">')
    const wrong = await b.post({
      func: 'user.delete',
      elid: String(a),
      csrf: csrfToken('not-this-session'),
    })
    expect(wrong.html).toContain(en('errors:access.csrf'))
    const page = await b.get('/billmgr?func=user')
    const byGet = await b.get(`/billmgr?func=user.delete&elid=${a}&csrf=${csrfOf(page.html)}`)
    expect(byGet.res.status).toBe(200)
    expect(byGet.html).toContain(en('panel:error.post'))
    expect(await userNamed(t, 'anna')).toBeDefined()
    // Nothing selected: the error says which parameter is missing.
    const empty = await b.post({ func: 'user.suspend', csrf: csrfOf(page.html) })
    expect(empty.html).toContain('role="alert"')
    expect(empty.html).toContain(en('panel:list.noneSelected'))
  })

  it('shows an access error (not the login page) for a list above the user level', async () => {
    await t.createUser('vasya', '16', 'vasya-secret-1')
    const b = await loggedIn(t, 'vasya', 'vasya-secret-1')
    const { res, html } = await b.get('/billmgr?func=user')
    expect(res.status).toBe(200)
    expect(html).toContain('role="alert"')
    expect(html).toContain(en('errors:access.func', { value: 'user' }))
    expect(html).toContain('href="/billmgr?func=session"')
    expect(html).not.toContain('href="/billmgr?func=user"')
  })
})

describe('panel: forms', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await makeTestApp()
  })

  const newUser = {
    func: 'user.edit',
    sok: 'ok',
    name: 'petr',
    realname: 'Petr',
    email: 'petr@example.com',
    level: '16',
    passwd: 'petr-secret-1',
    confirm: 'petr-secret-1',
  }

  it('renders a new-user form from the declaration', async () => {
    const b = await loggedIn(t)
    const { res, html } = await b.get('/billmgr?func=user.edit')
    expect(res.status).toBe(200)
    expectHtml(res)
    expect(html).toContain('<form class="edit card" method="post" action="/billmgr">')
    expect(html).toContain('<input type="hidden" name="func" value="user.edit"/>')
    expect(html).toContain('<input type="hidden" name="sok" value="ok"/>')
    expect(csrfOf(html)).toBe(csrfToken(b.jar.get('billmgrses5')!))
    expect(html).not.toContain('name="elid"')
    expect(html).toMatch(/<input id="field-name" name="name" type="text" value=""[^>]* required=""/)
    expect(html).toMatch(/<input id="field-email" name="email" type="email"/)
    expect(html).toMatch(/<select id="field-level" name="level"/)
    expect(html).toContain(`<option value="16" selected="">${en('values:level.16')}</option>`)
    expect(html).toContain(`<option value="28">${en('values:level.28')}</option>`)
    expect(html).toMatch(/<select id="field-language" name="language">\s*<option value="">/)
    expect(html).toMatch(/<textarea id="field-allowed_addresses" name="allowed_addresses"/)
    expect(html).toMatch(/<input id="field-passwd" name="passwd" type="password" value=""/)
    // Read-only fields have nothing to show for a new element.
    expect(html).not.toContain('field-status')
  })

  it('renders an existing user: current values, read-only unsubmitted, no passwords', async () => {
    const id = await t.createUser('olga', '24', 'olga-secret-1', {
      realname: 'Olga',
      email: 'olga@example.com',
    })
    const b = await loggedIn(t)
    const { html } = await b.get(`/billmgr?func=user.edit&elid=${id}`)
    expect(html).toContain(`<input type="hidden" name="elid" value="${id}"/>`)
    expect(html).toMatch(/name="name" type="text" value="olga"/)
    expect(html).toMatch(/name="realname" type="text" value="Olga"/)
    expect(html).toContain(`<option value="24" selected="">`)
    expect(html).toContain(
      `<input id="field-status" type="text" value="${en('values:status.active')}" readonly=""/>`,
    )
    expect(html).not.toContain('name="status"')
    expect(html).not.toContain('olga-secret-1')
    expect(html).toMatch(/name="passwd" type="password" value=""/)
    expect(html).toContain(en('panel:form.keepSecret'))
    expect(html).toContain('<a class="button" href="/billmgr?func=user">')
  })

  it('refuses a form POST without the CSRF token or with a wrong one', async () => {
    const b = await loggedIn(t)
    const missing = await b.post(newUser)
    expect(missing.res.status).toBe(200)
    expect(missing.html).toContain(`<p class="alert" role="alert">${en('errors:access.csrf')}</p>`)
    const wrong = await b.post({ ...newUser, csrf: csrfToken('someone-else') })
    expect(wrong.html).toContain(en('errors:access.csrf'))
    expect(await userNamed(t, 'petr')).toBeUndefined()
  })

  it('creates a user with the right CSRF token and goes back to the list', async () => {
    const b = await loggedIn(t)
    const form = await b.get('/billmgr?func=user.edit')
    const { res } = await b.post({ ...newUser, csrf: csrfOf(form.html) })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/billmgr?func=user')
    expect(await userNamed(t, 'petr')).toMatchObject({ realname: 'Petr', status: 'active' })
    const list = await b.get('/billmgr?func=user')
    expect(list.html).toContain('<td>petr</td>')
  })

  it('updates a user; a password left empty stays as it was', async () => {
    const id = await t.createUser('olga', '16', 'olga-secret-1')
    const b = await loggedIn(t)
    const form = await b.get(`/billmgr?func=user.edit&elid=${id}`)
    const { res } = await b.post({
      func: 'user.edit',
      sok: 'ok',
      elid: String(id),
      csrf: csrfOf(form.html),
      name: 'olga',
      realname: 'Olga Ivanova',
      email: '',
      level: '16',
      language: 'ru',
      allowed_addresses: '',
      passwd: '',
      confirm: '',
    })
    expect(res.status).toBe(303)
    expect(await userNamed(t, 'olga')).toMatchObject({ realname: 'Olga Ivanova' })
    expect(await t.login('olga', 'olga-secret-1')).toMatch(/^[0-9a-f]{32}$/)
  })

  it('shows the form again with the error and what was sent, but never the password', async () => {
    const b = await loggedIn(t)
    const form = await b.get('/billmgr?func=user.edit')
    const { res, html } = await b.post({
      ...newUser,
      confirm: 'different-secret-2',
      realname: 'Petr "the first"',
      csrf: csrfOf(form.html),
    })
    expect(res.status).toBe(200)
    expect(html).toContain(`<p class="alert" role="alert">${en('errors:value.mismatch')}</p>`)
    expect(html).toContain('value="Petr &quot;the first&quot;"')
    expect(html).toMatch(/name="name" type="text" value="petr"/)
    expect(html).not.toContain('petr-secret-1')
    expect(html).not.toContain('different-secret-2')
    expect(html).toMatch(/id="field-confirm" name="confirm" aria-invalid="true"/)
    expect(await userNamed(t, 'petr')).toBeUndefined()
    // A taken name, in Russian.
    const taken = await b.post({ ...newUser, name: 'admin', csrf: csrfOf(form.html), lang: 'ru' })
    expect(taken.html).toContain('<html lang="ru">')
    expect(taken.html).toContain(ru('errors:exists.name', { value: 'admin' }))
  })

  it('does not apply a form sent by GET', async () => {
    const b = await loggedIn(t)
    const form = await b.get('/billmgr?func=user.edit')
    const { html } = await b.get(
      `/billmgr?${new URLSearchParams({ ...newUser, csrf: csrfOf(form.html) })}`,
    )
    expect(html).toContain(en('panel:error.post'))
    expect(html).toContain('<form class="edit card"')
    expect(await userNamed(t, 'petr')).toBeUndefined()
  })

  it('shows a missing element as an error page', async () => {
    const b = await loggedIn(t)
    const { res, html } = await b.get('/billmgr?func=user.edit&elid=999')
    expect(res.status).toBe(200)
    expect(html).toContain(`<p class="alert" role="alert">${en('errors:missed.elid')}</p>`)
  })
})

describe('panel: language, logout, escaping', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await makeTestApp()
  })

  it('switches the language with lang= and keeps it in a cookie', async () => {
    const b = await loggedIn(t)
    const english = await b.get('/billmgr?func=user')
    expect(english.html).toContain('href="/billmgr?func=user&amp;lang=ru"')
    const { res, html } = await b.get('/billmgr?func=user&lang=ru')
    expect(res.headers.getSetCookie().join('\n')).toContain('billmgrlang5=ru')
    expect(html).toContain('<html lang="ru">')
    expect(html).toContain(`<h1>${ru('functions:user.title')}</h1>`)
    expect(html).toContain(`>${ru('fields:name')}`)
    expect(html).toContain(`>${ru('panel:header.logout')}</button>`)
    expect(html).toContain(`<td>${ru('values:level.28')}</td>`)
    const later = await b.get('/billmgr?func=user.edit&elid=1')
    expect(later.html).toContain('<html lang="ru">')
    expect(later.html).toContain(ru('panel:form.save'))
    const back = await b.get('/billmgr?lang=en')
    expect(back.html).toContain('<html lang="en">')
    expect(back.html).toContain(`<h1>${en('functions:user.title')}</h1>`)
  })

  it('logs out by POST with the CSRF token: cookie cleared, session ended', async () => {
    const b = await loggedIn(t)
    const token = b.jar.get('billmgrses5')!
    const page = await b.get('/billmgr')
    expect(page.html).toMatch(
      new RegExp(
        '<form class="logout" method="post" action="/billmgr">' +
          '<input type="hidden" name="func" value="logout"/>' +
          '<input type="hidden" name="csrf" value="[0-9a-f]{32}"/>',
      ),
    )
    // Without the token, nothing happens.
    const forged = await b.post({ func: 'logout' })
    expect(forged.res.status).toBe(200)
    expect(forged.html).toContain(en('errors:access.csrf'))
    expect((await t.data({ func: 'keepalive', auth: token })).ok).toBe(true)
    const { res } = await b.post({ func: 'logout', csrf: csrfOf(page.html) })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(loginUrl)
    expect(res.headers.getSetCookie().join('\n')).toMatch(/billmgrses5=;.*Max-Age=0/i)
    expect(b.jar.has('billmgrses5')).toBe(false)
    expect((await t.data({ func: 'keepalive', auth: token })).error).toMatchObject({ type: 'auth' })
    const after = await b.get('/billmgr')
    expect(after.res.status).toBe(302)
    expect(after.res.headers.get('location')).toBe(loginUrl)
  })

  it('escapes user data everywhere it is shown', async () => {
    const evil = '<script>alert(1)</script>'
    const id = await t.createUser('mallory', '16', 'user-secret-1', { realname: evil })
    const b = await loggedIn(t)
    const list = await b.get('/billmgr?func=user')
    expect(list.html).not.toContain(evil)
    expect(list.html).not.toMatch(/<script/i)
    expect(list.html).toContain('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>')
    const form = await b.get(`/billmgr?func=user.edit&elid=${id}`)
    expect(form.html).not.toMatch(/<script/i)
    expect(form.html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"')
    expect(unescapeHtml('value="&lt;script&gt;alert(1)&lt;/script&gt;"')).toContain(evil)
    // Parameters echoed into links and filter boxes are escaped as well.
    const filtered = await b.get(
      `/billmgr?func=user&filter=on&name=${encodeURIComponent('"><script>x</script>')}`,
    )
    expect(filtered.html).not.toMatch(/<script/i)
    expect(filtered.html).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"')
  })

  it('keeps its stylesheet free of characters that escaping would break', () => {
    expect(css).not.toMatch(/[<>&"']/)
  })

  it('never shows an internal error in detail', async () => {
    const a = await t.createUser('anna')
    const b = await loggedIn(t)
    const page = await b.get('/billmgr?func=user')
    await execSql(
      t.store,
      t.store.dialect === 'sqlite'
        ? `CREATE TRIGGER boom BEFORE UPDATE ON users BEGIN SELECT RAISE(ABORT, 'secret detail'); END`
        : `CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'secret detail'; END $$;
           CREATE TRIGGER boom BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION boom()`,
    )
    const { res, html } = await b.post({
      func: 'user.suspend',
      elid: String(a),
      csrf: csrfOf(page.html),
    })
    expect(res.status).toBe(500)
    expect(html).toContain(`<p class="alert" role="alert">${en('errors:internal.server')}</p>`)
    expect(html).not.toMatch(/secret detail|SqliteError|\.ts:\d+/)
    expect(t.errors.length).toBeGreaterThan(0)
    expect((await userNamed(t, 'anna'))?.status).toBe('active')
  })
})

describe('panel: other pages', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await makeTestApp()
  })

  it('answers an unknown function with an error page once logged in', async () => {
    const b = await loggedIn(t)
    const { res, html } = await b.get('/billmgr?func=nosuch')
    expect(res.status).toBe(200)
    expect(html).toContain(
      `<p class="alert" role="alert">${en('errors:missed.func', { value: 'nosuch' })}</p>`,
    )
  })

  it('opens a nested list from the key column of its parent', async () => {
    const b = await loggedIn(t)
    const help = await b.get('/billmgr?func=help&p_cnt=100')
    expect(help.html).toContain(
      '<a href="/billmgr?func=help.params&amp;elid=user.edit">user.edit</a>',
    )
    const params = await b.get('/billmgr?func=help.params&elid=user.edit')
    expect(params.html).toContain('<td>passwd</td>')
    // Sorting keeps the parent element.
    expect(params.html).toContain(
      'href="/billmgr?func=help.params&amp;elid=user.edit&amp;p_sort=name',
    )
  })

  it('offers actions that change data as a form, run by POST', async () => {
    await t.createUser('vasya')
    const b = await loggedIn(t)
    const form = await b.get('/billmgr?func=session.newkey')
    expect(form.html).toContain('<input type="hidden" name="func" value="session.newkey"/>')
    expect(form.html).toMatch(/name="key" type="password" value=""/)
    const key = 'k3y-0123456789abcdef'
    const short = await b.post({
      func: 'session.newkey',
      username: 'vasya',
      key: 'short',
      csrf: csrfOf(form.html),
    })
    expect(short.html).toContain('role="alert"')
    expect(short.html).toMatch(/name="username" type="text" value="vasya"/)
    expect(short.html).not.toContain('value="short"')
    const done = await b.post({
      func: 'session.newkey',
      username: 'vasya',
      key,
      csrf: csrfOf(form.html),
    })
    expect(done.res.status).toBe(200)
    expect(done.html).toContain(en('panel:result.done'))
    const other = browser(t)
    expect((await other.get(`/billmgr?func=auth&key=${key}`)).res.status).toBe(303)
  })

  it('answers at /manager/billmgr as well', async () => {
    const res = await t.request('/manager/billmgr?func=user')
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/manager/billmgr?func=logon')
    const b = browser(t)
    const login = await b.post(
      { func: 'auth', username: 'admin', password: adminPassword },
      '/manager/billmgr',
    )
    expect(login.res.headers.get('location')).toBe('/manager/billmgr')
    const list = await b.get('/manager/billmgr?func=user')
    expect(list.html).toContain('action="/manager/billmgr"')
    expect(list.html).toContain('href="/manager/billmgr?func=user.edit&amp;elid=1"')
  })
})
