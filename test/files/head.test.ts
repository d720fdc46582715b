import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { sendFile } from '../../src/doors/file-reply'
import type { FileReply } from '../../src/core/registry'
import { adminLogin, asAdmin, fetchFile, filesWorld } from './world'

/** A CSV file that counts the chunks produced from it. */
function countedFile() {
  const counted = { produced: 0, closed: false }
  async function* content() {
    try {
      for (let i = 0; i < 3; i++) {
        counted.produced++
        yield new TextEncoder().encode(`row ${i}\r\n`)
      }
    } finally {
      counted.closed = true
    }
  }
  const file: FileReply = { format: 'csv', filename: 'rows.csv', content: content() }
  return { file, counted }
}

describe('HEAD on a file', () => {
  it('over a real socket: the headers of the file, and not one chunk of it produced', async () => {
    const files: ReturnType<typeof countedFile>[] = []
    const app = new Hono()
    app.get('/file', (c) => {
      const made = countedFile()
      files.push(made)
      return sendFile(c, made.file)
    })
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise<void>((resolve) => server.once('listening', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/file`
      const head = await fetch(url, { method: 'HEAD' })
      expect(head.status).toBe(200)
      expect(head.headers.get('content-type')).toBe('text/csv; charset=UTF-8; header=present')
      expect(head.headers.get('content-disposition')).toBe('attachment; filename="rows.csv"')
      expect(await head.text()).toBe('')
      expect(files[0].counted).toEqual({ produced: 0, closed: false })
      // GET still sends it whole.
      expect(await (await fetch(url)).text()).toBe('row 0\r\nrow 1\r\nrow 2\r\n')
      expect(files[1].counted).toEqual({ produced: 3, closed: true })
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  it('the file channel and func=<list>.download answer HEAD after the same checks, with the same headers', async () => {
    const w = await filesWorld()
    const head = (path: string) => w.t.app.request(path, { method: 'HEAD' }, { incoming: { socket: { remoteAddress: '127.0.0.1' } } })
    const get = await fetchFile(w.t, 'xdrs/download', adminLogin)
    const query = new URLSearchParams(adminLogin)
    const answered = await head(`/admin/xdrs/download?${query}`)
    expect(answered.status).toBe(200)
    for (const name of ['content-type', 'content-disposition']) expect(answered.headers.get(name)).toBe(get.res.headers.get(name))
    expect(await answered.text()).toBe('')
    // Credentials and filters are checked first.
    const anonymous = await head('/admin/payments/download')
    expect([anonymous.status, anonymous.headers.get('x-vcs-status')]).toEqual([401, '1'])
    const badFilter = await head(`/admin/payments/download?${query}&status=9`)
    expect([badFilter.status, badFilter.headers.get('x-vcs-status')]).toEqual([400, '4'])
    const url = await head(`/billmgr?${new URLSearchParams({ func: 'expense.download', ...asAdmin })}`)
    expect(url.status).toBe(200)
    expect(url.headers.get('content-disposition')).toBe('attachment; filename="expenses.csv"')
    expect(await url.text()).toBe('')
  })
})
