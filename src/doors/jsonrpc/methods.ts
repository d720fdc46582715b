import { columnNames, choicesOf } from '../../core/documents'
import { labelOf } from '../../core/labels'
import { isSecret, type ParamSpec } from '../../core/params'
import { paramsOf, type FunctionDef } from '../../core/registry'
import { translator, type Translate } from '../../i18n/index'
import type { RpcListData } from './data'
import { defaultLimit, jerasoftMethods, type MethodAlias, type ShapeContext } from './aliases'

/** One parameter of a method, as `system.methods` describes it. */
export interface ParamInfo {
  name: string
  type: string
  required: boolean
  label: string
  default?: string
  min?: number
  max?: number
  values?: { value: string; label: string }[]
  /** Shown by the method, never set by a call. */
  readonly?: boolean
  /** Never echoed or logged. */
  secret?: boolean
}

export interface MethodInfo {
  name: string
  /** The billgate function it runs (itself, for a function's own name). */
  function: string
  kind: string
  /** The access level it needs: 16 client user, 24 reseller staff, 28 admin. */
  level: number
  title: string
  params: ParamInfo[]
  /** A list's row fields. */
  columns?: { name: string; type: string; label: string }[]
}

/** Parameters every method takes: credentials, acting as another user, language, retries. */
function commonParams(t: Translate): ParamInfo[] {
  const param = (name: string, type: string, extra: Partial<ParamInfo> = {}): ParamInfo => ({
    name,
    type,
    required: false,
    label: t(`jsonrpc:params.${name}`),
    ...extra,
  })
  return [
    param('SID', 'string', { secret: true }),
    param('auth', 'object', { secret: true }),
    param('su', 'login'),
    param('lang', 'lang', { values: [{ value: 'en', label: 'English' }, { value: 'ru', label: 'Русский' }] }),
    param('idempotency_key', 'string', { max: 255 }),
  ]
}

/** The parameters and columns of a function under its own name. */
function describeFunction(def: FunctionDef, title: string, t: Translate): MethodInfo {
  const info: MethodInfo = { name: def.name, function: def.name, kind: def.kind, level: def.level, title, params: [] }
  const own = (name: string, spec: ParamSpec, required = spec.required === true) => paramInfo(def.name, name, spec, required, t)
  const door = (name: string, spec: ParamSpec, required = false) => ({ ...paramInfo(def.name, name, spec, required, t), label: t(`jsonrpc:params.${name}`) })
  const specs = paramsOf(def)
  switch (def.kind) {
    case 'list': {
      const sortable = def.columns.filter((c) => c.sort !== false).map((c) => c.name)
      info.params.push(
        door('p_num', { type: 'int', min: 1 }),
        door('p_cnt', { type: 'int', min: 1, max: 1000 }),
        { ...door('p_sort', { type: 'enum' }), values: sortable.map((value) => ({ value, label: labelOf(t, def.name, value) })) },
        door('p_order', { type: 'enum', values: ['asc', 'desc'] }),
      )
      if (def.filters) info.params.push(door('filter', { type: 'enum', values: ['on'] }))
      for (const [name, spec] of Object.entries(specs)) info.params.push(own(name, spec, false))
      const types = new Map(def.columns.map((c) => [c.name, c.type]))
      info.columns = columnNames(def).map((name) => ({ name, type: types.get(name) ?? 'string', label: labelOf(t, def.name, name) }))
      break
    }
    case 'form':
      if (!def.singleton) info.params.push(door('elid', { type: 'string', max: 128 }))
      info.params.push(door('sok', { type: 'flag' }))
      for (const [name, spec] of Object.entries(specs)) info.params.push(own(name, spec))
      break
    case 'group':
      info.params.push(door('elid', { type: 'string' }, true))
      break
    default:
      for (const [name, spec] of Object.entries(specs)) info.params.push(own(name, spec))
  }
  return info
}

function paramInfo(func: string, name: string, spec: ParamSpec, required: boolean, t: Translate): ParamInfo {
  const info: ParamInfo = { name, type: spec.type, required, label: labelOf(t, func, name) }
  if (spec.default !== undefined) info.default = spec.default
  if (spec.min !== undefined) info.min = spec.min
  if (spec.max !== undefined) info.max = spec.max
  const choices = choicesOf(func, name, spec, t)
  if (choices) info.values = choices.map(([value, label]) => ({ value, label }))
  if (spec.readonly) info.readonly = true
  if (isSecret(name, spec)) info.secret = true
  return info
}

/** A function's description under an alias: parameters renamed, lists paged by limit/offset. */
function describeAlias(name: string, alias: MethodAlias, own: MethodInfo, t: Translate): MethodInfo {
  const theirs = new Map<string, string>()
  for (const [js, ours] of Object.entries(alias.params ?? {})) theirs.set(ours, js)
  const list = alias.reply !== undefined && 'rows' in alias.reply
  // What the alias sets by itself is not the caller's to give.
  const hidden = new Set(list ? ['p_num', 'p_cnt', 'filter'] : [])
  if (alias.view) hidden.add('sok')
  if (alias.view === 'new' || (own.kind === 'form' && !theirs.has('elid'))) hidden.add('elid')
  const params: ParamInfo[] = []
  if (list) {
    params.push(
      { name: 'limit', type: 'int', required: false, label: t('jsonrpc:params.limit'), min: 1, max: 1000, default: String(defaultLimit) },
      { name: 'offset', type: 'int', required: false, label: t('jsonrpc:params.offset'), min: 0, default: '0' },
    )
  }
  // A parent named by the alias (the client whose fields or services these are).
  for (const [ours, js] of theirs) {
    if (!own.params.some((p) => p.name === ours) && !hidden.has(ours)) {
      params.push({ name: js, type: 'int', required: true, label: labelOf(t, own.function, ours === 'plid' ? 'account' : ours) })
    }
  }
  for (const p of own.params) {
    if (hidden.has(p.name)) continue
    if (alias.records?.list === p.name) {
      params.push({ name: p.name, type: 'records', required: true, label: t(`jsonrpc:params.${p.name}`) })
      continue
    }
    const renamed = { ...p, name: theirs.get(p.name) ?? (p.name === 'sok' ? 'apply' : p.name) }
    const preset = alias.defaults?.[p.name]
    params.push(preset === undefined ? renamed : { ...renamed, required: false, default: preset })
  }
  return { ...own, name, params }
}

/**
 * Every method the caller may use, from the `help` list of its functions: each function under its
 * own name and under the JeraSoft names that run it, with parameters, types and access levels.
 */
export function describeMethods(data: RpcListData, ctx: ShapeContext): { params: ParamInfo[]; methods: MethodInfo[] } {
  const t = translator(ctx.lang)
  const available = new Map<string, MethodInfo>()
  for (const row of data.rows) {
    const def = ctx.registry.get(String(row.name))
    if (def) available.set(def.name, describeFunction(def, String(row.title), t))
  }
  const methods = [...available.values()]
  for (const [name, alias] of Object.entries(jerasoftMethods)) {
    const own = available.get(alias.func)
    if (own) methods.push(describeAlias(name, alias, own, t))
  }
  methods.sort((a, b) => a.name.localeCompare(b.name))
  return { params: commonParams(t), methods }
}

/** JSON Schema of a parameter type, as JSON-RPC callers send it. */
function schemaOf(p: ParamInfo): Record<string, unknown> {
  const schema: Record<string, unknown> = {}
  switch (p.type) {
    case 'int':
      schema.type = 'integer'
      if (p.min !== undefined) schema.minimum = p.min
      if (p.max !== undefined) schema.maximum = p.max
      break
    case 'flag':
      schema.type = 'boolean'
      break
    case 'object':
      schema.type = 'object'
      schema.properties = { login: { type: 'string' }, password: { type: 'string' } }
      break
    case 'records':
      schema.type = 'array'
      schema.items = { type: 'object' }
      break
    case 'money':
      schema.type = 'string'
      schema.pattern = '^\\d{1,16}(\\.\\d{1,8})?$'
      break
    case 'date':
      schema.type = 'string'
      schema.format = 'date'
      break
    case 'email':
      schema.type = 'string'
      schema.format = 'email'
      break
    default:
      schema.type = 'string'
      if (p.max !== undefined) schema.maxLength = p.max
      if (p.min !== undefined) schema.minLength = p.min
  }
  if (p.values) schema.enum = p.values.map((v) => v.value)
  if (p.default !== undefined) schema.default = p.default
  if (p.readonly) schema.readOnly = true
  return schema
}

function descriptor(p: ParamInfo) {
  return { name: p.name, summary: p.label, required: p.required, schema: schemaOf(p) }
}

/** The same description as an OpenRPC document (`rpc.discover`). */
export function openRpcDocument(data: RpcListData, ctx: ShapeContext) {
  const { params, methods } = describeMethods(data, ctx)
  const t = translator(ctx.lang)
  return {
    openrpc: '1.2.6',
    info: { title: t('jsonrpc:title'), version: '1.0.0' },
    servers: [{ name: 'billgate', url: '/jsonrpc/' }],
    methods: methods.map((m) => ({
      name: m.name,
      summary: m.title,
      paramStructure: 'by-name',
      params: [...m.params.map(descriptor), ...params.map((p) => ({ $ref: `#/components/contentDescriptors/${p.name}` }))],
      result: {
        name: 'result',
        schema: { $ref: m.kind === 'list' ? '#/components/schemas/listResult' : '#/components/schemas/result' },
      },
      'x-function': m.function,
      'x-kind': m.kind,
      'x-access-level': m.level,
      ...(m.columns ? { 'x-columns': m.columns } : {}),
    })),
    components: {
      contentDescriptors: Object.fromEntries(params.map((p) => [p.name, descriptor(p)])),
      schemas: {
        result: {
          type: 'object',
          properties: {
            code: { type: 'boolean' },
            session_id: { type: ['string', 'null'] },
            messages: { type: 'array', items: { type: 'string' } },
            return: {},
            errors: { type: 'array', items: { $ref: '#/components/schemas/error' } },
          },
        },
        listResult: {
          allOf: [
            { $ref: '#/components/schemas/result' },
            { properties: { return: { type: 'object', properties: { rows: { type: 'array' }, total: { type: 'integer' } } } } },
          ],
        },
        error: {
          type: 'object',
          properties: { code: { type: 'string' }, field: { type: 'string' }, value: { type: 'string' }, message: { type: 'string' } },
        },
      },
    },
  }
}

/** Methods about the API itself, answered from the `help` list of the caller's functions. */
export const discoveryMethods: Readonly<Record<string, MethodAlias>> = {
  'system.methods': { func: 'help', defaults: { p_cnt: '1000' }, reply: { build: describeMethods } },
  'rpc.discover': { func: 'help', defaults: { p_cnt: '1000' }, reply: { build: openRpcDocument } },
}
