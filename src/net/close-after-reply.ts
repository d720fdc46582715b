import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/**
 * How long a connection closed after its reply still takes what the client sends: long enough
 * for a client that sends its whole body before it reads to finish a body somewhat over the
 * limit and read the reply.
 */
const lingerMs = 5000

/**
 * Closes the connection once the reply to `req` is sent (its head says `Connection: close`), for
 * a request answered before its body was read (it was over the limit): the rest of such a body
 * may never end. Call it before the reply is written.
 *
 * Node's server ends a connection whose reply closes it with the socket's `destroySoon()`, which
 * destroys it as soon as the reply is flushed: with the client's bytes unread, that resets the
 * connection, and a client still sending could lose the reply. This one lingers instead: the
 * server half-closes, so the client reads the whole reply and then the end of the connection,
 * and goes on taking what arrives, dropping it, until the client closes its side too, or
 * `lingerMs` at most.
 */
export function closeAfterReply(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Connection', 'close')
  const socket = req.socket
  let lingering = false
  socket.destroySoon = () => {
    if (lingering) return
    lingering = true
    linger(req, socket)
  }
}

function linger(req: IncomingMessage, socket: Socket): void {
  if (socket.destroyed) return
  const timer = setTimeout(() => socket.destroy(), lingerMs)
  timer.unref()
  socket.once('close', () => clearTimeout(timer))
  socket.end()
  // Whatever was reading the body (a web stream, which would stop at its first full buffer)
  // reads no more: the rest is dropped as it comes.
  req.removeAllListeners('data')
  req.resume()
}
