import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { listening } from '../client/listening'

const bodyLimit = 64 * 1024
/** The most a client sends before it gives up on the server closing the connection. */
const giveUpAfter = 256 * 1024 * 1024

interface Upload {
  /** The reply's head and body, once the whole reply (as its Content-Length says) arrived. */
  reply?: { head: string; body: string }
  /** Body bytes the client had sent when the whole reply had arrived. */
  sentAtReply: number
  /** The server ended the connection (before the client gave up). */
  closedByServer: boolean
  error?: Error
}

/**
 * POSTs a chunked body that never ends over a raw socket, reading while it sends: it stops only
 * when the server ends the connection (or after `giveUpAfter` bytes).
 */
function uploadWithoutEnd(url: string, path: string, contentType: string): Promise<Upload> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port), allowHalfOpen: true })
    const result: Upload = { sentAtReply: 0, closedByServer: false }
    let received = Buffer.alloc(0)
    let sent = 0
    const chunk = `${(16 * 1024).toString(16)}\r\n${'x'.repeat(16 * 1024)}\r\n`
    const pump = () => {
      while (socket.writable && !result.closedByServer) {
        if (sent >= giveUpAfter) return socket.end()
        sent += 16 * 1024
        if (!socket.write(chunk)) return socket.once('drain', pump)
      }
    }
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data])
      if (result.reply) return
      const end = received.indexOf('\r\n\r\n')
      if (end < 0) return
      const head = received.subarray(0, end).toString('latin1')
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? NaN)
      if (received.length < end + 4 + length) return
      result.reply = { head, body: received.subarray(end + 4, end + 4 + length).toString('utf8') }
      result.sentAtReply = sent
    })
    socket.on('end', () => {
      result.closedByServer = sent < giveUpAfter
      socket.end()
    })
    socket.on('error', (err) => (result.error = err))
    socket.on('close', () => resolve(result))
    socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: ${contentType}\r\nTransfer-Encoding: chunked\r\n\r\n`)
    pump()
  })
}

describe('a chunked upload over the body limit', () => {
  it('/billmgr: the client, still sending, reads the whole 413 in the format it asked for; then the server closes', async () => {
    const { url } = await listening({ bodyLimit })
    const upload = await uploadWithoutEnd(url, '/billmgr?out=JSONdata', 'application/x-www-form-urlencoded')
    expect(upload.reply?.head).toMatch(/^HTTP\/1\.1 413 [^]*\r\nconnection: close\r\n/i)
    expect(JSON.parse(upload.reply!.body).error).toMatchObject({ type: 'xml', object: 'body', msg: 'The request body is too large' })
    expect(upload.sentAtReply).toBeGreaterThan(bodyLimit)
    expect(upload.closedByServer).toBe(true)
    expect(upload.error).toBeUndefined()
  })

  it('/jsonrpc: the client, still sending, reads the whole 413 as a JSON-RPC error; then the server closes', async () => {
    const { url } = await listening({ bodyLimit })
    const upload = await uploadWithoutEnd(url, '/jsonrpc/', 'application/json')
    expect(upload.reply?.head).toMatch(/^HTTP\/1\.1 413 [^]*\r\nconnection: close\r\n/i)
    expect(JSON.parse(upload.reply!.body)).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600, data: { message: 'The request body is too large' } } })
    expect(upload.sentAtReply).toBeGreaterThan(bodyLimit)
    expect(upload.closedByServer).toBe(true)
    expect(upload.error).toBeUndefined()
  })

  it('a server that closed one such connection serves the next', async () => {
    const { url } = await listening({ bodyLimit })
    await uploadWithoutEnd(url, '/jsonrpc/', 'application/json')
    const res = await fetch(`${url}/jsonrpc/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","method":"currency","id":1}' })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { id: unknown }).id).toBe(1)
  })
})
