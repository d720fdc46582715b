import type { Call } from '../../core/call'
import { createCore, type Core } from '../../assemble'
import type { Outcome } from '../../core/dispatch'
import { errorDocument } from '../../core/documents'
import { missed } from '../../core/errors'
import { ConfigError, loadConfig, type Config } from '../../config'
import { openStore, type Store } from '../../db/store'
import { callFrom } from '../../doors/call'
import { translator } from '../../i18n/index'
import { isFormat, serialize, serializers } from '../../output/index'
import { isFileFormat } from '../../core/registry'
import { Progress, type ProgressStream, type Task } from '../progress'
import { parseInvocation, shortUsage, usage, UsageError, type Invocation } from './args'
import { functionsTable, paramsTable, rowsOf } from './info'
import { resolveParams, type ValueSources } from './values'

export interface CtlIo extends ValueSources {
  stdout: { write(chunk: string | Uint8Array, done?: () => void): boolean | unknown }
  /** Usage, problems and, on a terminal, progress bars. */
  stderr: ProgressStream
}

export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const

const program = 'billgate-ctl'
/** What the audit log records as the caller's address and agent. */
const origin = { address: '127.0.0.1', userAgent: program, secure: true, binary: program }
/** More than there are functions or parameters of one: `-i` shows them all on one page. */
const allRows = '1000'

/**
 * The local command line: one call on the configured database as the local superuser (or as
 * `su=LOGIN`), its reply printed in the chosen format. Returns the exit status.
 */
export async function runCtl(argv: string[], io: CtlIo): Promise<number> {
  let invocation: Invocation
  let params: Record<string, string>
  try {
    invocation = parseInvocation(argv)
    if (invocation.help) {
      io.stdout.write(usage)
      return exitCodes.ok
    }
    params = resolveParams(invocation, io, requestParams(invocation))
    params.out ??= 'text'
    if (!isFormat(params.out) && !isFileFormat(params.out)) throw new UsageError(`unknown format "${params.out}" (known: ${Object.keys(serializers).join(', ')})`)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    io.stderr.write(`${program}: ${err.message}\n${shortUsage}\n`)
    return exitCodes.usage
  }

  let config: Config
  let store: Store
  try {
    config = loadConfig(io.env)
    store = await openStore(config.dbPath)
  } catch (err) {
    io.stderr.write(`${program}: ${err instanceof ConfigError ? err.message : `cannot open the database: ${oneLine(err)}`}\n`)
    return exitCodes.failed
  }
  try {
    const core = createCore({ config, store, log: (message, err) => io.stderr.write(`${program}: ${message}: ${(err as Error)?.stack ?? String(err)}\n`) })
    const call = callFrom(params, { local: true }, origin)
    const body = invocation.info ? await describe(core, call, invocation.func) : await perform(core, call, io)
    io.stdout.write(body.text.endsWith('\n') || body.text === '' ? body.text : `${body.text}\n`)
    return body.failed ? exitCodes.failed : exitCodes.ok
  } finally {
    await store.close()
  }
}

/** An error's message on one line (a driver's may span several). */
function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ')
}

/** What the command line adds to the parameters: the function (for `-i`, `help` or `help.params`), `-o`. */
function requestParams(invocation: Invocation): [string, string][] {
  const extra: [string, string][] = []
  if (!invocation.info) extra.push(['func', invocation.func!])
  else if (invocation.func) extra.push(['func', 'help.params'], ['elid', invocation.func], ['p_cnt', allRows])
  else extra.push(['func', 'help'], ['p_cnt', allRows])
  if (invocation.out !== undefined) extra.push(['out', invocation.out])
  return extra
}

interface Printed {
  text: string
  failed: boolean
}

function printed(outcome: Outcome, call: Call): Printed {
  return { text: serialize(outcome.document, call.out!).body, failed: outcome.error !== undefined }
}

/**
 * Runs the call, with a progress bar on a terminal when it reports progress. A file (a CSV
 * export, an invoice PDF) goes to standard output as it is produced.
 */
async function perform(core: Core, call: Call, io: CtlIo): Promise<Printed> {
  const finishProgress = watchProgress(call, io.stderr)
  try {
    const outcome = await core.dispatcher.execute(call)
    const file = outcome.effects.file
    if (!file || outcome.error) return printed(outcome, call)
    for await (const chunk of file.content) {
      // Wait for the pipe to take each chunk: a large export never piles up in memory.
      await new Promise<void>((resolve) => io.stdout.write(chunk, resolve))
      file.recycle?.(chunk)
    }
    return { text: '', failed: false }
  } finally {
    finishProgress()
  }
}

/** `-i`: the functions, or one function's parameters; in text as tables, else the replies as they are. */
async function describe(core: Core, call: Call, func: string | undefined): Promise<Printed> {
  const { dispatcher } = core
  if (!func) {
    const help = await dispatcher.execute(call)
    if (help.error || call.out !== 'text') return printed(help, call)
    return { text: functionsTable(help.document, translator(help.lang)), failed: false }
  }
  const help = await dispatcher.execute({ ...call, func: 'help', params: { ...call.params, func: 'help' } })
  if (help.error) return printed(help, call)
  const about = rowsOf(help.document).find((row) => row.name === func)
  if (!about) return { text: serialize(errorDocument(call, help.lang, missed('func', func)), call.out!).body, failed: true }
  const params = await dispatcher.execute(call)
  if (params.error || call.out !== 'text') return printed(params, call)
  return { text: paramsTable(func, about, params.document, translator(params.lang)), failed: false }
}

/** On a terminal, a long call (one that reports progress) draws a bar; returns what ends it. */
function watchProgress(call: Call, stream: ProgressStream): () => void {
  if (!stream.isTTY) return () => {}
  const progress = new Progress(stream)
  let task: Task | undefined
  let reported = 0
  call.progress = (done, total) => {
    task ??= progress.start(call.func, total)
    task.tick(done - reported)
    reported = done
  }
  return () => task?.done()
}
