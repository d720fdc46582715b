/**
 * The `id` of each request object exactly as its text sends it. JSON.parse reads
 * 9007199254740993 as …992 and 1e400 as Infinity, yet a reply must carry the id it was sent.
 * `text` has been parsed as JSON already, so it is well formed. For a single request object the
 * result has one entry; for a batch, one per element. An entry is the text of the object's last
 * top-level `id` member (the one JSON.parse keeps), or undefined.
 */
export function rawIds(text: string): (string | undefined)[] {
  const scan = new Scanner(text)
  scan.space()
  if (text[scan.at] !== '[') return [scan.objectId()]
  const ids: (string | undefined)[] = []
  scan.at++
  for (;;) {
    scan.space()
    if (text[scan.at] === ']') return ids
    ids.push(scan.objectId())
    scan.space()
    if (text[scan.at] === ',') scan.at++
  }
}

const blank = new Set([' ', '\t', '\n', '\r'])
const ends = new Set([',', '}', ']', ' ', '\t', '\n', '\r'])

/** Walks well-formed JSON without building values; nesting is counted, not recursed into. */
class Scanner {
  at = 0

  constructor(private readonly text: string) {}

  space(): void {
    while (blank.has(this.text[this.at])) this.at++
  }

  /** At any value: the raw text of its `id` member if it is an object; moves past it. */
  objectId(): string | undefined {
    if (this.text[this.at] !== '{') {
      this.value()
      return undefined
    }
    let id: string | undefined
    this.at++
    for (;;) {
      this.space()
      if (this.text[this.at] === '}') break
      const keyStart = this.at
      this.string()
      const key = this.text.slice(keyStart, this.at)
      this.space()
      this.at++ // ':'
      this.space()
      const valueStart = this.at
      this.value()
      if (key === '"id"' || (key.includes('\\') && JSON.parse(key) === 'id')) id = this.text.slice(valueStart, this.at)
      this.space()
      if (this.text[this.at] === ',') this.at++
    }
    this.at++
    return id
  }

  private value(): void {
    const c = this.text[this.at]
    if (c === '"') this.string()
    else if (c === '{' || c === '[') this.nested()
    else while (this.at < this.text.length && !ends.has(this.text[this.at])) this.at++
  }

  private string(): void {
    this.at++
    for (;;) {
      const c = this.text[this.at++]
      if (c === '\\') this.at++
      else if (c === '"' || c === undefined) return
    }
  }

  private nested(): void {
    let depth = 0
    do {
      const c = this.text[this.at]
      if (c === '"') {
        this.string()
        continue
      }
      if (c === '{' || c === '[') depth++
      else if (c === '}' || c === ']') depth--
      this.at++
    } while (depth > 0 && this.at < this.text.length)
  }
}
