import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The parts of V8's .cpuprofile format (as written by node --cpu-prof) that are read here. */
export interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  /** Microseconds between one sample and the one before it. */
  timeDeltas: number[]
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  children?: number[]
}

export interface Row {
  name: string
  /** Microseconds. */
  micros: number
  /** Share of all non-idle time, 0..1. */
  share: number
}

export interface Summary {
  /** Microseconds sampled in all, idle included. */
  totalMicros: number
  busyMicros: number
  idleMicros: number
  samples: number
  /** Self time by function. */
  functions: Row[]
  /** Self time by module (file in the project, package, node internal module). */
  modules: Row[]
  /** Self time by area: native code is charged to the JavaScript module that called it. */
  areas: Row[]
  /** Areas grouped into what they do for a request (see concernOf). */
  concerns: Row[]
  /** Time with the function anywhere on the stack (each sample counted once per function). */
  inclusiveFunctions: Row[]
  /** Time with the module anywhere on the stack. */
  inclusiveModules: Row[]
}

const special = new Set(['(root)', '(program)', '(idle)', '(garbage collector)'])

/** Turns a script URL into a short module name: `src/auth/tokens.ts`, `hono/…`, `node:http`. */
export function moduleOf(url: string, root: string): string {
  if (!url) return ''
  if (url.startsWith('node:')) return url
  let path = url
  if (url.startsWith('file://')) path = fileURLToPath(url.replace(/\?.*$/, ''))
  const nm = path.lastIndexOf('/node_modules/')
  if (nm >= 0) {
    const rest = path.slice(nm + '/node_modules/'.length).split('/')
    const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
    const inner = rest.slice(rest[0].startsWith('@') ? 2 : 1).join('/')
    return `${pkg}: ${inner.replace(/^dist\/(cjs\/|esm\/)?/, '')}`
  }
  const rel = relative(root, path)
  return rel.startsWith('..') ? path : rel
}

/** The package (or project directory, or `node internals`) a module belongs to. */
export function packageOf(module: string): string {
  if (module.startsWith('node:')) return 'node internals'
  if (module.includes(': ')) return module.slice(0, module.indexOf(': '))
  return module
}

/**
 * What an area (a module, with native code charged to its caller) does for a request. The
 * groups name this project's layers: the gateway's own files stay apart by directory.
 */
export function concernOf(area: string): string {
  const rules: [RegExp, string][] = [
    [/^\(garbage collector\)$/, 'garbage collection'],
    [/^\(program\)$/, 'V8 (program: compiler, runtime)'],
    [/^i18next|^src\/i18n\/|^src\/core\/labels\.ts/, 'i18n: labels (i18next t())'],
    [/^better-sqlite3: /, 'SQLite: prepare statements (native)'],
    [/^drizzle-orm: better-sqlite3\/session\.js/, 'SQLite: run statements (native, via drizzle)'],
    [/^drizzle-orm: /, 'drizzle: query building, row mapping'],
    [/^src\/output\//, 'serialization (src/output)'],
    [/^(fast-xml-builder|fast-xml-parser|path-expression-matcher|xml-naming): /, 'XML builder'],
    [/^node:internal\/deps\/undici|^node:internal\/abort_controller/, 'undici Request objects'],
    [/^hono: middleware\/secure-headers/, 'hono secureHeaders'],
    [/^hono: middleware\/body-limit/, 'hono bodyLimit'],
    [/^hono: router/, 'hono routing'],
    [/^hono: /, 'hono core (compose, context, request)'],
    [/^@hono\/node-server: /, '@hono/node-server adapter'],
    [/^node:internal\/url/, 'URL parsing'],
    [/^node:internal\/crypto/, 'crypto (sha256, hmac)'],
    [/^node:(_http|net|internal\/stream|events|stream|buffer)/, 'node http, streams, sockets'],
    [/^node:internal\/process\/task_queues/, 'promise/microtask machinery'],
    [/^node:/, 'node (other)'],
  ]
  for (const [pattern, concern] of rules) if (pattern.test(area)) return concern
  const src = /^src\/([^/]+)\//.exec(area)
  if (src) return `gateway src/${src[1]}/ (own code)`
  return area.replace(/ \(native\)$/, '')
}

function functionLabel(node: ProfileNode, root: string): string {
  const f = node.callFrame
  const name = f.functionName || '(anonymous)'
  if (special.has(name) && !f.url) return name
  const module = moduleOf(f.url, root)
  if (!module) return `${name}  [native]`
  // tsx's transpiled sources report line 1 for everything: leave it out then.
  return f.lineNumber > 0 ? `${name}  ${module}:${f.lineNumber + 1}` : `${name}  ${module}`
}

function rows(map: Map<string, number>, busy: number): Row[] {
  return [...map.entries()]
    .map(([name, micros]) => ({ name, micros, share: busy > 0 ? micros / busy : 0 }))
    .sort((a, b) => b.micros - a.micros)
}

function add(map: Map<string, number>, key: string, micros: number): void {
  map.set(key, (map.get(key) ?? 0) + micros)
}

/** Which samples count, in microseconds before the profile's end (the process's exit). */
export interface Window {
  fromEndMicros: number
  toEndMicros: number
}

/**
 * Aggregates a profile; root is the directory module names are made relative to. With a window,
 * only the samples taken in it count (e.g. the load, without start-up and shutdown).
 */
export function summarize(profile: CpuProfile, root: string, window?: Window): Summary {
  const byId = new Map<number, ProfileNode>()
  const parent = new Map<number, number>()
  for (const n of profile.nodes) {
    byId.set(n.id, n)
    for (const c of n.children ?? []) parent.set(c, n.id)
  }
  const moduleOfNode = (n: ProfileNode) => moduleOf(n.callFrame.url, root)

  // Self time per node: a sample lasts until the next one is taken.
  const selfByNode = new Map<number, number>()
  const { samples, timeDeltas } = profile
  const from = window ? profile.endTime - window.fromEndMicros : -Infinity
  const to = window ? profile.endTime - window.toEndMicros : Infinity
  let at = profile.startTime
  let counted = 0
  for (let i = 0; i < samples.length; i++) {
    at += timeDeltas[i] ?? 0
    if (at < from || at > to) continue
    counted++
    const micros = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : 0
    selfByNode.set(samples[i], (selfByNode.get(samples[i]) ?? 0) + Math.max(0, micros))
  }

  const functions = new Map<string, number>()
  const modules = new Map<string, number>()
  const areas = new Map<string, number>()
  const concerns = new Map<string, number>()
  const inclusiveFunctions = new Map<string, number>()
  const inclusiveModules = new Map<string, number>()
  let total = 0
  let idle = 0
  for (const [id, micros] of selfByNode) {
    const node = byId.get(id)
    if (!node) continue
    total += micros
    const name = node.callFrame.functionName
    if (name === '(idle)') {
      idle += micros
      continue
    }
    add(functions, functionLabel(node, root), micros)
    const module = moduleOfNode(node)
    if (special.has(name) && !node.callFrame.url) {
      add(modules, name, micros)
      add(areas, name, micros)
      add(concerns, concernOf(name), micros)
    } else {
      add(modules, module || '[native]', micros)
      // Native code (V8 builtins, addons such as better-sqlite3) goes to its nearest JS caller.
      let area = module
      let up = parent.get(id)
      while (!area && up !== undefined) {
        const caller = byId.get(up)
        if (!caller) break
        area = moduleOfNode(caller)
        up = parent.get(up)
      }
      add(areas, area ? `${area}${module ? '' : ' (native)'}` : '[native]', micros)
      add(concerns, concernOf(area || '[native]'), micros)
    }
    // Inclusive: every distinct function and module on the stack, once per sample.
    const seenFunctions = new Set<string>()
    const seenModules = new Set<string>()
    for (let up: number | undefined = id; up !== undefined; up = parent.get(up)) {
      const frame = byId.get(up)
      if (!frame || frame.callFrame.functionName === '(root)') continue
      seenFunctions.add(functionLabel(frame, root))
      const m = moduleOfNode(frame)
      if (m) {
        seenModules.add(m)
        seenModules.add(`${packageOf(m)} (any file)`)
      }
    }
    for (const f of seenFunctions) add(inclusiveFunctions, f, micros)
    for (const m of seenModules) add(inclusiveModules, m, micros)
  }
  const busy = total - idle
  return {
    totalMicros: total,
    busyMicros: busy,
    idleMicros: idle,
    samples: counted,
    functions: rows(functions, busy),
    modules: rows(modules, busy),
    areas: rows(areas, busy),
    concerns: rows(concerns, busy),
    inclusiveFunctions: rows(inclusiveFunctions, busy),
    inclusiveModules: rows(inclusiveModules, busy),
  }
}

export function formatRows(title: string, list: Row[], limit: number): string {
  const lines = [`${title}`]
  for (const r of list.slice(0, limit)) {
    const pct = `${(r.share * 100).toFixed(1)}%`.padStart(6)
    const ms = `${(r.micros / 1000).toFixed(0)} ms`.padStart(9)
    lines.push(`  ${pct} ${ms}  ${r.name}`)
  }
  return lines.join('\n')
}

export function formatSummary(s: Summary, limit = 30): string {
  const sec = (micros: number) => `${(micros / 1e6).toFixed(2)} s`
  return [
    `profile: ${s.samples} samples, ${sec(s.totalMicros)} sampled, ${sec(s.busyMicros)} busy,` +
      ` ${sec(s.idleMicros)} idle; percentages are of busy time`,
    '',
    formatRows('self time by function', s.functions, limit),
    '',
    formatRows('self time by module', s.modules, limit),
    '',
    formatRows('self time by area (native code charged to its JavaScript caller)', s.areas, limit),
    '',
    formatRows('self time by concern (areas grouped)', s.concerns, limit),
    '',
    formatRows('inclusive time by module (on the stack)', s.inclusiveModules, limit),
    '',
    formatRows('inclusive time by function (on the stack)', s.inclusiveFunctions, limit * 2),
  ].join('\n')
}
