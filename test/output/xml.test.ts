import { XMLParser } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { node } from '../../src/output/document'
import { toXml } from '../../src/output/xml'

describe('xml serializer', () => {
  it('escapes markup in text and attributes, every time, and replaces characters XML cannot hold', () => {
    const nasty = 'a<b>&"c"\u0001'
    for (let i = 0; i < 3; i++) {
      const xml = toXml({ root: { name: 'doc', attrs: { x: nasty }, children: [node('v', nasty), node('w', 'plain'), node('z', '<>')] } })
      expect(xml).toBe(
        '<?xml version="1.0" encoding="UTF-8"?>\n<doc x="a&lt;b&gt;&amp;&quot;c&quot;\uFFFD"><v>a&lt;b&gt;&amp;&quot;c&quot;\uFFFD</v><w>plain</w><z>&lt;&gt;</z></doc>\n',
      )
      const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml)
      expect(parsed.doc.v).toBe('a<b>&"c"\uFFFD')
    }
  })

  it('writes true as an empty element, leaves false and null out, and numbers as text', () => {
    const xml = toXml({ root: { name: 'doc', children: [node('on', true), node('off', false), node('none', null), node('n', 0), node('e', '')] } })
    expect(xml).toContain('<doc><on/><n>0</n><e/></doc>')
  })

  it('leaves out elements and attributes whose names XML cannot carry', () => {
    const names = ['elid[]', 'x/><error>', '1st', '', 'a b', 'ns:name', '-x', 'ok_name', 'имя', 'a.b-c']
    const xml = toXml({ root: { name: 'doc', attrs: { 'bad attr': 'v', good: 'w' }, children: names.map((n) => node(n, 'v')) } })
    expect(xml).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<doc good="w"><ok_name>v</ok_name><имя>v</имя><a.b-c>v</a.b-c></doc>\n')
  })
})
