import { storeFailureOf, type Store } from '../db/store'
import type { Lang } from '../i18n/index'
import { isLang, translator } from '../i18n/index'
import type { Document } from '../output/document'
import { authenticate, checkAccess, switchUser } from './admission'
import { AuditedWrites } from './audited-writes'
import type { BeforeStage } from './before-stage'
import type { Call } from './call'
import { Decorator } from './decorate'
import { errorDocument } from './documents'
import { BillError, authFailed, missed } from './errors'
import { anonymous, type Principal } from './principal'
import { paramsOf, writes, type FunctionContext, type FunctionDef, type Registry, type ReplyEffects } from './registry'
import { ReplyCache, type KeptReply } from './reply-cache'
import { replySlot, type ReplySlot } from './reply-slot'
import { runFunction, type RunSteps } from './run'
import type { Services } from './services'

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
  cacheSlot?: ReplySlot
}

export interface DispatcherDeps {
  store: Store
  registry: Registry
  services: Services
  before: BeforeStage
  /** Headers that every kept reply is sent with (the door's). */
  replyHeaders?: Readonly<Record<string, string>>
  /** Where unexpected failures are reported, with their stack. */
  log?: (message: string, err: unknown) => void
}

/**
 * The core every door calls: authenticate, apply su, find the function, check access and
 * parameters, run it (in a transaction when it writes), audit, and build the document.
 */
export class Dispatcher {
  readonly replies: ReplyCache
  private readonly writes: AuditedWrites
  private readonly steps: RunSteps
  private readonly decorator: Decorator

  constructor(private readonly deps: DispatcherDeps) {
    this.replies = new ReplyCache(deps.replyHeaders)
    this.writes = new AuditedWrites(deps.store, deps.services.generation, deps.log)
    this.steps = { before: deps.before, writes: this.writes }
    this.decorator = new Decorator(deps.registry)
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
      const auth = await authenticate(services.auth, call, found?.level === 0, now)
      actor = auth.principal
      user = actor
      if (actor && !isLang(call.lang) && isLang(actor.lang)) lang = actor.lang
      if (!found) throw missed('func', call.func)
      def = found
      if (call.su) {
        if (!actor) throw authFailed('session')
        user = await switchUser(services.auth, actor, call.su)
      }
      checkAccess(def, call, user, auth.session)
      const cacheSlot = useCache && services.config.replyCache ? replySlot(def, call, user, lang, generation) : undefined
      const cached = cacheSlot && this.replies.get(cacheSlot.key, cacheSlot.generation)
      if (cached) return { cached, effects, lang }
      const ctx: FunctionContext = {
        db: this.deps.store.db,
        store: this.deps.store,
        user: user ?? anonymous,
        actor: actor ?? anonymous,
        lang,
        t: translator(lang),
        now,
        address: call.address,
        call,
        services,
        registry,
        session: auth.session,
        reply: effects,
      }
      const content = await runFunction(def, ctx, this.steps)
      if (call.su && !writes(def, call.sok)) await this.writes.audit(call, def, { actor, user }, now, 'ok')
      if (ctx.lang !== lang) lang = ctx.lang
      return { document: this.decorator.decorate(def, call, lang, content, user?.level ?? 0), effects, lang, user, cacheSlot }
    } catch (caught) {
      const err = this.toBillError(caught, call)
      if (def && (writes(def, call.sok) || call.su)) await this.writes.audit(call, def, { actor, user }, now, err.type, err.object)
      const document = errorDocument(call, lang, err, def ? paramsOf(def) : {})
      return { document, effects, lang, error: err, user }
    }
  }

  /** Own errors as they are; a taken unique value and a busy database as typed errors; the rest logged. */
  private toBillError(err: unknown, call: Call): BillError {
    if (err instanceof BillError) return err
    const failure = storeFailureOf(err)
    if (failure?.kind === 'exists') {
      const column = failure.column ?? 'value'
      return new BillError('exists', column, call.params[column] ?? '')
    }
    // A transaction still failing to serialize after its retries is a database too busy for now.
    if (failure) return new BillError('internal', 'busy')
    this.deps.log?.(`call ${call.func} failed`, err)
    return new BillError('internal', 'server')
  }
}
