import { elementId } from '../db/query'
import { node, type DocNode } from '../output/document'
import type { AuditedWrites } from './audited-writes'
import { askBefore, type BeforeStage } from './before-stage'
import { splitElid } from './call'
import { choiceLists } from './documents'
import { denied, invalid, missed } from './errors'
import { parseParams, parseValue, refuseFixedChanges, type Values } from './params'
import { fileOf, isFileFormat, type ActionDef, type FileDef, type FileSpec, type FormDef, type FunctionContext, type FunctionDef, type GroupDef } from './registry'
import { listFilter, runList } from './run-list'

const maxElids = 1000

/** What running a function needs besides its context: the before-stage and audited writes. */
export interface RunSteps {
  before: BeforeStage
  writes: AuditedWrites
}

/** Runs a function of any kind; what it writes, it writes in one transaction with its audit entry. */
export async function runFunction(def: FunctionDef, ctx: FunctionContext, steps: RunSteps): Promise<DocNode[]> {
  const call = ctx.call
  if (isFileFormat(call.out) && !fileOf(def, call.out)) throw invalid('out', call.out, 'nofile', { func: def.name })
  switch (def.kind) {
    case 'list': {
      const file = fileOf(def, call.out)
      return file ? openFile(file, ctx, await listFilter(def, ctx)) : runList(def, ctx)
    }
    case 'form':
      return runForm(def, ctx, steps)
    case 'group':
      return runGroup(def, ctx, steps)
    case 'file':
      return runFile(def, ctx)
    default:
      return runAction(def, ctx, steps)
  }
}

/** Without `sok`, shows an element (or a new one's defaults); with it, creates or saves one. */
async function runForm(def: FormDef, ctx: FunctionContext, { before, writes }: RunSteps): Promise<DocNode[]> {
  const call = ctx.call
  const elid = def.singleton ? '' : call.params.elid || undefined
  if (elid) checkElid(elid)
  if (!call.sok) {
    const values = elid === undefined ? defaultsOf(def.fields) : await def.load(ctx, elid)
    if (!values) throw missed('elid', elid)
    const shown = Object.entries(values)
      .filter(([name]) => !def.fields[name]?.type.includes('password') && !def.fields[name]?.secret)
      .map(([name, value]) => node(name, value))
    return [node('elid', elid === undefined ? '' : (elementId(elid) ?? elid)), ...shown, ...choiceLists(def, ctx.t, await def.choices?.(ctx))]
  }
  if (def.saveLevel !== undefined && ctx.user.level < def.saveLevel) throw denied('func', call.func)
  const current = elid === undefined ? undefined : await def.load(ctx, elid)
  if (elid !== undefined && !current) throw missed('elid', elid)
  const checked = (params: Record<string, string>) => {
    const parsed = parseParams(def.fields, params, { requireAll: elid === undefined, withDefaults: elid === undefined })
    if (current) refuseFixedChanges(def.fields, parsed, current)
    return parsed
  }
  let values = checked(call.params)
  // What before-handlers changed is checked as if the caller had sent it.
  const changed = await askBefore(before, def.before, ctx, def.fields, values, [elid])
  if (changed) values = checked({ ...call.params, ...changed })
  const prepared = def.prepare ? await def.prepare(ctx, values, elid) : undefined
  const id = await writes.transaction(ctx, def, (tx) => def.save(tx, values, elid, prepared))
  return elid === undefined ? [node('ok', true), node('id', id)] : [node('ok', true)]
}

/** Acts on every element of `elid`, all in one transaction. */
async function runGroup(def: GroupDef, ctx: FunctionContext, { before, writes }: RunSteps): Promise<DocNode[]> {
  const ids = splitElid(ctx.call.params.elid)
  if (!ids.length) throw missed('elid')
  if (ids.length > maxElids) throw invalid('elid', `${ids.length}`, 'toomany', { max: maxElids })
  ids.forEach(checkElid)
  await askBefore(before, def.before, ctx, {}, {}, ids)
  await writes.transaction(ctx, def, async (tx) => {
    for (const id of ids) await def.each(tx, id)
  })
  return [node('ok', true)]
}

function runFile(def: FileDef, ctx: FunctionContext): Promise<DocNode[]> {
  return openFile(def.file, ctx, parseParams(def.params, ctx.call.params, { requireAll: true, withDefaults: true }))
}

/** An action or a report: its document, or its file when `out` asks for it. */
async function runAction(def: ActionDef, ctx: FunctionContext, { before, writes }: RunSteps): Promise<DocNode[]> {
  const call = ctx.call
  const options = { requireAll: true, withDefaults: true }
  let values = parseParams(def.params, call.params, options)
  const file = fileOf(def, call.out)
  if (file) return openFile(file, ctx, values)
  const changed = def.writes ? await askBefore(before, def.before, ctx, def.params, values, [undefined]) : undefined
  if (changed) values = parseParams(def.params, { ...call.params, ...changed }, options)
  const prepared = def.prepare ? await def.prepare(ctx, values) : undefined
  if (!def.writes) return def.run(ctx, values, prepared)
  const content = await writes.transaction(ctx, def, (tx) => def.run(tx, values, prepared))
  return content.length ? content : [node('ok', true)]
}

/** Opens the file the call answers with; the door sends it instead of the document. */
async function openFile(file: FileSpec, ctx: FunctionContext, values: Values): Promise<DocNode[]> {
  ctx.reply.file = await file.open(ctx, values)
  return []
}

function defaultsOf(fields: Record<string, { default?: string; type: string }>): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {}
  for (const [name, spec] of Object.entries(fields)) {
    if (spec.type === 'flag') out[name] = spec.default === 'on'
    else out[name] = spec.default ?? ''
  }
  return out
}

function checkElid(id: string): void {
  parseValue('elid', { type: 'string', max: 128 }, id)
}
