import { BlockList, isIP } from 'node:net'
import { BoundedMap, stringBytes } from '../bounded-map'

/** Strips the IPv4-mapped prefix that dual-stack sockets report (`::ffff:127.0.0.1`). */
export function normalizeAddress(address: string): string {
  const lower = address.trim().toLowerCase()
  return lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 ? lower.slice(7) : lower
}

export function isAddressOrRange(item: string): boolean {
  const [address, prefix, ...rest] = item.split('/')
  const family = isIP(address)
  if (!family || rest.length) return false
  if (prefix === undefined) return true
  if (!/^\d{1,3}$/.test(prefix)) return false
  return Number(prefix) <= (family === 4 ? 32 : 128)
}

/** Splits a list of addresses and ranges written with commas, spaces or newlines. */
export function splitAddressList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean)
}

/** A set of addresses and CIDR ranges, IPv4 and IPv6, asked whether it holds an address. */
export class AddressSet {
  private readonly list = new BlockList()
  /** Keyed by addresses as clients wrote them (X-Forwarded-For), which may be anything. */
  private readonly answers = new BoundedMap<string, boolean>({
    maxEntries: 10_000,
    maxBytes: 1024 * 1024,
    maxEntryBytes: 1024,
    sizeOf: (address) => stringBytes(address) + 64,
  })
  readonly size: number

  constructor(items: string[]) {
    for (const item of items) {
      const [address, prefix] = item.split('/')
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4'
      if (prefix === undefined) this.list.addAddress(address, type)
      else this.list.addSubnet(address, Number(prefix), type)
    }
    this.size = items.length
  }

  /** Answers are remembered: checking builds a socket address object, which is slow. */
  has(address: string): boolean {
    let answer = this.answers.get(address)
    if (answer === undefined) {
      const normal = normalizeAddress(address)
      const family = isIP(normal)
      answer = family ? this.list.check(normal, family === 6 ? 'ipv6' : 'ipv4') : false
      this.answers.set(address, answer)
    }
    return answer
  }
}
