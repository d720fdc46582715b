import { BoundedMap } from '../bounded-map'
import type { Lang, Translate } from '../i18n/index'
import { translator } from '../i18n/index'
import type { DocNode, Document } from '../output/document'
import type { Call } from './call'
import { columnNames, messagesNode, metadataNode, replyDocument } from './documents'
import { labelOf, titleOf } from './labels'
import { paramsOf, type FunctionDef, type Registry } from './registry'

interface StaticLabels {
  title: string
  columns?: string[]
  labels: Record<string, string>
}

/** Turns a function's content into its reply document, with what formats need beyond the data. */
export class Decorator {
  private readonly labelCache = new Map<string, StaticLabels>()
  /** Bounded: a few functions answer values named by what is stored (custom fields). */
  private readonly nodeLabels = new BoundedMap<string, string>({ maxEntries: 10_000 })

  constructor(private readonly registry: Registry) {}

  /** Adds what the output format needs beyond the data: labels, metadata. */
  decorate(def: FunctionDef, call: Call, lang: Lang, content: DocNode[], level: number): Document {
    const t: Translate = translator(lang)
    const extra: DocNode[] = []
    if (call.out === 'devel') {
      extra.push(metadataNode(def, (name: string) => (this.registry.get(name)?.level ?? Infinity) <= level))
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
    for (const n of content) if (!n.children) labels[n.name] ??= this.labelOfNode(def, lang, t, n.name)
    doc.labels = labels
    return doc
  }

  /** The label of a value a function answers beyond its parameters (`id`, `ok`…), kept like the others. */
  private labelOfNode(def: FunctionDef, lang: Lang, t: Translate, name: string): string {
    const key = `${lang}\u0000${def.name}\u0000${name}`
    let label = this.nodeLabels.get(key)
    if (label === undefined) this.nodeLabels.set(key, (label = labelOf(t, def.name, name)))
    return label
  }

  /** Title, columns and labels of a function in a language: they never change, so they are kept. */
  private staticLabels(def: FunctionDef, lang: Lang, t: Translate): StaticLabels {
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
}
