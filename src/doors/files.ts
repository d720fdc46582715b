import type { Context } from 'hono'
import type { Config } from '../config'
import type { Call } from '../core/call'
import { errorMessage } from '../core/documents'
import { BillError, busyRetrySeconds, errorCodes, isBusy, missed } from '../core/errors'
import type { Dispatcher } from '../core/dispatch'
import type { FileSpec, FunctionDef, Registry } from '../core/registry'
import { isLang, supportedLanguages, translator, type Lang } from '../i18n/index'
import type { ClientInfo } from '../net/client'
import { securityHeaders } from '../net/security-headers'
import { readParams } from './billmgr'
import { sendFile } from './file-reply'

/**
 * The file channel: `GET` or `POST /admin/<module>/<method>` (JeraSoft's), for files too large
 * for a reply document: CSV exports and invoice PDFs. Credentials are `SID` (a session, the same
 * as the URL protocol's `auth`) or `auth[login]` and `auth[password]`, in the query or a form
 * body. The route names a function of the registry that declares it (`route` of its file);
 * the call goes through the one dispatcher like any other.
 *
 * A failure is a JSON body `{"code": false, "errors": [{code, field, value, message}]}` with the
 * error's numeric code in `X-VCS-Status` and an HTTP status that says what kind it is.
 */

export interface FilesDoorDeps {
  config: Config
  dispatcher: Dispatcher
  registry: Registry
  clientOf: (c: Context) => ClientInfo
  log?: (message: string, err: unknown) => void
}

/** Parameters of the channel itself: credentials, and JeraSoft's `__api` marker (accepted, ignored). */
const channelParams = ['SID', 'auth[login]', 'auth[password]', '__api', 'func', 'out', 'sok', 'authinfo', 'auth']

interface Route {
  def: FunctionDef
  file: FileSpec
}

/** Every route a function's file declares, refusing one declared twice. */
function fileRoutes(registry: Registry): Map<string, Route> {
  const routes = new Map<string, Route>()
  for (const def of registry.all()) {
    const file = def.kind === 'file' || def.kind === 'list' || def.kind === 'report' ? def.file : undefined
    if (!file?.route) continue
    if (routes.has(file.route)) throw new Error(`file route ${file.route} declared twice`)
    routes.set(file.route, { def, file })
  }
  return routes
}

export function filesDoor(deps: FilesDoorDeps) {
  const routes = fileRoutes(deps.registry)
  return async function handleFile(c: Context): Promise<Response> {
    const path = `${c.req.param('module')}/${c.req.param('method')}`
    const raw = c.req.url
    const mark = raw.indexOf('?')
    let params: Record<string, string>
    try {
      params = await readParams(c, mark < 0 ? '' : raw.slice(mark + 1))
    } catch (err) {
      if (!(err instanceof BillError)) throw err
      return rejectFileRequest(c, err, deps.config.lang)
    }
    const lang = languageOf(params.lang, c.req.header('accept-language'))
    const route = routes.get(path)
    if (!route) return fileFailure(c, missed('func', path), lang ?? deps.config.lang, '')
    const call = fileCall(c, route, params, lang, deps.clientOf(c))
    const outcome = await deps.dispatcher.execute(call)
    if (outcome.effects.file) {
      return sendFile(c, outcome.effects.file, (err) => deps.log?.(`file ${path} failed while sent`, err))
    }
    if (!outcome.error) deps.log?.(`file ${path} was neither sent nor refused`, new Error(`${route.def.name} gave no file`))
    const err = outcome.error ?? new BillError('internal', 'server')
    return fileFailure(c, err, outcome.lang, route.def.name, route.file.aliases)
  }
}

function fileCall(c: Context, route: Route, given: Record<string, string>, lang: Lang | undefined, client: ClientInfo): Call {
  const params: Record<string, string> = { ...given }
  for (const name of channelParams) delete params[name]
  for (const [alias, name] of Object.entries(route.file.aliases ?? {})) {
    if (params[alias] === undefined) continue
    params[name] = params[alias]
    delete params[alias]
  }
  const credentials: Call['credentials'] = {}
  const login = given['auth[login]']
  if (login !== undefined && login !== '') credentials.password = { login, password: given['auth[password]'] ?? '' }
  else if (given.SID) credentials.session = given.SID
  return {
    func: route.def.name,
    params,
    out: route.file.format,
    lang,
    su: params.su || undefined,
    sok: false,
    credentials,
    address: client.address,
    userAgent: c.req.header('user-agent') ?? '',
    secure: client.secure,
    binary: c.req.path,
  }
}

/** `lang` if it is one billgate speaks, else the first of Accept-Language's (by weight) that is. */
export function languageOf(param: string | undefined, acceptLanguage: string | undefined): Lang | undefined {
  if (isLang(param)) return param
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag, ...options] = part.trim().split(';')
      const q = options.map((o) => /^\s*q=([\d.]+)\s*$/.exec(o)?.[1]).find((v) => v !== undefined)
      return { lang: tag.trim().toLowerCase().split('-')[0], weight: q === undefined ? 1 : Number(q), index }
    })
    .filter((r) => r.weight > 0 && supportedLanguages.includes(r.lang as Lang))
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
  return ranked[0]?.lang as Lang | undefined
}

/** The HTTP status of a failure: who you are, what you may, what exists, what you sent. */
export function fileStatus(err: BillError): 400 | 401 | 403 | 404 | 409 | 500 | 503 {
  switch (err.type) {
    case 'auth':
      return 401
    case 'access':
      return 403
    case 'missed':
      // A parameter not given is a bad request; a value that names nothing, not found.
      return err.value === '' ? 400 : 404
    case 'exists':
      return 409
    case 'internal':
      // Busy: the database was locked by another writer for too long; the same request may be sent again.
      return isBusy(err) ? 503 : 500
    default:
      return 400
  }
}

/**
 * A failure as the file channel answers it. `aliases` turn the function's parameter names back
 * into the ones the caller used (`elid` → `id_invoices`).
 */
export function fileFailure(c: Context, err: BillError, lang: Lang, func: string, aliases: Record<string, string> = {}): Response {
  const callerName = Object.entries(aliases).find(([, name]) => name === err.object)?.[0] ?? err.object
  const body = {
    code: false,
    errors: [{ code: err.type, field: callerName, value: err.value, message: errorMessage(err, translator(lang), func) }],
  }
  return c.body(JSON.stringify(body), fileStatus(err), {
    ...(isBusy(err) ? { 'Retry-After': String(busyRetrySeconds) } : {}),
    ...securityHeaders,
    'Cache-Control': 'no-store',
    'Content-Type': 'application/json; charset=UTF-8',
    'X-VCS-Status': String(errorCodes[err.type]),
  })
}

/** A request whose parameters could not be read (bad encoding, body too large). */
export function rejectFileRequest(c: Context, err: BillError, fallback: Lang): Response {
  const query = new URL(c.req.url).searchParams
  return fileFailure(c, err, languageOf(query.get('lang') ?? undefined, c.req.header('accept-language')) ?? fallback, '')
}
