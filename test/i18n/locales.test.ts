import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { localeFiles, supportedLanguages, translator } from '../../src/i18n/index'

const localesDir = fileURLToPath(new URL('../../locales/', import.meta.url))
const reference = 'en'
const others = supportedLanguages.filter((lang) => lang !== reference)

function namespaceFiles(lang: string): string[] {
  return localeFiles(join(localesDir, lang)).map((f) => f.file)
}

function readLocale(lang: string, file: string): unknown {
  return JSON.parse(readFileSync(join(localesDir, lang, file), 'utf8'))
}

/** Every leaf as `a.b.c` → value; objects are walked, anything else is a leaf. */
function flatten(
  tree: unknown,
  prefix = '',
  out = new Map<string, unknown>(),
): Map<string, unknown> {
  if (tree !== null && typeof tree === 'object' && !Array.isArray(tree)) {
    for (const [key, value] of Object.entries(tree)) {
      flatten(value, prefix ? `${prefix}.${key}` : key, out)
    }
  } else {
    out.set(prefix, tree)
  }
  return out
}

/** The `{{name}}` interpolations of a string, whitespace inside the braces ignored. */
function variables(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{\s*(.*?)\s*\}\}/g)].map((m) => m[1]))].sort()
}

const files = namespaceFiles(reference)
const cyrillic = /[\u0400-\u04FF]/

describe('locale files', () => {
  it('the reference language has namespace files', () => {
    expect(supportedLanguages).toContain(reference)
    expect(files.length).toBeGreaterThan(0)
  })

  it.each(others)('%s has the same namespace files as en, and no others', (lang) => {
    expect(existsSync(join(localesDir, lang))).toBe(true)
    expect(namespaceFiles(lang)).toEqual(files)
  })

  for (const file of files) {
    describe(file, () => {
      const english = flatten(readLocale(reference, file))

      it.each(supportedLanguages)('%s: every value is a non-empty string', (lang) => {
        const path = join(localesDir, lang, file)
        expect(existsSync(path), `${lang}/${file} exists`).toBe(true)
        for (const [key, value] of flatten(readLocale(lang, file))) {
          expect(typeof value, `${lang}/${file} ${key}`).toBe('string')
          expect((value as string).trim(), `${lang}/${file} ${key}`).not.toBe('')
        }
      })

      it.each(others)('%s: the same keys and {{variables}} as en', (lang) => {
        const path = join(localesDir, lang, file)
        expect(existsSync(path), `${lang}/${file} exists`).toBe(true)
        const translated = flatten(readLocale(lang, file))
        expect([...translated.keys()].sort(), `${lang}/${file} keys`).toEqual(
          [...english.keys()].sort(),
        )
        for (const [key, value] of english) {
          const other = translated.get(key)
          if (typeof value !== 'string' || typeof other !== 'string') continue
          expect(variables(other), `${lang}/${file} ${key}`).toEqual(variables(value))
        }
      })
    })
  }
})

describe('translator', () => {
  const english = flatten(readLocale('en', 'errors.json'))

  it('gives Russian for ru', () => {
    const t = translator('ru')
    const text = t('errors:auth.badpassword')
    expect(text).toMatch(cyrillic)
    expect(text).toBe(flatten(readLocale('ru', 'errors.json')).get('auth.badpassword'))
    expect(t('functions:user.title')).toMatch(cyrillic)
    const withAddress = t('errors:auth.address', { address: '192.0.2.7' })
    expect(withAddress).toMatch(cyrillic)
    expect(withAddress).toContain('192.0.2.7')
    expect(withAddress).not.toContain('{{')
  })

  it('gives English for en', () => {
    const t = translator('en')
    const text = t('errors:auth.badpassword')
    expect(text).toBe(english.get('auth.badpassword'))
    expect(text).toMatch(/[A-Za-z]/)
    expect(text).not.toMatch(cyrillic)
    expect(t('errors:auth.address', { address: '192.0.2.7' })).toContain('192.0.2.7')
  })
})
