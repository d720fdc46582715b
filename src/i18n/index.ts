import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import i18next, { type i18n } from 'i18next'

export const supportedLanguages = ['en', 'ru'] as const
export type Lang = (typeof supportedLanguages)[number]

/** Looks up the first key that exists; `defaultValue` in vars when none does. */
export type Translate = (key: string | string[], vars?: Record<string, unknown>) => string

export function isLang(value: unknown): value is Lang {
  return supportedLanguages.includes(value as Lang)
}

const localesDir = new URL('../../locales/', import.meta.url)

let shared: i18n | undefined

/** Loads every locales/<lang>/<namespace>.json once; later calls reuse the same instance. */
export function loadTranslations(): i18n {
  if (shared) return shared
  const resources: Record<string, Record<string, Record<string, string>>> = {}
  const namespaces = new Set<string>()
  for (const lang of supportedLanguages) {
    resources[lang] = {}
    const dir = join(localesDir.pathname, lang)
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const ns = file.slice(0, -'.json'.length)
      namespaces.add(ns)
      resources[lang][ns] = JSON.parse(readFileSync(join(dir, file), 'utf8'))
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
