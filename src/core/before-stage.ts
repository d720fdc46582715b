import { clip } from '../format/text'
import { invalid } from './errors'
import { isSecret, type ParamSpecs, type Values } from './params'
import type { FunctionContext, ProposedEvent, ProposedEvents } from './registry'

/**
 * The before-stage of provisioning handlers, as the events layer provides it: undefined when no
 * handler is enabled, else what asks them about proposed events and returns the fields each
 * changed (or throws their refusal).
 */
export type BeforeStage = () => Promise<((now: number, events: ProposedEvent[]) => Promise<Record<string, unknown>[]>) | undefined>

/**
 * Asks the before-handlers about the change a call proposes, with no transaction open; throws
 * their refusal. Returns the parameters they changed (as request text, only those the function
 * takes), to be parsed and checked again, or undefined. Costs one indexed query when no
 * before-handler is enabled.
 */
export async function askBefore(
  before: BeforeStage,
  proposed: ProposedEvents | undefined,
  ctx: FunctionContext,
  specs: ParamSpecs,
  values: Values,
  ids: (string | undefined)[],
): Promise<Record<string, string> | undefined> {
  if (!proposed) return undefined
  const ask = await before()
  if (!ask) return undefined
  // Handlers never see secrets (a new user's password).
  const shown: Values = {}
  for (const name in values) if (!isSecret(name, specs[name])) shown[name] = values[name]
  const events: ProposedEvent[] = []
  for (const id of ids) events.push(...[(await proposed(ctx, shown, id)) ?? []].flat())
  if (!events.length) return undefined
  const changes = Object.assign({}, ...(await ask(ctx.now, events))) as Record<string, unknown>
  const params: Record<string, string> = {}
  for (const [name, value] of Object.entries(changes)) {
    const spec = specs[name]
    if (!spec || spec.readonly || isSecret(name, spec)) continue
    params[name] = requestText(name, value, spec.type === 'flag')
  }
  return Object.keys(params).length ? params : undefined
}

/** A value a handler gave, as a call would send it. */
function requestText(name: string, value: unknown, flag: boolean): string {
  if (typeof value === 'boolean') return flag ? (value ? 'on' : 'off') : String(value)
  if (typeof value === 'string' || typeof value === 'number') return String(value)
  if (value === null) return ''
  throw invalid(name, clip(JSON.stringify(value) ?? ''), 'scalar')
}
