import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import i18next, { type i18n } from 'i18next'
import { projectPath } from '../paths'

export const supportedLanguages = ['en', 'ru'] as const
export type Lang = (typeof supportedLanguages)[number]

/** Looks up the first key that exists; `defaultValue` in vars when none does. */
export type Translate = (key: string | string[], vars?: Record<string, unknown>) => string

export function isLang(value: unknown): value is Lang {
  return supportedLanguages.includes(value as Lang)
}

const localesDir = projectPath('locales')

let shared: i18n | undefined

/**
 * The JSON files of one language: `<namespace>.json`, and `<namespace>/<object>.json` for the
 * strings of one object kept beside the others; both land in the namespace. Paths are relative.
 */
export function localeFiles(langDir: string): { ns: string; file: string }[] {
  const found: { ns: string; file: string }[] = []
  for (const entry of readdirSync(langDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isFile() && entry.name.endsWith('.json')) found.push({ ns: entry.name.slice(0, -'.json'.length), file: entry.name })
    if (entry.isDirectory()) {
      for (const part of readdirSync(join(langDir, entry.name)).filter((f) => f.endsWith('.json')).sort()) {
        found.push({ ns: entry.name, file: `${entry.name}/${part}` })
      }
    }
  }
  return found
}

/** Merges `from` into `into`, refusing a key defined twice. */
function mergeStrings(into: Record<string, unknown>, from: Record<string, unknown>, where: string): void {
  for (const [key, value] of Object.entries(from)) {
    const existing = into[key]
    if (existing !== null && typeof existing === 'object' && value !== null && typeof value === 'object') {
      mergeStrings(existing as Record<string, unknown>, value as Record<string, unknown>, `${where} ${key}`)
    } else if (existing !== undefined) {
      throw new Error(`locale key defined twice: ${where} ${key}`)
    } else {
      into[key] = value
    }
  }
}

/** Loads every locale file once; later calls reuse the same instance. */
export function loadTranslations(): i18n {
  if (shared) return shared
  const resources: Record<string, Record<string, Record<string, unknown>>> = {}
  const namespaces = new Set<string>()
  for (const lang of supportedLanguages) {
    resources[lang] = {}
    const dir = join(localesDir, lang)
    for (const { ns, file } of localeFiles(dir)) {
      namespaces.add(ns)
      mergeStrings((resources[lang][ns] ??= {}), JSON.parse(readFileSync(join(dir, file), 'utf8')), `${lang}/${file}`)
    }
  }
  const instance = i18next.createInstance()
  void instance.init({
    resources,
    ns: [...namespaces],
    defaultNS: 'common',
    fallbackLng: 'en',
    supportedLngs: [...supportedLanguages],
    initAsync: false,
    interpolation: { escapeValue: false },
  })
  shared = instance
  return instance
}

const fixed = new Map<Lang, Translate>()

/** A translator bound to one language, for one call; never switches the shared instance. */
export function translator(lang: Lang): Translate {
  let t = fixed.get(lang)
  if (!t) {
    const bound = loadTranslations().getFixedT(lang)
    t = (key, vars) => String(bound(key as string, (vars ?? {}) as never))
    fixed.set(lang, t)
  }
  return t
}

/** Whether a key exists for the language (or its fallback). */
export function hasTranslation(key: string): boolean {
  return loadTranslations().exists(key)
}
