import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { BillError } from '../../core/errors'
import { collectPairs, decodeUtf8 } from '../../doors/request-params'
import { UsageError, type Invocation } from './args'

/** Where parameter values may come from besides the command line itself. */
export interface ValueSources {
  /** The directory `@FILE` names are relative to. */
  cwd: string
  env: NodeJS.ProcessEnv
  readStdin(): Buffer
}

/**
 * The call's parameters: `extra` (request-level ones the command line decided) first, then the
 * `PARAM=VALUE` arguments with `@FILE` and `@-` read, then the `-e` ones from the environment.
 * A parameter given twice must have the same value (elid lists join), as in the URL protocol.
 */
export function resolveParams(invocation: Invocation, sources: ValueSources, extra: [string, string][] = []): Record<string, string> {
  let stdinRead = false
  const readValue = (name: string, raw: string): string => {
    if (!raw.startsWith('@')) return raw
    if (raw.startsWith('@@')) return raw.slice(1)
    const path = raw.slice(1)
    if (!path) throw new UsageError(`${name}=@: expected a file name after @ (or @- for standard input)`)
    let bytes: Buffer
    if (path === '-') {
      if (stdinRead) throw new UsageError(`${name}=@-: standard input can be read only once`)
      stdinRead = true
      bytes = sources.readStdin()
    } else {
      try {
        bytes = readFileSync(resolve(sources.cwd, path))
      } catch (err) {
        throw new UsageError(`${name}=@${path}: cannot read the file: ${(err as Error).message}`)
      }
    }
    try {
      return decodeUtf8(bytes)
    } catch {
      throw new UsageError(`${name}=${raw}: not UTF-8 text`)
    }
  }
  const pairs: [string, string][] = [...extra]
  for (const [name, raw] of invocation.params) pairs.push([name, readValue(name, raw)])
  for (const [name, variable] of invocation.fromEnv) {
    const value = sources.env[variable]
    if (value === undefined) throw new UsageError(`-e ${name}: the environment variable ${variable} is not set`)
    pairs.push([name, value])
  }
  try {
    return collectPairs(pairs)
  } catch (err) {
    if (!(err instanceof BillError)) throw err
    if (err.type === 'value') throw new UsageError(`${err.object} is given twice with different values`)
    throw new UsageError('too many parameters')
  }
}
