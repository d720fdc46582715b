import { parseArgs } from 'node:util'
import { serializers } from '../../output/index'

/** A command line that cannot be run as given: exit status 2, with the short usage. */
export class UsageError extends Error {}

export const shortUsage = `usage: billgate-ctl [-o FORMAT] [-e 'PARAM=$VARIABLE']... FUNCTION [PARAM=VALUE]...
       billgate-ctl -i [FUNCTION] [lang=LANG] [su=LOGIN]
       billgate-ctl --help`

export const usage = `${shortUsage}

Calls a billgate function on the configured database (BILLGATE_DB or the config file, as
npm start does) as the local superuser, without a password, beside a running server or not.

  -o FORMAT          the reply's format: text (the default), ${Object.keys(serializers)
    .filter((f) => f !== 'text')
    .join(', ')}
  -e PARAM=$VAR      PARAM's value is the environment variable VAR (secrets stay out of ps);
                     quote it so that the shell leaves $VAR alone; repeatable
  -i [FUNCTION]      the functions with their kind and title, or FUNCTION's parameters
  -h, --help         this text

  PARAM=VALUE        a parameter, as in the URL protocol (func=…&PARAM=VALUE), unencoded
  PARAM=@FILE        the value is FILE's content; PARAM=@- reads standard input;
                     PARAM=@@TEXT is the literal value @TEXT
  sok=ok             submits a form (without it a form shows its values)
  su=LOGIN           acts as the user LOGIN
  lang=en|ru         the language of messages, titles and labels

Exit status: 0 done, 1 the call failed (the error is printed like a reply, on standard
output), 2 bad usage.

  billgate-ctl account
  billgate-ctl -o json payment.edit elid=7
  billgate-ctl user.edit sok=ok name=ivan -e 'passwd=$IVAN_PASSWORD' -e 'confirm=$IVAN_PASSWORD'
  billgate-ctl xdr.import data=@usage.csv
`

/** A command line, read but not yet resolved (files and environment variables are read later). */
export interface Invocation {
  help: boolean
  /** `-i`: describe the functions (or `func`'s parameters) instead of calling one. */
  info: boolean
  /** `-o`. */
  out?: string
  func?: string
  /** `PARAM=VALUE` arguments, in order; values still as written (`@file` unread). */
  params: [string, string][]
  /** `-e PARAM=$VARIABLE`: parameter name and variable name. */
  fromEnv: [string, string][]
}

const paramName = /^[^\s=]+$/

/** Splits `PARAM=VALUE` at its first `=`; undefined when it is not one. */
function splitParam(arg: string): [string, string] | undefined {
  const eq = arg.indexOf('=')
  if (eq <= 0) return undefined
  const name = arg.slice(0, eq)
  return paramName.test(name) ? [name, arg.slice(eq + 1)] : undefined
}

/** `PARAM=$VARIABLE` or `PARAM=${VARIABLE}`. */
function envSpec(spec: string): [string, string] {
  const pair = splitParam(spec)
  const variable = pair && /^\$(?:([A-Za-z_]\w*)|\{([A-Za-z_]\w*)\})$/.exec(pair[1])
  if (!pair || !variable) throw new UsageError(`-e: expected PARAM=$VARIABLE, got "${spec.replace(/=.*/s, '=…')}"`)
  return [pair[0], variable[1] ?? variable[2]]
}

export function parseInvocation(argv: string[]): Invocation {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        env: { type: 'string', short: 'e', multiple: true },
        info: { type: 'boolean', short: 'i', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const { values, positionals } = parsed
  const invocation: Invocation = {
    help: values.help,
    info: values.info,
    out: values.out,
    params: [],
    fromEnv: (values.env ?? []).map(envSpec),
  }
  if (values.out === '') throw new UsageError('-o: expected a format')
  for (const arg of positionals) {
    const pair = splitParam(arg)
    if (pair) invocation.params.push(pair)
    else if (arg.includes('=') || invocation.func) throw new UsageError(`expected PARAM=VALUE, got "${arg}"`)
    else if (invocation.params.length) throw new UsageError(`the function name comes before the parameters: "${arg}"`)
    else invocation.func = arg
  }
  if (!invocation.func && !invocation.info && !invocation.help) throw new UsageError('missing the function name')
  return invocation
}
