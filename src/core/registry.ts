import type { Db } from '../db/connection'
import type { Store } from '../db/store'
import type { Lang, Translate } from '../i18n/index'
import type { DocNode, Scalar } from '../output/document'
import { requestParams, type Call } from './call'
import type { ParamSpecs, Values } from './params'
import type { Principal } from './principal'
import type { Services } from './services'

export type FunctionKind = 'list' | 'form' | 'group' | 'report' | 'action' | 'file'

/** The files functions answer with: `out=csv`, `out=pdf`. */
export const fileFormats = ['csv', 'pdf'] as const
export type FileFormat = (typeof fileFormats)[number]

export function isFileFormat(out: string | undefined): out is FileFormat {
  return fileFormats.includes(out as FileFormat)
}

/** A file a call answers with instead of a document. */
export interface FileReply {
  format: FileFormat
  /** The name offered for saving it (`attachment; filename=…`). */
  filename: string
  /** The content, produced only as it is read (a large export never sits in memory whole). */
  content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>
  /** Takes back a chunk of the content once it has been sent, to fill it again. */
  recycle?(chunk: Uint8Array): void
}

/** How a function gives its data as a file. */
export interface FileSpec {
  format: FileFormat
  /** Where the file channel serves it: `/admin/<route>` (JeraSoft's `<module>/<method>`). */
  route?: string
  /** The file channel's names of the function's parameters (`id_invoices` → `elid`). */
  aliases?: Record<string, string>
  /**
   * Checks the call (access, existence, parameters) and returns the file. Whatever it throws is
   * an ordinary error reply; once it has returned, the file is being sent.
   */
  open(ctx: FunctionContext, values: Values): Promise<FileReply>
}

/** What a function sees while it runs. */
export interface FunctionContext {
  /** The handle to query through: the call's transaction while it writes, else the store's own. */
  db: Db
  /** Where writes outside the call's own transaction go (`store.write`) and statements are kept. */
  store: Store
  /** Whom the call acts as (the su target, or the authenticated user). */
  user: Principal
  /** Who authenticated. */
  actor: Principal
  lang: Lang
  t: Translate
  /** The call's time, in milliseconds since the epoch, from the injected clock. */
  now: number
  address: string
  call: Call
  services: Services
  registry: Registry
  /** The session the call came with, if any. */
  session?: { handle: string; token: string }
  /** Effects on the HTTP reply beyond the document: the door applies them. */
  reply: ReplyEffects
}

export interface ReplyEffects {
  /** Start a browser session with this token (sets the cookie). */
  startSession?: string
  /** End the browser session (clears the cookie). */
  endSession?: boolean
  /** For browsers: where to go next. */
  redirect?: string
  /** Send this file instead of the document. */
  file?: FileReply
}

/**
 * A change a call proposes to the before-stage of provisioning handlers: the events layer's
 * DomainEvent, which the core passes on without knowing the catalogue of events.
 */
export interface ProposedEvent {
  event: string
  objectId: number | null
  data: Record<string, unknown> | (() => Record<string, unknown>)
}

/**
 * The event a call of a function proposes, for the before-stage of provisioning handlers: a form
 * gets its parsed values and the element's id (undefined when creating), a group each element's
 * id, an action its parsed values. Undefined when the call proposes nothing (the element does
 * not exist). Asked only when an enabled before-handler exists.
 */
export type ProposedEvents = (
  ctx: FunctionContext,
  values: Values,
  id: string | undefined,
) => Promise<ProposedEvent | ProposedEvent[] | undefined>

interface BaseDef {
  name: string
  kind: FunctionKind
  /** Minimum access level; 0 lets anonymous callers in. */
  level: number
  /** Not offered in menus and listings (still callable). */
  hidden?: boolean
}

export interface ColumnDef {
  name: string
  type: 'string' | 'int' | 'flag' | 'date' | 'datetime' | 'money'
  sort?: boolean
}

export interface ListQuery {
  offset: number
  limit: number
  sort?: string
  order: 'asc' | 'desc'
  filter: Values
}

export interface ListDef extends BaseDef {
  kind: 'list'
  columns: ColumnDef[]
  /** The column that identifies a row; first in every row. */
  key?: string
  defaultSort?: string
  /** The order rows come in when the call asks for none (`p_order`): a log shows the newest first. */
  defaultOrder?: 'asc' | 'desc'
  /** Columns a list can be filtered on with `filter=on`. */
  filters?: ParamSpecs
  /** Functions offered on the list's toolbar: the `.edit` form and group operations. */
  toolbar?: string[]
  /**
   * Its replies depend only on stored data, the caller, the language and the parameters (not on
   * the clock or the session), so a finished reply may be reused until data changes.
   */
  cacheable?: boolean
  /** With `out=<its format>`: every row the list's filter selects, as a file (not one page). */
  file?: FileSpec
  fetch(ctx: FunctionContext, query: ListQuery): Promise<{ rows: Record<string, Scalar>[]; total: number }>
}

export interface FormDef<P = unknown> extends BaseDef {
  kind: 'form'
  fields: ParamSpecs
  /**
   * About one thing of the caller's own (its saved list filter) rather than an element: no
   * `elid`; load and save get ''.
   */
  singleton?: boolean
  /** The level needed to create or change elements, when it is above `level` (who may look). */
  saveLevel?: number
  /** Elements are created, never changed: an existing one is only shown (save refuses a change). */
  createOnly?: boolean
  /** Choices of select fields that depend on data: name → [key, label]. */
  choices?(ctx: FunctionContext): Promise<Record<string, [string, string][]>>
  /** Current values of an existing element, or undefined when it does not exist or is not visible. */
  load(ctx: FunctionContext, id: string): Promise<Record<string, Scalar> | undefined>
  /** Slow or asynchronous work (hashing) before the transaction; its result goes to save. */
  prepare?(ctx: FunctionContext, values: Values, id: string | undefined): Promise<P>
  /** The event a save proposes to before-handlers (create or update). */
  before?: ProposedEvents
  /** Creates (id undefined) or updates an element inside a transaction; returns its id. */
  save(ctx: FunctionContext, values: Values, id: string | undefined, prepared: P): Promise<string | number>
}

export interface GroupDef extends BaseDef {
  kind: 'group'
  /** The event acting on one element proposes to before-handlers. */
  before?: ProposedEvents
  /** Acts on one element inside the call's transaction; a vanished element is skipped. */
  each(ctx: FunctionContext, id: string): Promise<void>
}

export interface ActionDef<P = unknown> extends BaseDef {
  kind: 'action' | 'report'
  params: ParamSpecs
  /** Whether the action changes data (runs in a transaction and is audited). */
  writes: boolean
  /** A form whose select choices (tariffs, currencies) the action's parameters of the same name offer. */
  choicesFrom?: string
  /** With `out=<its format>`, a report answers with this file instead of its document. */
  file?: FileSpec
  /** The event a writing action proposes to before-handlers. */
  before?: ProposedEvents
  prepare?(ctx: FunctionContext, values: Values): Promise<P>
  run(ctx: FunctionContext, values: Values, prepared: P): Promise<DocNode[]>
}

/** A download: whatever `out` asks for, it answers with its file (failures as documents). */
export interface FileDef extends BaseDef {
  kind: 'file'
  params: ParamSpecs
  file: FileSpec
}

export type FunctionDef = ListDef | FormDef<any> | GroupDef | ActionDef<any> | FileDef

/** The file a call of `def` with this `out` answers with, if it answers with one. */
export function fileOf(def: FunctionDef, out: string | undefined): FileSpec | undefined {
  if (def.kind === 'file') return def.file
  if ((def.kind === 'list' || def.kind === 'report') && def.file?.format === out) return def.file
  return undefined
}

export function defineFunction<const D extends FunctionDef>(def: D): D {
  return def
}

export class Registry {
  private readonly byName = new Map<string, FunctionDef>()

  constructor(defs: FunctionDef[]) {
    for (const def of defs) {
      if (this.byName.has(def.name)) throw new Error(`function ${def.name} declared twice`)
      const clash = Object.keys(paramsOf(def)).find((name) => requestParams.has(name))
      if (clash) throw new Error(`function ${def.name}: parameter ${clash} is a request-level parameter`)
      this.byName.set(def.name, def)
    }
  }

  get(name: string): FunctionDef | undefined {
    return this.byName.get(name)
  }

  all(): FunctionDef[] {
    return [...this.byName.values()]
  }

  /** Functions a principal of this level may call, in name order. */
  available(level: number): FunctionDef[] {
    return this.all()
      .filter((f) => f.level <= level)
      .sort((a, b) => a.name.localeCompare(b.name))
  }
}

/** The parameters a function takes from a call, besides the request-level ones. */
export function paramsOf(def: FunctionDef): ParamSpecs {
  switch (def.kind) {
    case 'list':
      return def.filters ?? {}
    case 'form':
      return def.fields
    case 'group':
      return {}
    default:
      return def.params
  }
}

/** Whether running the function (with or without sok) changes data. */
export function writes(def: FunctionDef, sok: boolean): boolean {
  switch (def.kind) {
    case 'form':
      return sok
    case 'group':
      return true
    case 'list':
    case 'file':
      return false
    default:
      return def.writes
  }
}
