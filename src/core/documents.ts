import type { Lang, Translate } from '../i18n/index'
import { hasTranslation, translator } from '../i18n/index'
import type { DocNode, Document, Scalar } from '../output/document'
import { branch, node } from '../output/document'
import type { FunctionDef, ListDef } from './registry'
import { paramsOf } from './registry'
import type { Call } from './call'
import type { BillError } from './errors'
import { errorCodes } from './errors'
import { labelOf, titleOf, valueLabel } from './labels'
import type { ParamSpec, ParamSpecs } from './params'
import { isSecret } from './params'

/** The root every reply shares: `<doc lang func binary>`, the content, then the echoed request. */
export function replyDocument(call: Call, lang: Lang, content: DocNode[], specs: ParamSpecs = {}): Document {
  const echoed: DocNode[] = []
  for (const name in call.params) {
    if (!isSecret(name, specs[name])) echoed.push(node(name, call.params[name]))
  }
  const tparams: DocNode = { name: 'tparams', children: echoed, markup: true }
  return {
    root: { name: 'doc', attrs: { lang, func: call.func, binary: call.binary }, children: [...content, tparams] },
  }
}

export function errorMessage(err: BillError, t: Translate, func: string): string {
  const vars = {
    ...err.vars,
    value: err.value,
    object: err.object,
    field: labelOf(t, func, err.object),
  }
  return t(messageKeyOf(err), vars)
}

/**
 * The message of an error: its own key, else one for its type and object, else its type's.
 * `missed` means two things: a parameter not given (no value), or a value that names nothing.
 */
function messageKeyOf(err: BillError): string {
  if (err.messageKey) return err.messageKey
  const specific = `errors:${err.type}.${err.object}`
  if (err.type === 'missed') {
    if (err.value !== '') return hasTranslation(specific) ? specific : 'errors:missed.notfound'
    if (!namedAbsences.has(err.object)) return 'errors:missed._'
  }
  return hasTranslation(specific) ? specific : `errors:${err.type}._`
}

/** Objects whose absence has a message of its own (there is no session to end). */
const namedAbsences = new Set(['session'])

export function errorNode(err: BillError, lang: Lang, t: Translate, func: string): DocNode {
  const msg = errorMessage(err, t, func)
  return {
    name: 'error',
    attrs: { type: err.type, object: err.object, lang, code: String(errorCodes[err.type]) },
    children: [
      node('param', err.object, { name: 'object', type: 'msg' }),
      node('param', err.value || undefined, { name: 'value' }),
      node('msg', msg),
    ],
    data: { type: err.type, object: err.object, value: err.value, msg },
  }
}

export function listContent(
  def: ListDef,
  rows: Record<string, Scalar>[],
  paging: { num: number; cnt: number; elems: number; sort?: string; order: string },
): DocNode[] {
  const key = def.key ?? 'id'
  const names = columnNames(def)
  const content: DocNode[] = rows.map((row) => ({
    name: 'elem',
    children: names.filter((n) => n !== key || row[key] !== undefined).map((n) => node(n, row[n] ?? null)),
  }))
  content.push(node('p_num', paging.num), node('p_cnt', paging.cnt), node('p_elems', paging.elems))
  if (paging.sort) content.push(node('p_sort', paging.sort))
  content.push(node('p_order', paging.order))
  return content
}

/** A list's columns, key first. */
export function columnNames(def: ListDef): string[] {
  const key = def.key ?? 'id'
  const names = def.columns.map((c) => c.name)
  return names.includes(key) ? [key, ...names.filter((n) => n !== key)] : names
}

/** `<slist name="field"><val key="k">Label</val>…</slist>` for each field with a closed set of values. */
export function choiceLists(
  def: FunctionDef,
  t: Translate,
  extra: Record<string, [string, string][]> = {},
): DocNode[] {
  const lists: DocNode[] = []
  for (const [name, spec] of Object.entries(paramsOf(def))) {
    const choices = extra[name] ?? choicesOf(def.name, name, spec, t)
    if (!choices) continue
    lists.push({
      name: 'slist',
      attrs: { name },
      children: choices.map(([key, label]) => node('val', label, { key })),
      markup: true,
    })
  }
  return lists
}

export function choicesOf(func: string, name: string, spec: ParamSpec, t: Translate): [string, string][] | undefined {
  if (spec.type === 'enum') return (spec.values ?? []).map((v) => [v, valueLabel(t, func, name, v)])
  if (spec.type === 'lang') return [['en', 'English'], ['ru', 'Русский']]
  return undefined
}

/** Localised labels of everything a function shows: `<messages><msg name=…>`. */
export function messagesNode(def: FunctionDef, t: Translate): DocNode {
  const names = new Set<string>()
  if (def.kind === 'list') for (const c of columnNames(def)) names.add(c)
  for (const name of Object.keys(paramsOf(def))) names.add(name)
  const msgs = [node('msg', titleOf(t, def.name), { name: 'title' })]
  for (const name of names) msgs.push(node('msg', labelOf(t, def.name, name), { name }))
  return { name: 'messages', attrs: { name: def.name }, children: msgs, keyedBy: 'name', markup: true }
}

/** What a client needs to build the function's screen: columns and toolbar, or form fields. */
export function metadataNode(def: FunctionDef, available: (name: string) => boolean): DocNode {
  const children: DocNode[] = []
  const fileFormat = def.kind === 'list' || def.kind === 'report' || def.kind === 'file' ? def.file?.format : undefined
  if (def.kind === 'list') {
    const buttons = (def.toolbar ?? []).filter(available).map((f) => node('toolbtn', true, { name: f, func: f }))
    children.push(branch('toolbar', buttons))
    const cols = def.columns.map((c) =>
      node('col', true, { name: c.name, type: c.type, ...(c.sort === false ? {} : { sort: c.type === 'int' || c.type === 'money' ? 'digit' : 'alpha' }) }),
    )
    children.push(branch('coldata', cols))
  } else {
    const specs = paramsOf(def)
    const fields = Object.entries(specs).map(([name, spec]) => {
      const attrs: Record<string, string> = { name, type: spec.type, control: controlOf(spec) }
      if (spec.required) attrs.required = 'yes'
      if (spec.readonly) attrs.readonly = 'yes'
      if (spec.fixed) attrs.fixed = 'yes'
      if (spec.default !== undefined) attrs.default = spec.default
      if (spec.values) attrs.values = spec.values.join(',')
      if (spec.max !== undefined) attrs.max = String(spec.max)
      return node('field', true, attrs)
    })
    children.push(branch('form', fields))
  }
  return {
    name: 'metadata',
    attrs: {
      name: def.name,
      type: def.kind,
      level: String(def.level),
      ...(def.kind === 'list' ? { key: def.key ?? 'id' } : {}),
      // The file it gives with `out=<format>` (a download gives it always).
      ...(fileFormat ? { file: fileFormat } : {}),
    },
    children,
    markup: true,
  }
}

export function controlOf(spec: ParamSpec): string {
  switch (spec.type) {
    case 'flag':
      return 'checkbox'
    case 'enum':
    case 'lang':
      return 'select'
    case 'password':
      return 'password'
    case 'text':
    case 'addresses':
      return 'textarea'
    default:
      return spec.secret ? 'password' : 'text'
  }
}

/** The reply to a call that failed: the error in the call's language, then the echoed request. */
export function errorDocument(call: Call, lang: Lang, err: BillError, specs: ParamSpecs = {}): Document {
  return replyDocument(call, lang, [errorNode(err, lang, translator(lang), call.func)], specs)
}
