import { formatAmount } from '../format/money'
import { formatDate } from '../format/time'

/**
 * CSV as RFC 4180 writes it: UTF-8 (no byte order mark), a header line, lines ending in CRLF,
 * and a field quoted (its quotes doubled) when it holds a comma, a quote, a CR or an LF.
 *
 * Text that came from people (names, descriptions, senders, payment numbers) is also kept from
 * being taken for a formula by a spreadsheet: a cell that starts with `=`, `+`, `-`, `@`, a tab
 * or a CR gets a leading `'` (CSV formula injection). Values billgate writes itself (numbers,
 * amounts, times) are never changed: a refund's amount stays `-5.00`.
 */

const needsQuotes = /[",\r\n]/
const formulaStart = /^[=+\-@\t\r]/

/** A field as it stands between commas: quoted when it must be. */
export function csvField(value: string): string {
  return needsQuotes.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** A cell of text from people: quoted when it must be, and never read as a formula. */
export function csvText(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return ''
  return csvField(formulaStart.test(value) ? `'${value}` : value)
}

const comma = 0x2c
const minus = 0x2d
const dot = 0x2e
const colon = 0x3a
const zero = 0x30
const day = 86_400_000
// Up to here, digits are taken off by float division exactly; beyond, String() writes them.
const exactBelow = 2 ** 31

/** Chunks a writer keeps for reuse once they are handed back. */
const maxSpares = 8

/**
 * Writes CSV lines straight into bytes, field by field: numbers, amounts and times become
 * digits without a string for each first, which makes a million rows several times cheaper than
 * joining strings. Fields are separated as they are written; `end()` closes the line.
 *
 * The bytes go into chunks of a fixed size, a new one begun when the current one is full; the
 * chunks taken can be handed back with `recycle` once they have been sent, and are filled again:
 * a file of any size passes through the same few buffers rather than leaving a trail of them
 * for the garbage collector and the allocator to give back.
 */
export class CsvWriter {
  private finished: Buffer[] = []
  private finishedBytes = 0
  private buffer: Buffer
  private at = 0
  private readonly spares: Buffer[] = []
  private lineStart = true
  private dayStart = Number.NaN
  private datePart = Buffer.alloc(0)

  constructor(private readonly chunkSize = 64 * 1024) {
    this.buffer = Buffer.allocUnsafeSlow(chunkSize)
  }

  /** Bytes written and not taken yet. */
  get length(): number {
    return this.finishedBytes + this.at
  }

  /** The chunks filled so far; what the current one holds stays for more. */
  takeFull(): Buffer[] {
    const full = this.finished
    this.finished = []
    this.finishedBytes = 0
    return full
  }

  /** Everything written since the last take, in chunks. */
  takeAll(): Buffer[] {
    if (this.at > 0) this.startChunk(this.chunkSize)
    return this.takeFull()
  }

  /** A chunk this writer handed out, back once it has been sent: it will be filled again. */
  recycle(chunk: Uint8Array): void {
    const whole = chunk.buffer
    if (whole.byteLength !== this.chunkSize || this.spares.length >= maxSpares) return
    if (this.buffer.buffer === whole || this.spares.some((spare) => spare.buffer === whole)) return
    this.spares.push(Buffer.from(whole, 0, this.chunkSize))
  }

  /** A whole number, as String() writes it; nothing for null. */
  int(n: number | null): this {
    this.field(24)
    if (n !== null) this.digits(n)
    return this
  }

  /** An amount in minor units, as formatAmount writes it (`-5.00`). */
  amount(minor: number, places: number): this {
    this.field(32)
    if (Math.abs(minor) >= exactBelow || !Number.isInteger(minor)) return this.put(formatAmount(minor, places))
    if (minor < 0) {
      this.buffer[this.at++] = minus
      minor = -minor
    }
    if (places === 0) return this.digits(minor)
    const unit = 10 ** places
    const whole = Math.floor(minor / unit)
    this.digits(whole)
    this.ensure(places + 1)
    this.buffer[this.at++] = dot
    let fraction = minor - whole * unit
    for (let i = this.at + places - 1; i >= this.at; i--) {
      const rest = Math.floor(fraction / 10)
      this.buffer[i] = zero + fraction - rest * 10
      fraction = rest
    }
    this.at += places
    return this
  }

  /** A time as `YYYY-MM-DD HH:MM:SS` (UTC), as the lists show it; nothing for null. */
  time(ms: number | null): this {
    this.field(20)
    if (ms === null) return this
    if (!(ms >= this.dayStart && ms < this.dayStart + day)) {
      this.dayStart = ms - (((ms % day) + day) % day)
      this.datePart = Buffer.from(`${formatDate(ms)} `, 'latin1')
    }
    this.ensure(this.datePart.length + 8)
    this.datePart.copy(this.buffer, this.at)
    this.at += this.datePart.length
    const seconds = Math.floor((ms - this.dayStart) / 1000)
    this.twoDigits(Math.floor(seconds / 3600))
    this.buffer[this.at++] = colon
    this.twoDigits(Math.floor(seconds / 60) % 60)
    this.buffer[this.at++] = colon
    this.twoDigits(seconds % 60)
    return this
  }

  /** Text from people (see csvText); nothing for null. */
  text(value: string | null): this {
    const cell = csvText(value)
    this.field(cell.length * 3)
    this.at += this.buffer.write(cell, this.at, 'utf8')
    return this
  }

  /** A cell already encoded (a value repeated on many lines, encoded once with encodeCell). */
  cell(bytes: Uint8Array): this {
    this.field(bytes.length)
    this.buffer.set(bytes, this.at)
    this.at += bytes.length
    return this
  }

  /** Ends the line (CRLF). */
  end(): this {
    this.ensure(2)
    this.buffer[this.at++] = 0x0d
    this.buffer[this.at++] = 0x0a
    this.lineStart = true
    return this
  }

  /** The header line: the columns' names. */
  header(names: readonly string[]): this {
    for (const name of names) this.cell(encodeCell(csvField(name)))
    return this.end()
  }

  /** Starts a field: the comma before it, and room for `size` bytes. */
  private field(size: number): void {
    this.ensure(size + 1)
    if (!this.lineStart) this.buffer[this.at++] = comma
    this.lineStart = false
  }

  private put(text: string): this {
    this.ensure(text.length * 3)
    this.at += this.buffer.write(text, this.at, 'utf8')
    return this
  }

  private digits(n: number): this {
    if (n < 0 || n >= exactBelow || !Number.isInteger(n)) return this.put(String(n))
    let length = 1
    for (let limit = 10; limit <= n; limit *= 10) length++
    for (let i = this.at + length - 1; i >= this.at; i--) {
      const rest = Math.floor(n / 10)
      this.buffer[i] = zero + n - rest * 10
      n = rest
    }
    this.at += length
    return this
  }

  private twoDigits(n: number): void {
    const tens = Math.floor(n / 10)
    this.buffer[this.at++] = zero + tens
    this.buffer[this.at++] = zero + n - tens * 10
  }

  /** Room for `size` more bytes: a fresh chunk when the current one has too little left. */
  private ensure(size: number): void {
    if (this.at + size > this.buffer.length) this.startChunk(size)
  }

  private startChunk(size: number): void {
    if (this.at > 0) {
      this.finished.push(this.buffer.subarray(0, this.at))
      this.finishedBytes += this.at
    } else if (this.buffer.length === this.chunkSize && this.spares.length < maxSpares) {
      this.spares.push(this.buffer)
    }
    this.buffer = size > this.chunkSize ? Buffer.allocUnsafeSlow(size) : (this.spares.pop() ?? Buffer.allocUnsafeSlow(this.chunkSize))
    this.at = 0
  }
}

/** A cell's bytes, for CsvWriter.cell: `csvText(value)` for text from people. */
export function encodeCell(field: string): Buffer {
  return Buffer.from(field, 'utf8')
}
