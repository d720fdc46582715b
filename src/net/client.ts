import type { Context } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'
import { AddressSet, normalizeAddress } from './addresses'

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
  return function clientOf(c: Context): ClientInfo {
    let peer = ''
    try {
      peer = normalizeAddress(getConnInfo(c).remote.address ?? '')
    } catch {
      // Not served by the Node adapter (no socket): an unknown address, trusted for nothing.
    }
    const tls = c.req.url.startsWith('https:')
    if (!trusted.size || !trusted.has(peer)) return { address: peer, secure: tls }
    const hops = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((s) => normalizeAddress(s))
      .filter(Boolean)
    let address = peer
    for (let i = hops.length - 1; i >= 0; i--) {
      address = hops[i]
      if (!trusted.has(address)) break
    }
    const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim()
    return { address, secure: tls || proto === 'https' }
  }
}
