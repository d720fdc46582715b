import type { Db } from '../db/connection'
import { elementId } from '../db/query'
import { writeTransaction } from '../db/write-gate'
import type { Lang, Translate } from '../i18n/index'
import { isLang, translator } from '../i18n/index'
import type { DocNode, Document } from '../output/document'
import { node } from '../output/document'
import type { FileSpec, FunctionContext, FunctionDef, ListDef, ProposedEvent, ProposedEvents, Registry, ReplyEffects } from './registry'
import { fileOf, isFileFormat, paramsOf, writes } from './registry'
import { savedFilter } from '../db/list-filters'
import { csrfToken } from './csrf'
import { canSu } from './access'
import { recordAudit, type AuditEntry } from './audit'
import type { Call } from './call'
import { splitElid } from './call'
import {
  choiceLists,
  columnNames,
  errorDocument,
  listContent,
  messagesNode,
  metadataNode,
  replyDocument,
} from './documents'
import { BillError, authFailed, denied, invalid, missed } from './errors'
import { labelOf, titleOf } from './labels'
import { clip } from '../format/text'
import { isSecret, parseParams, parseValue, refuseFixedChanges, type ParamSpecs, type Values } from './params'
import { anonymous, localRoot, principalOf, type Principal } from './principal'
import type { Services } from './services'
import { ReplyCache, type KeptReply } from './reply-cache'

/** A reply served from the reply cache: already serialized. */
export interface CachedOutcome {
  cached: KeptReply
  effects: ReplyEffects
  lang: Lang
}

/** What a call produced: the document to serialize and what else the door must do. */
export interface Outcome {
  document: Document
  effects: ReplyEffects
  lang: Lang
  error?: BillError
  /** Whom the call acted as, when it got that far. */
  user?: Principal
  /** Where the serialized reply may be kept for the next identical call. */
  cacheSlot?: { key: string; generation: number }
}

/**
 * The before-stage of provisioning handlers, as the events layer provides it: undefined when no
 * handler is enabled, else what asks them about proposed events and returns the fields each
 * changed (or throws their refusal).
 */
export type BeforeStage = () => ((now: number, events: ProposedEvent[]) => Promise<Record<string, unknown>[]>) | undefined

export interface DispatcherDeps {
  db: Db
  registry: Registry
  services: Services
  before: BeforeStage
  /** Headers that every kept reply is sent with (the door's). */
  replyHeaders?: Readonly<Record<string, string>>
  /** Where unexpected failures are reported, with their stack. */
  log?: (message: string, err: unknown) => void
}

const maxElids = 1000
const maxPageSize = 1000
const defaultPageSize = 20

/**
 * The core every door calls: authenticate, apply su, find the function, check access and
 * parameters, run it (in a transaction when it writes), audit, and build the document.
 */
export class Dispatcher {
  readonly replies: ReplyCache

  constructor(private readonly deps: DispatcherDeps) {
    this.replies = new ReplyCache(deps.replyHeaders)
  }

  /** Runs a call. With `useCache`, a read-only list may be answered with a reply kept earlier. */
  execute(call: Call): Promise<Outcome>
  execute(call: Call, useCache: true): Promise<Outcome | CachedOutcome>
  async execute(call: Call, useCache = false): Promise<Outcome | CachedOutcome> {
    const { services, registry } = this.deps
    const now = services.clock()
    const generation = services.generation.current()
    let lang: Lang = isLang(call.lang) ? call.lang : services.config.lang
    const effects: ReplyEffects = {}
    let actor: Principal | undefined
    let user: Principal | undefined
    let def: FunctionDef | undefined
    try {
      const found = registry.get(call.func)
      const auth = await this.authenticate(call, found?.level === 0, now, generation)
      actor = auth.principal
      user = actor
      if (actor && !isLang(call.lang) && isLang(actor.lang)) lang = actor.lang
      if (!found) throw missed('func', call.func)
      def = found
      if (call.su) {
        if (!actor) throw authFailed('session')
        user = this.switchUser(actor, call.su)
      }
      if (def.level > (user?.level ?? 0)) throw user ? denied('func', call.func) : authFailed('session')
      const sok = call.sok
      if (call.credentials.sessionFromCookie && writes(def, sok) && auth.session) {
        if (call.params.csrf !== csrfToken(auth.session.token)) throw denied('csrf')
      }
      let cacheSlot: Outcome['cacheSlot']
      if (useCache && services.config.replyCache && def.kind === 'list' && def.cacheable && !call.su && call.out && user) {
        const key = replyKey(def, user, lang, call)
        const cached = this.replies.get(key, generation)
        if (cached) return { cached, effects, lang }
        cacheSlot = { key, generation }
      }
      const t = translator(lang)
      const ctx: FunctionContext = {
        db: this.deps.db,
        user: user ?? anonymous,
        actor: actor ?? anonymous,
        lang,
        t,
        now,
        address: call.address,
        call,
        services,
        registry,
        session: auth.session,
        reply: effects,
      }
      const content = await this.run(def, ctx)
      if (call.su && !writes(def, sok)) this.audit(call, def, actor, user, now, 'ok')
      if (ctx.lang !== lang) lang = ctx.lang
      return { document: this.decorate(def, call, lang, content, user?.level ?? 0), effects, lang, user, cacheSlot }
    } catch (caught) {
      const err = this.toBillError(caught, call)
      if (def && (writes(def, call.sok) || call.su)) this.audit(call, def, actor, user, now, err.type, err.object)
      const document = errorDocument(call, lang, err, def ? paramsOf(def) : {})
      return { document, effects, lang, error: err, user }
    }
  }

  private async authenticate(
    call: Call,
    isPublic: boolean,
    now: number,
    generation: number,
  ): Promise<{ principal?: Principal; session?: { handle: string; token: string } }> {
    const { auth } = this.deps.services
    const creds = call.credentials
    if (creds.local) return { principal: localRoot }
    if (creds.authinfo !== undefined) return { principal: await auth.authinfo(creds.authinfo, call.address, now) }
    if (creds.password) {
      return { principal: principalOf(await auth.verify(creds.password.login, creds.password.password, call.address, now)) }
    }
    if (creds.session) {
      try {
        const found = auth.session(creds.session, call.address, now, generation)
        return { principal: found.principal, session: { handle: found.handle, token: creds.session } }
      } catch (err) {
        // A stale cookie must not stop anyone from reaching the login function itself.
        if (isPublic) return {}
        throw err
      }
    }
    return {}
  }

  private switchUser(actor: Principal, login: string): Principal {
    const target = this.deps.services.auth.findUser(login)
    if (!target || !canSu(actor, target)) throw denied('su', login)
    return principalOf(target)
  }

  private async run(def: FunctionDef, ctx: FunctionContext): Promise<DocNode[]> {
    const call = ctx.call
    if (isFileFormat(call.out) && !fileOf(def, call.out)) throw invalid('out', call.out, 'nofile', { func: def.name })
    switch (def.kind) {
      case 'list':
        return this.runList(def, ctx)
      case 'form': {
        const elid = def.singleton ? '' : call.params.elid || undefined
        if (elid) checkElid(elid)
        if (!call.sok) {
          const values = elid === undefined ? defaultsOf(def.fields) : def.load(ctx, elid)
          if (!values) throw missed('elid', elid)
          const shown = Object.entries(values)
            .filter(([name]) => !def.fields[name]?.type.includes('password') && !def.fields[name]?.secret)
            .map(([name, value]) => node(name, value))
          return [node('elid', elid === undefined ? '' : (elementId(elid) ?? elid)), ...shown, ...choiceLists(def, ctx.t, def.choices?.(ctx))]
        }
        if (def.saveLevel !== undefined && ctx.user.level < def.saveLevel) throw denied('func', call.func)
        const current = elid === undefined ? undefined : def.load(ctx, elid)
        if (elid !== undefined && !current) throw missed('elid', elid)
        const checked = (params: Record<string, string>) => {
          const parsed = parseParams(def.fields, params, { requireAll: elid === undefined, withDefaults: elid === undefined })
          if (current) refuseFixedChanges(def.fields, parsed, current)
          return parsed
        }
        let values = checked(call.params)
        // What before-handlers changed is checked as if the caller had sent it.
        const changed = await this.beforeStage(def.before, ctx, def.fields, values, [elid])
        if (changed) values = checked({ ...call.params, ...changed })
        const prepared = def.prepare ? await def.prepare(ctx, values, elid) : undefined
        const id = this.transaction(ctx, def, () => def.save(ctx, values, elid, prepared))
        return elid === undefined ? [node('ok', true), node('id', id)] : [node('ok', true)]
      }
      case 'group': {
        const ids = splitElid(call.params.elid)
        if (!ids.length) throw missed('elid')
        if (ids.length > maxElids) throw invalid('elid', `${ids.length}`, 'toomany', { max: maxElids })
        ids.forEach(checkElid)
        await this.beforeStage(def.before, ctx, {}, {}, ids)
        this.transaction(ctx, def, () => {
          for (const id of ids) def.each(ctx, id)
        })
        return [node('ok', true)]
      }
      case 'file':
        return this.openFile(def.file, ctx, parseParams(def.params, call.params, { requireAll: true, withDefaults: true }))
      default: {
        const options = { requireAll: true, withDefaults: true }
        let values = parseParams(def.params, call.params, options)
        const file = fileOf(def, call.out)
        if (file) return this.openFile(file, ctx, values)
        const changed = def.writes ? await this.beforeStage(def.before, ctx, def.params, values, [undefined]) : undefined
        if (changed) values = parseParams(def.params, { ...call.params, ...changed }, options)
        const prepared = def.prepare ? await def.prepare(ctx, values) : undefined
        if (!def.writes) return def.run(ctx, values, prepared)
        const content = this.transaction(ctx, def, () => def.run(ctx, values, prepared))
        return content.length ? content : [node('ok', true)]
      }
    }
  }

  /**
   * Asks the before-handlers about the change a call proposes, with no transaction open; throws
   * their refusal. Returns the parameters they changed (as request text, only those the function
   * takes), to be parsed and checked again, or undefined. Costs one indexed query when no
   * before-handler is enabled.
   */
  private async beforeStage(
    proposed: ProposedEvents | undefined,
    ctx: FunctionContext,
    specs: ParamSpecs,
    values: Values,
    ids: (string | undefined)[],
  ): Promise<Record<string, string> | undefined> {
    if (!proposed) return undefined
    const ask = this.deps.before()
    if (!ask) return undefined
    // Handlers never see secrets (a new user's password).
    const shown: Values = {}
    for (const name in values) if (!isSecret(name, specs[name])) shown[name] = values[name]
    const events = ids.flatMap((id) => proposed(ctx, shown, id) ?? [])
    if (!events.length) return undefined
    const changes = Object.assign({}, ...(await ask(ctx.now, events))) as Record<string, unknown>
    const params: Record<string, string> = {}
    for (const [name, value] of Object.entries(changes)) {
      const spec = specs[name]
      if (!spec || spec.readonly || isSecret(name, spec)) continue
      params[name] = requestText(name, value, spec.type === 'flag')
    }
    return Object.keys(params).length ? params : undefined
  }

  /** Opens the file the call answers with; the door sends it instead of the document. */
  private async openFile(file: FileSpec, ctx: FunctionContext, values: Values): Promise<DocNode[]> {
    ctx.reply.file = await file.open(ctx, values)
    return []
  }

  private runList(def: ListDef, ctx: FunctionContext): DocNode[] | Promise<DocNode[]> {
    const file = fileOf(def, ctx.call.out)
    if (file) return this.openFile(file, ctx, listFilter(def, ctx))
    const p = ctx.call.params
    const cnt = p.p_cnt ? Math.min(maxPageSize, parseValue('p_cnt', { type: 'int', min: 1 }, p.p_cnt) as number) : defaultPageSize
    const requested = p.p_num ? (parseValue('p_num', { type: 'int', min: 1 }, p.p_num) as number) : 1
    const order = p.p_order ? (parseValue('p_order', { type: 'enum', values: ['asc', 'desc'] }, p.p_order) as 'asc' | 'desc') : (def.defaultOrder ?? 'asc')
    const sortable = def.columns.filter((c) => c.sort !== false).map((c) => c.name)
    const sort = p.p_sort && sortable.includes(p.p_sort) ? p.p_sort : def.defaultSort
    const filter = listFilter(def, ctx)
    let num = requested
    let result = def.fetch(ctx, { offset: (num - 1) * cnt, limit: cnt, sort, order, filter })
    const last = Math.max(1, Math.ceil(result.total / cnt))
    if (num > last) {
      num = last
      result = def.fetch(ctx, { offset: (num - 1) * cnt, limit: cnt, sort, order, filter })
    }
    return listContent(def, result.rows, { num, cnt, elems: result.total, sort, order })
  }

  /**
   * Runs a write and its audit entry in one transaction (synchronous: nothing awaits inside).
   * It takes the write lock at its start, so what it reads (a balance) cannot be changed by
   * another process before it writes.
   */
  private transaction<T>(ctx: FunctionContext, def: FunctionDef, work: () => T): T {
    const { db } = this.deps
    try {
      return writeTransaction(db, () => {
        const result = work()
        // Inside the transaction a failed audit entry must undo the change it describes.
        recordAudit(db, this.auditEntry(ctx.call, ctx.actor, ctx.user, ctx.now, 'ok'), paramsOf(def))
        return result
      })
    } finally {
      this.deps.services.generation.bump()
    }
  }

  /** Audits outside a transaction (failures, su reads): a failure to audit is logged, not fatal. */
  private audit(
    call: Call,
    def: FunctionDef,
    actor: Principal | undefined,
    user: Principal | undefined,
    now: number,
    result: string,
    detail = '',
  ): void {
    try {
      recordAudit(this.deps.db, this.auditEntry(call, actor, user, now, result, detail), paramsOf(def))
    } catch (err) {
      this.deps.log?.('audit entry could not be written', err)
    } finally {
      this.deps.services.generation.bump()
    }
  }

  private auditEntry(
    call: Call,
    actor: Principal | undefined,
    user: Principal | undefined,
    now: number,
    result: string,
    detail = '',
  ): AuditEntry {
    const login = actor?.name || (call.func === 'auth' ? call.params.username ?? '' : '')
    return { at: now, actor: login, actingAs: user?.name || login, address: call.address, func: call.func, params: call.params, result, detail }
  }

  /** Adds what the output format needs beyond the data: labels, metadata. */
  private decorate(def: FunctionDef, call: Call, lang: Lang, content: DocNode[], level: number): Document {
    const t: Translate = translator(lang)
    const extra: DocNode[] = []
    if (call.out === 'devel') {
      extra.push(metadataNode(def, (name: string) => (this.deps.registry.get(name)?.level ?? Infinity) <= level))
    }
    if (call.out === 'devel' || call.out === 'xjson') extra.push(messagesNode(def, t))
    const doc = replyDocument(call, lang, [...content, ...extra], paramsOf(def))
    const known = this.staticLabels(def, lang, t)
    doc.title = known.title
    doc.label = (name) => labelOf(t, def.name, name)
    if (def.kind === 'list') {
      doc.root.lists = ['elem']
      doc.columns = known.columns
      doc.labels = known.labels
      return doc
    }
    const labels = { ...known.labels }
    for (const n of content) if (!n.children) labels[n.name] ??= labelOf(t, def.name, n.name)
    doc.labels = labels
    return doc
  }

  private readonly labelCache = new Map<string, { title: string; columns?: string[]; labels: Record<string, string> }>()

  /** Title, columns and labels of a function in a language: they never change, so they are kept. */
  private staticLabels(def: FunctionDef, lang: Lang, t: Translate) {
    const key = `${lang}\u0000${def.name}`
    let entry = this.labelCache.get(key)
    if (!entry) {
      const columns = def.kind === 'list' ? columnNames(def) : undefined
      const labels: Record<string, string> = {}
      for (const name of columns ?? Object.keys(paramsOf(def))) labels[name] = labelOf(t, def.name, name)
      entry = { title: titleOf(t, def.name), columns, labels }
      this.labelCache.set(key, entry)
    }
    return entry
  }

  private toBillError(err: unknown, call: Call): BillError {
    if (err instanceof BillError) return err
    const code = (err as { code?: string } | null)?.code
    if (code === 'SQLITE_CONSTRAINT_UNIQUE') {
      const column = /\.(\w+)$/.exec((err as Error).message)?.[1] ?? 'value'
      return new BillError('exists', column, call.params[column] ?? '')
    }
    if (code?.startsWith('SQLITE_BUSY')) return new BillError('internal', 'busy')
    this.deps.log?.(`call ${call.func} failed`, err)
    return new BillError('internal', 'server')
  }
}

/**
 * The filter a list applies: the one sent with `filter=on`, else the caller's saved one; a list
 * opened from a client (BILLmanager's `plid`) shows that client's rows.
 */
function listFilter(def: ListDef, ctx: FunctionContext): Values {
  const p = ctx.call.params
  const filter = !def.filters
    ? {}
    : p.filter === 'on'
      ? parseParams(def.filters, p, { requireAll: false, withDefaults: false })
      : usableFilter(def.filters, savedFilter(ctx.db, ctx.user.id, def.name))
  if (p.plid && def.filters?.account && filter.account === undefined) filter.account = parseValue('plid', def.filters.account, p.plid)
  return filter
}

/**
 * A saved filter checked against the list's filters as they are now; one that no longer fits
 * (a filter renamed or narrowed since) is dropped rather than failing the list.
 */
function usableFilter(specs: ParamSpecs, saved: Record<string, string> | undefined): Values {
  if (!saved) return {}
  try {
    return parseParams(specs, saved, { requireAll: false, withDefaults: false })
  } catch {
    return {}
  }
}

function defaultsOf(fields: Record<string, { default?: string; type: string }>): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {}
  for (const [name, spec] of Object.entries(fields)) {
    if (spec.type === 'flag') out[name] = spec.default === 'on'
    else out[name] = spec.default ?? ''
  }
  return out
}

/** Everything a cacheable list's reply depends on: function, caller, language, parameters in order. */
function replyKey(def: FunctionDef, user: Principal, lang: Lang, call: Call): string {
  let key = `${def.name}\u0000${user.id}\u0000${user.level}\u0000${lang}\u0000${call.binary}`
  const specs = paramsOf(def)
  for (const name in call.params) {
    if (!isSecret(name, specs[name])) key += `\u0000${name}\u0001${call.params[name]}`
  }
  return key
}

/** A value a handler gave, as a call would send it. */
function requestText(name: string, value: unknown, flag: boolean): string {
  if (typeof value === 'boolean') return flag ? (value ? 'on' : 'off') : String(value)
  if (typeof value === 'string' || typeof value === 'number') return String(value)
  if (value === null) return ''
  throw invalid(name, clip(JSON.stringify(value) ?? ''), 'scalar')
}

function checkElid(id: string): void {
  parseValue('elid', { type: 'string', max: 128 }, id)
}
