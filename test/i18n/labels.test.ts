import { describe, expect, it } from 'vitest'
import { labelOf, valueLabel } from '../../src/core/labels'
import { translator } from '../../src/i18n/index'

describe('labels of a list filter form', () => {
  it("are its list's, for fields and for their values, in every language", () => {
    for (const [lang, refused] of [['en', 'Refused'], ['ru', 'Отказано']] as const) {
      const t = translator(lang)
      expect(valueLabel(t, 'provisioning.log.filter', 'status', 'refused')).toBe(refused)
      expect(valueLabel(t, 'provisioning.log.filter', 'status', 'refused')).toBe(valueLabel(t, 'provisioning.log', 'status', 'refused'))
      expect(labelOf(t, 'provisioning.log.filter', 'status')).toBe(labelOf(t, 'provisioning.log', 'status'))
    }
  })
})
