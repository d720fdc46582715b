import type { Context } from 'hono'
import { deleteCookie } from 'hono/cookie'
import { csrfToken } from '../core/csrf'
import type { Config } from '../config'
import type { Call } from '../core/call'
import type { Dispatcher, Outcome } from '../core/dispatch'
import { choicesOf } from '../core/documents'
import type { ParamSpecs } from '../core/params'
import type { Principal } from '../core/principal'
import { applySession, sessionCookie } from '../doors/billmgr'
import { sendFile } from '../doors/file-reply'
import type {
  ActionDef,
  FormDef,
  FunctionDef,
  GroupDef,
  ListDef,
  Registry,
} from '../core/registry'
import { isLang, translator, type Lang, type Translate } from '../i18n/index'
import { choicesIn, errorText, leafValue } from './doc'
import { FormPage, submittedValues, valuesFrom } from './form'
import { href, sendPage, sendRedirect, type Params } from './http'
import { titleOf } from '../core/labels'
import { MessagePage, type Chrome, type MenuItem } from './layout'
import { listBase, ListPage, pagingParams } from './list'
import { LoginPage } from './login'
import { ResultPage } from './result'

export interface PanelDeps {
  dispatcher: Dispatcher
  registry: Registry
  config: Config
}

/** Lists a user lands on after logging in, the first one the user may see. */
const startLists = ['user', 'session']

/** The panel's own page, not a registry function: the login form. */
const logonPage = 'logon'

/**
 * The HTML panel: what the billmgr door answers when a call has no `out`. Every page is built
 * from a dispatcher outcome and the registry's declarations; writes go by POST with the
 * session's CSRF token, and the dispatcher checks it.
 */
export function createPanel(deps: PanelDeps) {
  const { dispatcher, registry, config } = deps

  return async function handlePanel(c: Context, call: Call): Promise<Response> {
    if (call.func === logonPage) return showLogin(c, call)
    if (call.func === 'auth') return logIn(c, call)
    if (call.func === '') return startPage(c, call)
    const def = registry.get(call.func)
    switch (def?.kind) {
      case 'list':
        return listPage(c, call, def)
      case 'form':
        return formPage(c, call, def)
      case 'group':
        return groupAction(c, call, def)
      case 'action':
      case 'report':
        return actionPage(c, call, def)
      case 'file':
        return fileDownload(c, call)
      default:
        return unknownPage(c, call)
    }
  }

  // --- login and logout ---------------------------------------------------------------------

  function showLogin(c: Context, call: Call, error?: string, lang?: Lang): Promise<Response> {
    const chosen = lang ?? (isLang(call.lang) ? call.lang : config.lang)
    const username = call.func === 'auth' ? call.params.username : undefined
    return sendPage(
      c,
      <LoginPage
        t={translator(chosen)}
        lang={chosen}
        binary={call.binary}
        error={error}
        username={username}
      />,
    )
  }

  /** `func=auth`: the login form's POST, or a one-time key opened by a browser. */
  async function logIn(c: Context, call: Call): Promise<Response> {
    const outcome = await dispatcher.execute(call)
    applySession(c, outcome, call, config)
    if (!outcome.error && outcome.effects.startSession) return sendRedirect(c, call.binary, 303)
    return showLogin(c, call, errorText(outcome.document), outcome.lang)
  }

  /** Back to the login page; a cookie the server no longer accepts is dropped on the way. */
  function toLogin(c: Context, call: Call, outcome?: Outcome, status: 302 | 303 = 302): Response {
    if (outcome?.error?.type === 'auth' && call.credentials.sessionFromCookie) {
      deleteCookie(c, sessionCookie, { path: '/' })
    }
    return sendRedirect(c, href(call.binary, { func: logonPage }), status)
  }

  // --- pages --------------------------------------------------------------------------------

  /** No function: the first list the user may see. */
  async function startPage(c: Context, call: Call): Promise<Response> {
    let outcome = await run(call, startLists[0], {})
    if (!outcome.user) return toLogin(c, call, outcome)
    const level = outcome.user.level
    let def = usable(startLists[0], level)
    if (outcome.error || def?.kind !== 'list') {
      const first = [...startLists, ...menuOf(level, translator(outcome.lang)).map((m) => m.name)]
        .map((name) => usable(name, level))
        .find((d): d is ListDef => d?.kind === 'list')
      if (!first) {
        const t = translator(outcome.lang)
        return sendPage(
          c,
          <MessagePage
            chrome={chromeOf(call, outcome, outcome.user, {})}
            title={t('common:product')}
          />,
        )
      }
      def = first
      outcome = await run(call, first.name, {})
      if (!outcome.user) return toLogin(c, call, outcome)
    }
    return renderList(c, call, def as ListDef, outcome, outcome.user, { params: {}, here: {} })
  }

  async function listPage(c: Context, call: Call, def: ListDef): Promise<Response> {
    // The filter form sends every box; one left empty ("any") filters on nothing.
    const params = withoutEmptyFilters(call.params, def)
    const outcome = await dispatcher.execute({ ...call, params, sok: false })
    if (!outcome.user) return toLogin(c, call, outcome)
    return renderList(c, call, def, outcome, outcome.user, {
      params,
      here: listHere(def, params),
    })
  }

  function renderList(
    c: Context,
    call: Call,
    def: ListDef,
    outcome: Outcome,
    user: Principal,
    shown: { params: Record<string, string>; here: Params; error?: string; status?: 200 | 500 },
  ): Promise<Response> {
    const { params, here, error } = shown
    const chrome = chromeOf(call, outcome, user, here, def.name)
    const { t } = chrome
    if (outcome.error) return failurePage(c, chrome, titleOf(t, def.name), outcome)
    const toolbar = (def.toolbar ?? [])
      .map((name) => usable(name, user.level))
      .filter((d) => d !== undefined)
    const form = toolbar.find((d) => d.kind === 'form')
    const editForm = form?.name
    const subList = toolbar.find((d) => d.kind === 'list')?.name
    const owner = params.elid || params.plid ? listOffering(def.name, user.level) : undefined
    const item = (d: FunctionDef) => ({ name: d.name, title: titleOf(t, d.name) })
    const onRow = (d: FunctionDef) => (d.kind === 'action' || d.kind === 'report') && 'elid' in d.params
    // A row's report that is also a file (an invoice's PDF) offers the file beside it.
    const rowFile = (d: FunctionDef) =>
      d.kind === 'report' && d.file && onRow(d)
        ? [{ name: d.name, title: t('panel:list.file', { format: d.file.format.toUpperCase() }), list: false, out: d.file.format }]
        : []
    return sendPage(
      c,
      <ListPage
        chrome={chrome}
        def={def}
        doc={outcome.document}
        params={params}
        editForm={editForm}
        canCreate={form !== undefined && mayChange(form, user.level) && !allReadonly(form.fields)}
        subList={subList}
        owner={owner && { href: href(call.binary, { func: owner.name }), title: titleOf(t, owner.name) }}
        groups={toolbar.filter((d) => d.kind === 'group').map(item)}
        rowLinks={toolbar
          .filter((d) => (d.kind === 'list' && (editForm || d.name !== subList)) || onRow(d))
          .flatMap((d) => [{ ...item(d), list: d.kind === 'list' }, ...rowFile(d)])}
        download={
          def.file && {
            href: href(call.binary, { ...listBase(def, params), p_cnt: undefined, out: def.file.format }),
            title: t('panel:list.download', { format: def.file.format.toUpperCase() }),
          }
        }
        tools={toolbar.filter((d) => (d.kind === 'action' || d.kind === 'report') && !onRow(d)).map(item)}
        error={error}
      />,
      shown.status,
    )
  }

  /** A form: shown without `sok`; applied by POST with `sok=ok`, then back to its list. */
  async function formPage(c: Context, call: Call, def: FormDef): Promise<Response> {
    if (!call.sok) return showForm(c, call, def)
    if (c.req.method !== 'POST')
      return showForm(c, { ...call, sok: false }, def, { key: 'panel:error.post' })
    const params = withFlags(call.params, def.fields)
    const outcome = await dispatcher.execute({ ...call, params })
    if (!outcome.user) return toLogin(c, call, outcome)
    applySession(c, outcome, call, config)
    if (outcome.effects.endSession) return toLogin(c, call, undefined, 303)
    if (!outcome.error) {
      const list = parentList(def.name, outcome.user.level)
      const id = leafValue(outcome.document, 'id') ?? params.elid
      const next = list
        ? href(call.binary, { func: list.name, plid: params.plid })
        : href(call.binary, {
            func: def.name,
            elid: id === undefined || id === null ? undefined : String(id),
          })
      return sendRedirect(c, next, 303)
    }
    return showForm(c, call, def, {
      status: statusOf(outcome),
      message: errorText(outcome.document),
      field: outcome.error.object,
      values: submittedValues(params, def.fields),
    })
  }

  async function showForm(
    c: Context,
    call: Call,
    def: FormDef,
    failed?: Failure,
  ): Promise<Response> {
    const elid = call.params.elid || undefined
    const outcome = await run(call, def.name, { elid, plid: call.params.plid })
    if (!outcome.user) return toLogin(c, call, outcome)
    const chrome = chromeOf(call, outcome, outcome.user, {
      func: def.name,
      elid,
      plid: call.params.plid,
    })
    const { t } = chrome
    const title = titleOf(t, def.name)
    const message = failed?.message ?? (failed?.key ? t(failed.key) : undefined)
    if (outcome.error) return failurePage(c, chrome, title, outcome, message)
    const doc = outcome.document
    const values = { ...valuesFrom(doc, def.fields), ...(elid ? {} : fromParent(call, def.fields)), ...failed?.values }
    const list = parentList(def.name, outcome.user.level)
    const name = typeof values.name === 'string' && values.name ? values.name : elid
    return sendPage(
      c,
      <FormPage
        chrome={chrome}
        func={def.name}
        fields={def.fields}
        title={title}
        subtitle={elid ? name : def.singleton ? undefined : t('panel:form.new')}
        elid={elid}
        values={values}
        choices={choicesIn(doc)}
        error={message}
        errorField={failed?.field}
        sok
        viewOnly={!mayChange(def, outcome.user.level) || (def.createOnly === true && elid !== undefined)}
        submitLabel={t('panel:form.save')}
        cancel={href(call.binary, { func: list?.name, plid: call.params.plid })}
        plid={call.params.plid}
      />,
      failed?.status,
    )
  }

  /** A group operation on the checked rows, by POST only; then the list, with the error if any. */
  async function groupAction(c: Context, call: Call, def: GroupDef): Promise<Response> {
    const kept = pick(call.params, [...pagingParams, 'plid'])
    let error: string | undefined
    let status: 200 | 500 = 200
    let level = Infinity
    if (c.req.method === 'POST') {
      const outcome = await dispatcher.execute(call)
      if (!outcome.user) return toLogin(c, call, outcome)
      applySession(c, outcome, call, config)
      if (outcome.effects.endSession) return toLogin(c, call, undefined, 303)
      level = outcome.user.level
      const list = parentList(def.name, level)
      if (!outcome.error)
        return sendRedirect(c, href(call.binary, list ? { func: list.name, ...kept } : {}), 303)
      const noneChecked =
        outcome.error.type === 'missed' && outcome.error.object === 'elid' && !call.params.elid
      status = statusOf(outcome)
      error = noneChecked
        ? translator(outcome.lang)('panel:list.noneSelected')
        : errorText(outcome.document)
      if (!list) {
        const chrome = chromeOf(call, outcome, outcome.user, { func: def.name })
        return failurePage(c, chrome, titleOf(chrome.t, def.name), outcome)
      }
    }
    const list = parentList(def.name, level)
    const outcome = list ? await run(call, list.name, kept) : await whoAmI(call)
    if (!outcome.user) return toLogin(c, call, outcome)
    error ??= translator(outcome.lang)('panel:error.post')
    if (!list) {
      const chrome = chromeOf(call, outcome, outcome.user, { func: def.name })
      return failurePage(c, chrome, titleOf(chrome.t, def.name), outcome, error)
    }
    return renderList(c, call, list, outcome, outcome.user, {
      params: kept,
      here: listHere(list, kept),
      error,
      status,
    })
  }

  /** Actions and reports: a form of their parameters, run by POST when they change data. */
  async function actionPage(c: Context, call: Call, def: ActionDef): Promise<Response> {
    const hasParams = Object.keys(def.params).length > 0
    if (def.writes && c.req.method !== 'POST') {
      const outcome = await actionFormOutcome(call, def)
      if (!outcome.user) return toLogin(c, call, outcome)
      return renderActionForm(c, call, def, outcome, outcome.user)
    }
    const params = def.writes ? withFlags(call.params, def.params) : call.params
    const outcome = await dispatcher.execute({ ...call, params })
    if (!outcome.user && def.level > 0) return toLogin(c, call, outcome)
    applySession(c, outcome, call, config)
    if (outcome.effects.endSession) return toLogin(c, call, undefined, 303)
    if (!outcome.user) return showLogin(c, call, errorText(outcome.document), outcome.lang)
    const redirect = outcome.effects.redirect
    // Only a path on this server: never `//host` or `/\host`, which browsers take as another site.
    if (!outcome.error && redirect && /^\/(?![/\\])/.test(redirect)) {
      return sendRedirect(c, redirect, 303)
    }
    if (outcome.error && (def.writes || hasParams)) {
      const shown = def.choicesFrom ? await actionFormOutcome(call, def) : outcome
      return renderActionForm(c, call, def, { ...shown, lang: outcome.lang, error: outcome.error }, outcome.user, {
        message: errorText(outcome.document),
        field: outcome.error.object,
        values: submittedValues(params, def.params),
      })
    }
    const chrome = chromeOf(call, outcome, outcome.user, { func: def.name })
    const title = titleOf(chrome.t, def.name)
    if (outcome.error) return failurePage(c, chrome, title, outcome)
    const print =
      def.kind === 'report'
        ? href(call.binary, { func: def.name, ...pick(params, Object.keys(def.params)), out: 'print' })
        : undefined
    const list = listOffering(def.name, outcome.user.level)
    return sendPage(
      c,
      <ResultPage
        chrome={chrome}
        func={def.name}
        title={title}
        doc={outcome.document}
        print={print}
        back={list && { href: href(call.binary, { func: list.name }), title: titleOf(chrome.t, list.name) }}
      />,
    )
  }

  function renderActionForm(
    c: Context,
    call: Call,
    def: ActionDef,
    outcome: Outcome,
    user: Principal,
    failed?: Failure,
  ): Promise<Response> {
    const chrome = chromeOf(call, outcome, user, { func: def.name })
    const { t } = chrome
    const borrowed = def.choicesFrom ? choicesIn(outcome.document) : {}
    const choices: Record<string, [string, string][]> = {}
    for (const [name, spec] of Object.entries(def.params)) {
      const offered = choicesOf(def.name, name, spec, t) ?? borrowed[name]
      if (offered) choices[name] = offered
    }
    const title = titleOf(t, def.name)
    return sendPage(
      c,
      <FormPage
        chrome={chrome}
        func={def.name}
        fields={def.params}
        title={title}
        values={failed?.values ?? submittedValues({ ...defaultsOf(def.params), ...fromParent(call, def.params), ...call.params }, def.params)}
        choices={choices}
        error={failed?.message}
        errorField={failed?.field}
        sok={false}
        submitLabel={title}
        cancel={href(call.binary, { func: listOffering(def.name, user.level)?.name })}
      />,
      statusOf(outcome),
    )
  }

  /** A download opened from the panel (no `out`): the file, or a page saying why not. */
  async function fileDownload(c: Context, call: Call): Promise<Response> {
    const outcome = await dispatcher.execute({ ...call, sok: false })
    if (outcome.effects.file) return sendFile(c, outcome.effects.file)
    if (!outcome.user) return toLogin(c, call, outcome)
    const chrome = chromeOf(call, outcome, outcome.user, { func: call.func })
    return failurePage(c, chrome, titleOf(chrome.t, call.func), outcome)
  }

  /** A function the registry does not know: the dispatcher says so (or asks to log in first). */
  async function unknownPage(c: Context, call: Call): Promise<Response> {
    const outcome = await dispatcher.execute({ ...call, sok: false })
    // The dispatcher names no user when the function is unknown: ask who the caller is.
    const user = outcome.user ?? (await whoAmI(call)).user
    if (!user) return toLogin(c, call, outcome)
    const chrome = chromeOf(call, outcome, user, { func: call.func })
    return failurePage(c, chrome, chrome.t('panel:error.title'), outcome)
  }

  function failurePage(
    c: Context,
    chrome: Chrome,
    title: string,
    outcome: Outcome,
    message?: string,
  ) {
    const error = message ?? errorText(outcome.document) ?? chrome.t('panel:error.title')
    const status = statusOf(outcome)
    return sendPage(
      c,
      <MessagePage chrome={chrome} title={title} error={error}>
        <p>
          <a href={chrome.binary}>{chrome.t('panel:error.home')}</a>
        </p>
      </MessagePage>,
      status,
    )
  }

  // --- helpers ------------------------------------------------------------------------------

  /** Runs another function with the call's credentials, language and su; never applies. */
  function run(call: Call, func: string, params: Params): Promise<Outcome> {
    const clean: Record<string, string> = {}
    for (const [name, value] of Object.entries(params))
      if (value !== undefined && value !== '') clean[name] = value
    return dispatcher.execute({ ...call, func, sok: false, params: { ...clean, func } })
  }

  /**
   * What an action's form is drawn from: the form it borrows its select choices from, or just
   * who the caller is.
   */
  async function actionFormOutcome(call: Call, def: ActionDef): Promise<Outcome> {
    const source = def.choicesFrom
    if (!source) return whoAmI(call)
    const outcome = await run(call, source, {})
    return outcome.error ? whoAmI(call) : outcome
  }

  /** Who the caller is, for pages that need the layout before anything runs. */
  function whoAmI(call: Call): Promise<Outcome> {
    return run(call, 'keepalive', {})
  }

  function usable(name: string, level: number): FunctionDef | undefined {
    const def = registry.get(name)
    return def && def.level <= level ? def : undefined
  }

  /** Opened from a client's row (`plid`), a new payment, order or invoice is for that client. */
  function fromParent(call: Call, fields: ParamSpecs): Record<string, string> {
    return call.params.plid && fields.account && !fields.account.readonly ? { account: call.params.plid } : {}
  }

  /** The list a form or group operation belongs to: its name without the last `.action`. */
  function parentList(func: string, level: number): ListDef | undefined {
    const dot = func.lastIndexOf('.')
    if (dot < 0) return undefined
    const def = usable(func.slice(0, dot), level)
    return def?.kind === 'list' ? def : undefined
  }

  /** The list a function is reached from: its parent by name, else a list offering it on its toolbar. */
  function listOffering(func: string, level: number): ListDef | undefined {
    return (
      parentList(func, level) ??
      registry
        .available(level)
        .find((d): d is ListDef => d.kind === 'list' && (d.toolbar ?? []).includes(func))
    )
  }

  /** Top-level lists the level may open; lists reached from another list's toolbar are left out. */
  function menuOf(level: number, t: Translate): MenuItem[] {
    const lists = registry
      .available(level)
      .filter((d): d is ListDef => d.kind === 'list' && !d.hidden)
    // A list of one parent's things (`account.customfields`) is reached only from its parent's rows.
    const nested = new Set(lists.flatMap((d) => d.toolbar ?? []).filter((name) => name.includes('.')))
    const rank = (name: string) =>
      startLists.includes(name) ? startLists.indexOf(name) : startLists.length
    return lists
      .filter((d) => !nested.has(d.name))
      .sort((a, b) => rank(a.name) - rank(b.name))
      .map((d) => ({ name: d.name, title: titleOf(t, d.name) }))
  }

  function chromeOf(
    call: Call,
    outcome: Outcome,
    user: Principal,
    here: Params,
    current?: string,
  ): Chrome {
    const t = translator(outcome.lang)
    const session = call.credentials.session
    return {
      t,
      lang: outcome.lang,
      binary: call.binary,
      user,
      csrf: session ? csrfToken(session) : '',
      menu: menuOf(user.level, t),
      current,
      here,
    }
  }
}

/** Why a form is shown again: the message (or its key), the field at fault, what was sent. */
interface Failure {
  status?: 200 | 500
  message?: string
  key?: string
  field?: string
  values?: Record<string, string | boolean>
}

/** Parameters that reopen a list page as it is. */
function listHere(def: ListDef, params: Record<string, string>): Params {
  return {
    ...listBase(def, params),
    p_num: params.p_num,
    p_sort: params.p_sort,
    p_order: params.p_order,
  }
}

/** Whether the level may create or change what a form shows, rather than only look at it. */
function mayChange(def: FormDef, level: number): boolean {
  return level >= (def.saveLevel ?? def.level)
}

/** A form that only shows (an issued invoice) creates nothing. */
function allReadonly(fields: ParamSpecs): boolean {
  return Object.values(fields).every((spec) => spec.readonly)
}

/** The declared defaults, as a first visit to an action's form shows them (auto-renewal on). */
function defaultsOf(specs: ParamSpecs): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, spec] of Object.entries(specs)) if (spec.default !== undefined) out[name] = spec.default
  return out
}

/** The call's parameters without the list's filters that were left empty. */
function withoutEmptyFilters(params: Record<string, string>, def: ListDef): Record<string, string> {
  if (params.filter !== 'on' || !def.filters) return params
  const out = { ...params }
  for (const name of Object.keys(def.filters)) if (out[name] === '') delete out[name]
  return out
}

/** Internal failures answer 500; every other application error is a page like any other. */
function statusOf(outcome: Outcome): 200 | 500 {
  return outcome.error?.type === 'internal' ? 500 : 200
}

function pick(params: Record<string, string>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of names) if (params[name]) out[name] = params[name]
  return out
}

/**
 * An unchecked checkbox sends nothing; from a panel form that means "off". Flags the form showed
 * but the browser left out are set to `off`.
 */
function withFlags(params: Record<string, string>, specs: ParamSpecs): Record<string, string> {
  const out = { ...params }
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.type === 'flag' && !spec.readonly && out[name] === undefined) out[name] = 'off'
  }
  return out
}
