import { createServer, type IncomingMessage, type RequestListener, type ServerOptions, type ServerResponse } from 'node:http'

/** A request header as one text (repeated headers joined), as web Request objects give it. */
export function nodeHeader(req: IncomingMessage): (name: string) => string | undefined {
  return (name) => {
    const value = req.headers[name]
    return Array.isArray(value) ? value.join(', ') : value
  }
}

/**
 * A route Node's server answers before the app: it returns false for requests that are not its
 * own (the app answers them), and true when it has taken the request.
 */
export type NodeRoute = (req: IncomingMessage, res: ServerResponse) => boolean

/**
 * What `serve()` of `@hono/node-server` uses to create its server: the same server, whose
 * listener first offers each request to the node routes.
 */
export function serverWithRoutes(routes: NodeRoute[]): typeof createServer {
  const create = (options: ServerOptions | RequestListener, listener?: RequestListener) => {
    const appListener = (typeof options === 'function' ? options : listener)!
    const routed: RequestListener = (req, res) => {
      for (const route of routes) if (route(req, res)) return
      appListener(req, res)
    }
    return typeof options === 'function' ? createServer(routed) : createServer(options, routed)
  }
  return create as typeof createServer
}
