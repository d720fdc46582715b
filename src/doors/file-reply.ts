import type { ServerResponse } from 'node:http'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { Context } from 'hono'
import type { FileFormat, FileReply } from '../core/registry'
import { securityHeaders } from '../net/security-headers'

const contentTypes: Record<FileFormat, string> = {
  csv: 'text/csv; charset=UTF-8; header=present',
  pdf: 'application/pdf',
}

/** `attachment; filename="…"`, the name kept to characters every client takes as they are. */
export function attachment(filename: string): string {
  return `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`
}

function headersOf(file: FileReply): Record<string, string> {
  return {
    ...securityHeaders,
    'Cache-Control': 'no-store',
    'Content-Type': contentTypes[file.format],
    'Content-Disposition': attachment(file.filename),
  }
}

function chunksOf(file: FileReply): AsyncIterator<Uint8Array> | Iterator<Uint8Array> {
  const content = file.content
  return Symbol.asyncIterator in content ? content[Symbol.asyncIterator]() : content[Symbol.iterator]()
}

/**
 * Sends a file as it is produced: the next chunk is made only when the connection has taken
 * the last one (a slow client slows the export, it never fills memory), and a client that goes
 * away stops it. A failure midway cuts the connection (the file was already promised);
 * `onError` hears of it.
 *
 * On the Node server the chunks are written to the socket itself, and each is handed back to
 * the file (`recycle`) once written, to be filled again; elsewhere (a test's `app.request`) they
 * go out as a web stream. A HEAD request gets the headers alone: the content is never produced.
 */
export async function sendFile(c: Context, file: FileReply, onError?: (err: unknown) => void): Promise<Response> {
  if (c.req.method === 'HEAD') {
    // The checks are done and the file is open: its headers say all HEAD asks, and no row is read.
    await chunksOf(file).return?.(undefined)
    return c.body(null, 200, headersOf(file))
  }
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing
  if (outgoing && typeof outgoing.writeHead === 'function') {
    await writeToSocket(outgoing, file, onError)
    return RESPONSE_ALREADY_SENT
  }
  return c.body(webStream(file, onError), 200, headersOf(file))
}

async function writeToSocket(res: ServerResponse, file: FileReply, onError?: (err: unknown) => void): Promise<void> {
  const chunks = chunksOf(file)
  let finished = false
  try {
    res.writeHead(200, headersOf(file))
    while (!res.destroyed) {
      const next = await chunks.next()
      if (next.done) {
        finished = true
        break
      }
      const chunk = next.value
      if (!res.write(chunk, () => file.recycle?.(chunk))) await drainedOrClosed(res)
    }
    if (finished) res.end()
  } catch (err) {
    onError?.(err)
    res.destroy()
  } finally {
    if (!finished) await chunks.return?.(undefined)
  }
}

/** Resolves when the response can take more, or when its connection is gone. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  if (res.destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

function webStream(file: FileReply, onError?: (err: unknown) => void): ReadableStream<Uint8Array> {
  const chunks = chunksOf(file)
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await chunks.next()
          if (next.done) controller.close()
          else controller.enqueue(next.value)
        } catch (err) {
          onError?.(err)
          controller.error(err)
        }
      },
      async cancel() {
        await chunks.return?.(undefined)
      },
    },
    { highWaterMark: 0 },
  )
}
