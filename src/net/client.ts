import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import type { Context } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'
import { AddressSet, normalizeAddress } from './addresses'
import { nodeHeader } from './node-routes'

export interface ClientInfo {
  address: string
  secure: boolean
}

/**
 * Where a request came from. X-Forwarded-For and X-Forwarded-Proto are believed only when the
 * socket's peer is a trusted proxy; the client is then the right-most address that is not one.
 */
export function clientResolver(trustedProxies: string[]) {
  const trusted = new AddressSet(trustedProxies)
  function resolve(socketPeer: string, header: (name: string) => string | undefined, tls: boolean): ClientInfo {
    const peer = normalizeAddress(socketPeer)
    if (!trusted.size || !trusted.has(peer)) return { address: peer, secure: tls }
    const hops = (header('x-forwarded-for') ?? '')
      .split(',')
      .map((s) => normalizeAddress(s))
      .filter(Boolean)
    let address = peer
    for (let i = hops.length - 1; i >= 0; i--) {
      address = hops[i]
      if (!trusted.has(address)) break
    }
    const proto = header('x-forwarded-proto')?.split(',')[0]?.trim()
    return { address, secure: tls || proto === 'https' }
  }
  function clientOf(c: Context): ClientInfo {
    let peer = ''
    try {
      peer = getConnInfo(c).remote.address ?? ''
    } catch {
      // Not served by the Node adapter (no socket): an unknown address, trusted for nothing.
    }
    return resolve(peer, (name) => c.req.header(name), c.req.url.startsWith('https:'))
  }
  /** The same for a request Node's server hands over directly (no Hono context). */
  function fromNode(req: IncomingMessage): ClientInfo {
    return resolve(req.socket.remoteAddress ?? '', nodeHeader(req), (req.socket as TLSSocket).encrypted === true)
  }
  return Object.assign(clientOf, { fromNode })
}

export type ClientResolver = ReturnType<typeof clientResolver>
