import { describe, expect, it } from 'vitest'
import { formatAmount } from '../../src/format/money'
import { formatDateTime } from '../../src/format/time'
import { csvField, csvText, CsvWriter, encodeCell } from '../../src/output/csv'

const written = (write: (out: CsvWriter) => void, chunkSize?: number) => {
  const out = new CsvWriter(chunkSize)
  write(out)
  return Buffer.concat(out.takeAll()).toString('utf8')
}

describe('CSV fields', () => {
  it('quotes a field holding a comma, a quote, a CR or an LF, doubling its quotes', () => {
    expect(csvField('plain text')).toBe('plain text')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField('cr\r')).toBe('"cr\r"')
    expect(csvField('')).toBe('')
  })

  it('keeps text from being read as a formula: a leading \' before = + - @ tab CR', () => {
    expect(csvText('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)")
    expect(csvText('+7 495 000-00-00')).toBe("'+7 495 000-00-00")
    expect(csvText('-1')).toBe("'-1")
    expect(csvText('@user')).toBe("'@user")
    expect(csvText('\tindented')).toBe("'\tindented")
    expect(csvText('\rX')).toBe('"\'\rX"')
    expect(csvText('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`)
    expect(csvText('a=b')).toBe('a=b')
    expect(csvText(null)).toBe('')
  })
})

describe('CsvWriter', () => {
  it('writes numbers, amounts and times as String, formatAmount and the lists write them', () => {
    const ints = [0, 7, 10, 99, 100, 123456789, 2 ** 31 - 1, 2 ** 31, 2 ** 53 - 1, -1, -(2 ** 31), 1.5]
    expect(written((out) => ints.forEach((n) => out.int(n)))).toBe(ints.map(String).join(','))
    const amounts: [number, number][] = []
    for (const places of [0, 1, 2, 3, 4]) {
      for (const minor of [0, 1, 5, 9, 10, 99, 100, 101, 1250, -1, -5, -500, -12345, 999_999_999, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 53 - 1]) amounts.push([minor, places])
    }
    expect(written((out) => amounts.forEach(([minor, places]) => out.amount(minor, places)))).toBe(amounts.map(([m, p]) => formatAmount(m, p)).join(','))
    const times = [0, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1, 23, 59, 59, 999), Date.UTC(2026, 1, 28, 12, 0, 1), Date.UTC(2024, 1, 29, 0, 0, 0), Date.UTC(1969, 11, 31, 23, 59, 59), 4102444800000]
    expect(written((out) => times.forEach((ms) => out.time(ms)))).toBe(times.map(formatDateTime).join(','))
  })

  it('writes the same as String and formatDateTime for many values in a row (the day kept between them)', () => {
    let seed = 12345
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
    const times: number[] = []
    let ms = Date.UTC(2026, 0, 1)
    for (let i = 0; i < 5000; i++) times.push((ms += next() % 600_000))
    expect(written((out) => times.forEach((t) => out.time(t).end()))).toBe(times.map((t) => `${formatDateTime(t)}\r\n`).join(''))
  })

  it('separates fields, ends lines with CRLF, writes nothing for null, and grows past its chunk size', () => {
    const text = written((out) => {
      out.header(['id', 'name, full', 'when'])
      for (let i = 0; i < 1000; i++) out.int(i).text(`Имя ${i}, "x"`).time(null).cell(encodeCell('USD')).int(null).amount(-i, 2).end()
    }, 64)
    const lines = text.split('\r\n')
    expect(lines[0]).toBe('id,"name, full",when')
    expect(lines[1]).toBe('0,"Имя 0, ""x""",,USD,,0.00')
    expect(lines[1000]).toBe('999,"Имя 999, ""x""",,USD,,-9.99')
    expect(lines[1001]).toBe('')
  })

  it('hands over full chunks, then the rest, and fills chunks handed back again', () => {
    const out = new CsvWriter(64)
    out.int(1).int(2).end()
    expect(out.length).toBe(5)
    expect(out.takeFull()).toEqual([])
    out.text('a text longer than what is left of the chunk and in a chunk of its own').end()
    const full = out.takeFull()
    expect(full.map((chunk) => chunk.toString())).toEqual(['1,2\r\n'])
    const rest = out.takeAll()
    expect(rest.map((chunk) => chunk.toString())).toEqual(['a text longer than what is left of the chunk and in a chunk of its own\r\n'])
    expect(out.length).toBe(0)
    const first = full[0]
    out.recycle(first)
    out.recycle(first)
    out.recycle(rest[0])
    // Twenty lines of six bytes fill the current chunk, then the one handed back (once), then a new one.
    for (let i = 0; i < 20; i++) out.int(1000 + i).end()
    const again = out.takeAll()
    expect(again.length).toBeGreaterThan(2)
    expect(again.map((chunk) => chunk.buffer === first.buffer).slice(0, 3)).toEqual([false, true, false])
    expect(Buffer.concat(again).toString()).toBe(Array.from({ length: 20 }, (_, i) => `${1000 + i}\r\n`).join(''))
  })

})
