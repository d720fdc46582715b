/**
 * Progress of long command-line jobs, one task (a table, a file…) at a time. On a terminal: a
 * bar redrawn in place with the count, percentage, rate and time left. Elsewhere (a log, a pipe,
 * CI): one line per task when it finishes, so logs stay short.
 */

export interface ProgressStream {
  write(text: string): unknown
  isTTY?: boolean
  columns?: number
}

export interface Task {
  /** Counts n more units done. Cheap enough to call once per row. */
  tick(n?: number): void
  /** Ends the task and prints its summary line. */
  done(): void
}

const redrawEveryMs = 100
const wholeNumber = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

export function formatCount(n: number): string {
  return wholeNumber.format(n)
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const m = Math.floor(seconds / 60)
  return `${m} min ${Math.round(seconds - m * 60)} s`
}

export class Progress {
  private readonly interactive: boolean
  private readonly labelWidth: number

  constructor(
    private readonly stream: ProgressStream = process.stderr,
    options: { interactive?: boolean; labelWidth?: number } = {},
  ) {
    this.interactive = options.interactive ?? stream.isTTY === true
    this.labelWidth = options.labelWidth ?? 16
  }

  /** Starts a task of `total` units (0 when unknown: no bar, just the count and rate). */
  start(label: string, total: number, unit = 'rows'): Task {
    const started = performance.now()
    let count = 0
    let nextCheck = 0
    let lastDraw = 0
    let finished = false
    const rate = (now: number) => (now > started ? (count * 1000) / (now - started) : 0)
    const draw = (now: number) => {
      lastDraw = now
      this.stream.write(`\r${this.fit(this.line(label, count, total, unit, rate(now), (now - started) / 1000))}\x1b[K`)
    }
    if (this.interactive) draw(started)
    return {
      tick: (n = 1) => {
        count += n
        // Looking at the clock for every row would cost more than the rows themselves.
        if (!this.interactive || count < nextCheck) return
        nextCheck = count + 1024
        const now = performance.now()
        if (now - lastDraw >= redrawEveryMs) draw(now)
      },
      done: () => {
        if (finished) return
        finished = true
        const now = performance.now()
        const seconds = (now - started) / 1000
        const speed = count > 0 && seconds > 0 ? `, ${formatCount(rate(now))}/s` : ''
        const summary = `${formatCount(count)} ${unit} in ${formatSeconds(seconds)}${speed}`
        if (this.interactive) {
          this.stream.write(`\r${this.fit(`${this.label(label)} ${this.bar(1)} 100%  ${summary}`)}\x1b[K\n`)
        } else {
          this.stream.write(`${label}: ${summary}\n`)
        }
      },
    }
  }

  /** Kept to one screen line: a wrapped line would not be redrawn in place. */
  private fit(line: string): string {
    return line.slice(0, (this.stream.columns ?? 80) - 1)
  }

  private label(text: string): string {
    return text.length > this.labelWidth ? text.slice(0, this.labelWidth) : text.padEnd(this.labelWidth)
  }

  private bar(fraction: number): string {
    const width = Math.max(10, Math.min(30, (this.stream.columns ?? 80) - 65))
    const full = Math.round(Math.min(1, Math.max(0, fraction)) * width)
    return `[${'█'.repeat(full)}${'░'.repeat(width - full)}]`
  }

  private line(label: string, count: number, total: number, unit: string, rate: number, seconds: number): string {
    const speed = `${formatCount(rate)}/s`
    if (total <= 0) return `${this.label(label)} ${formatCount(count)} ${unit}  ${speed}  ${formatSeconds(seconds)}`
    const fraction = count / total
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4)
    const left = rate > 0 && count < total ? `  ${formatSeconds((total - count) / rate)} left` : ''
    return `${this.label(label)} ${this.bar(fraction)} ${percent}  ${formatCount(count)}/${formatCount(total)}  ${speed}${left}`
  }
}
