import { describe, expect, it } from 'vitest'
import { Progress, type ProgressStream } from '../../src/cli/progress'

function stream(isTTY: boolean, columns = 100): ProgressStream & { text: string } {
  const s = { text: '', isTTY, columns, write: (t: string) => (s.text += t) }
  return s
}

describe('progress of command-line tasks', () => {
  it('prints one line per finished task when not on a terminal', () => {
    const out = stream(false)
    const progress = new Progress(out)
    const task = progress.start('usage records', 3000)
    for (let i = 0; i < 3000; i++) task.tick()
    expect(out.text).toBe('')
    task.done()
    task.done()
    expect(out.text).toMatch(/^usage records: 3,000 rows in \d+\.\d s, [\d,]+\/s\n$/)
    progress.start('invoices', 0).done()
    expect(out.text.split('\n')[1]).toMatch(/^invoices: 0 rows in \d+\.\d s$/)
  })

  it('redraws a bar in place on a terminal, within the width, and ends it with a newline', async () => {
    const out = stream(true, 72)
    const task = new Progress(out).start('usage records', 1_000_000)
    expect(out.text).toContain('0/1,000,000')
    task.tick(250_000)
    await new Promise((resolve) => setTimeout(resolve, 120))
    task.tick(250_000)
    const redraws = out.text.split('\r').filter(Boolean)
    expect(redraws.at(-1)).toMatch(/^usage records +\[█+░+\]  50%  500,000\/1,000,000  [\d,]+\/s/)
    for (const line of redraws) expect(line.replace('\x1b[K', '').length).toBeLessThan(72)
    task.done()
    expect(out.text).toMatch(/\] 100%  500,000 rows in .*\n$/)
    for (const line of out.text.split(/[\r\n]/)) expect(line.replace('\x1b[K', '').length).toBeLessThan(72)
  })
})
