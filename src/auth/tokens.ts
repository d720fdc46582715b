import { hash, randomBytes } from 'node:crypto'

/** A random token of 128 bits, as 32 hex characters. */
export function newToken(): string {
  return randomBytes(16).toString('hex')
}

export function sha256(text: string): string {
  return hash('sha256', text, 'hex')
}
