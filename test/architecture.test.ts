import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src')

/** Modules that import nothing of ours: anyone may use them (format: amounts, dates, text). */
const utilities = ['bounded-map', 'paths', 'log', 'threads', 'format']
/** Leaves: output, i18n and other small parts that import only utilities. */
const leaves = ['output', 'i18n', 'net', 'client']
/**
 * The words every layer speaks: the one error class, principals and their levels, ownership.
 * They live in core (ARCHITECTURE.md) but import nothing above them, so the domain may raise
 * and check them.
 */
const vocabulary = ['core/errors', 'core/principal', 'core/access']
const domain = ['auth', 'billing', 'events']
const belowCore = [...domain, ...vocabulary, 'db', 'config', ...leaves, ...utilities]
const doors = ['doors', 'panel', 'cli', 'demo']
const top = ['app', 'main', 'assemble']

/** What each layer may import besides itself (ARCHITECTURE.md, "Dependencies point down"). */
const allowed: Record<string, string[]> = {
  ...Object.fromEntries(utilities.map((u) => [u, []])),
  ...Object.fromEntries(leaves.map((l) => [l, utilities])),
  config: ['i18n', 'net', ...utilities],
  db: utilities,
  ...Object.fromEntries(vocabulary.map((v) => [v, [...vocabulary, ...utilities]])),
  ...Object.fromEntries(domain.map((d) => [d, belowCore])),
  core: ['core', ...belowCore.filter((l) => !domain.includes(l))],
  // The registry's entries and the exports they share.
  functions: ['core', 'files', ...belowCore],
  files: ['core', ...belowCore],
  ...Object.fromEntries(doors.map((d) => [d, ['core', ...doors, ...belowCore]])),
  // The command line is a program of its own: it assembles the core as main.ts does.
  cli: ['core', 'assemble', ...doors, ...belowCore],
  ...Object.fromEntries(top.map((t) => [t, ['*']])),
}

/** The layer of a file under src: its folder, or its name at the top; core's vocabulary apart. */
function layerOf(file: string): string {
  const path = file.replace(/\.(tsx?|json)$/, '').replace(/\/index$/, '')
  if (vocabulary.includes(path)) return path
  return path.split('/')[0]
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  )
}

const importPattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)'(\.{1,2}\/[^']*)'/g

/** Every import from one layer into another that the rules do not allow: `file → target`. */
function violations(): string[] {
  const found: string[] = []
  for (const path of sources(src)) {
    const file = relative(src, path)
    const from = layerOf(file)
    for (const [, spec] of readFileSync(path, 'utf8').matchAll(importPattern)) {
      const target = normalize(join(dirname(file), spec))
      if (target.startsWith('..')) continue
      const to = layerOf(target)
      if (to === from) continue
      const may = allowed[from]
      if (!may) found.push(`${file}: layer ${from} is not placed in the architecture test`)
      else if (!may.includes('*') && !may.includes(to)) found.push(`${file} → ${target} (${from} may not import ${to})`)
    }
  }
  return found
}

describe('architecture', () => {
  it('places every source file in a layer', () => {
    const unplaced = sources(src)
      .map((p) => layerOf(relative(src, p)))
      .filter((layer) => !allowed[layer])
    expect([...new Set(unplaced)]).toEqual([])
  })

  it('imports only point down: doors → core → auth, billing, events → db; leaves import no layer', () => {
    expect(violations()).toEqual([])
  })

  it('queries the database only in ways both databases serve: no synchronous SQLite calls outside SQLite-only modules', () => {
    // Files that only ever run on SQLite: its adapter and connection, the write gate, and the delivery thread's own connection.
    const sqliteOnly = /^db\/(sqlite\/|connection|write-gate|generation)|^events\/delivery-thread/
    // Dialect modules: each holds the SQLite and the PostgreSQL version of what the two say differently.
    const dialectModules = ['billing/xdr-sql.ts', 'files/windows.ts', 'demo/inserter.ts', 'demo/reset.ts', 'cli/seed-demo.ts']
    // better-sqlite3's synchronous calls; the registry's own `all()` is not one.
    const sync = /(?<!registry|this)\.(get|all|run)\(\)|\$client\.(prepare|exec|transaction|pragma)\(/
    const comment = /^\s*(\/\/|\/?\*)/
    const found = sources(src)
      .map((path) => relative(src, path))
      .filter((file) => !sqliteOnly.test(file) && !dialectModules.includes(file))
      .flatMap((file) =>
        readFileSync(join(src, file), 'utf8')
          .split('\n')
          .flatMap((line, i) => (sync.test(line) && !comment.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
      )
    expect(found).toEqual([])
    for (const file of dialectModules) {
      const text = readFileSync(join(src, file), 'utf8')
      expect(/\.dialect\b/.test(text), `${file} chooses its version by the store's dialect`).toBe(true)
    }
  })
})
