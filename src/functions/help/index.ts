import { missed } from '../../core/errors'
import { titleOf } from '../../core/labels'
import { isSecret } from '../../core/params'
import { Level } from '../../core/principal'
import { pageInMemory } from '../paging'
import { defineFunction, paramsOf } from '../../core/registry'

/** The functions the caller may use, with their kind and title. */
export const help = defineFunction({
  name: 'help',
  kind: 'list',
  level: Level.user,
  key: 'name',
  columns: [
    { name: 'name', type: 'string' },
    { name: 'kind', type: 'string' },
    { name: 'level', type: 'int' },
    { name: 'title', type: 'string' },
    { name: 'params', type: 'string', sort: false },
  ],
  defaultSort: 'name',
  cacheable: true,
  toolbar: ['help.params'],
  async fetch(ctx, q) {
    const rows = ctx.registry.available(ctx.user.level).map((f) => ({
      name: f.name,
      kind: f.kind,
      level: f.level,
      title: titleOf(ctx.t, f.name),
      params: Object.keys(paramsOf(f)).join(', '),
    }))
    return pageInMemory(rows, q)
  },
})

/** The parameters of one function (`elid=<function>`): type, whether required, default, allowed values. */
export const helpParams = defineFunction({
  name: 'help.params',
  kind: 'list',
  level: Level.user,
  hidden: true,
  cacheable: true,
  key: 'name',
  columns: [
    { name: 'name', type: 'string' },
    { name: 'type', type: 'string' },
    { name: 'required', type: 'flag' },
    { name: 'default', type: 'string' },
    { name: 'values', type: 'string' },
    { name: 'secret', type: 'flag' },
  ],
  async fetch(ctx, q) {
    const elid = ctx.call.params.elid
    const def = elid ? ctx.registry.get(elid) : undefined
    if (!def || def.level > ctx.user.level) throw missed('elid', elid ?? '')
    const rows = Object.entries(paramsOf(def)).map(([name, spec]) => ({
      name,
      type: spec.type,
      required: spec.required === true,
      default: spec.default ?? '',
      values: spec.values?.join(', ') ?? '',
      secret: isSecret(name, spec),
    }))
    return pageInMemory(rows, q)
  },
})
