import type { IncomingMessage, ServerResponse } from 'node:http'
import type { HttpBindings } from '@hono/node-server'
import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { closeAfterReply } from './close-after-reply'

/**
 * A body's length as its headers declare it, or undefined when it arrives without one (chunked):
 * only then must it be counted as it comes.
 */
export function declaredLength(contentLength: string | undefined, transferEncoding: string | undefined): number | undefined {
  return contentLength === undefined || transferEncoding !== undefined ? undefined : Number(contentLength)
}

/**
 * Hono's body limit, without its cost where it is not needed: a body of declared length is
 * checked against the limit as declared (Node's parser never reads past Content-Length) and then
 * read straight from the socket; only a body of unknown length (chunked) is counted as it
 * streams in. Counting wraps the body in a second stream, which more than halves the rate of
 * small POSTs. A request refused for its size gets its reply, and then its connection is closed.
 */
export function declaredBodyLimit(options: { maxSize: number; onError: (c: Context) => Response | Promise<Response> }): MiddlewareHandler {
  const refuse = (c: Context) => {
    // Served by Node (not through app.request()): the connection is there to close.
    const { incoming, outgoing } = (c.env ?? {}) as Partial<HttpBindings>
    if (incoming && outgoing) closeAfterReply(incoming, outgoing)
    return options.onError(c)
  }
  const counted = bodyLimit({ maxSize: options.maxSize, onError: refuse })
  return async function limitBody(c, next) {
    const length = declaredLength(c.req.header('content-length'), c.req.header('transfer-encoding'))
    if (length === undefined) return counted(c, next)
    if (length > options.maxSize) return refuse(c)
    await next()
  }
}

/** The client went away before its body was all sent: no failure of the server's. */
export class BodyAborted extends Error {}

/**
 * Reads a request's body for a route Node's server answers directly, or gives undefined when it
 * is over `max` bytes: at once when its declared length says so, else as soon as what arrived
 * does. The rest is then dropped, and the connection closed once `res` is sent. Fails with
 * `BodyAborted` when the client goes away mid-body.
 */
export function readLimited(req: IncomingMessage, res: ServerResponse, max: number): Promise<Uint8Array | undefined> {
  const tooLarge = () => {
    req.removeAllListeners('data')
    req.resume()
    closeAfterReply(req, res)
    return undefined
  }
  const declared = declaredLength(req.headers['content-length'], req.headers['transfer-encoding'])
  if (declared !== undefined && declared > max) return Promise.resolve(tooLarge())
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > max) {
        chunks.length = 0
        resolve(tooLarge())
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)))
    req.on('error', (err) => reject(new BodyAborted('the client went away before its body was sent', { cause: err })))
  })
}
