import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'

/**
 * Hono's body limit, without its cost where it is not needed: a body of declared length is
 * checked against the limit as declared (Node's parser never reads past Content-Length) and then
 * read straight from the socket; only a body of unknown length (chunked) is counted as it
 * streams in. Counting wraps the body in a second stream, which more than halves the rate of
 * small POSTs.
 */
/**
 * A body's length as its headers declare it, or undefined when it arrives without one (chunked):
 * only then must it be counted as it comes.
 */
export function declaredLength(contentLength: string | undefined, transferEncoding: string | undefined): number | undefined {
  return contentLength === undefined || transferEncoding !== undefined ? undefined : Number(contentLength)
}

export function declaredBodyLimit(options: { maxSize: number; onError: (c: Context) => Response | Promise<Response> }): MiddlewareHandler {
  const counted = bodyLimit(options)
  return async function limitBody(c, next) {
    const length = declaredLength(c.req.header('content-length'), c.req.header('transfer-encoding'))
    if (length === undefined) return counted(c, next)
    if (length > options.maxSize) return options.onError(c)
    await next()
  }
}
