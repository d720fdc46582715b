import type { Lang } from '../i18n/index'
import type { Call } from './call'
import { isSecret } from './params'
import type { Principal } from './principal'
import { paramsOf, type FunctionDef } from './registry'

/** Where a serialized reply is kept: its key and the data generation it was made from. */
export interface ReplySlot {
  key: string
  generation: number
}

/**
 * The slot of a call whose reply may be kept and sent again: a cacheable list, called by
 * someone authenticated without su, for a format. Undefined for any other call.
 */
export function replySlot(def: FunctionDef, call: Call, user: Principal | undefined, lang: Lang, generation: number): ReplySlot | undefined {
  if (def.kind !== 'list' || !def.cacheable || call.su || !call.out || !user) return undefined
  return { key: replyKey(def, user, lang, call), generation }
}

/** Everything a cacheable list's reply depends on: function, caller, language, parameters in order. */
function replyKey(def: FunctionDef, user: Principal, lang: Lang, call: Call): string {
  let key = `${def.name}\u0000${user.id}\u0000${user.level}\u0000${lang}\u0000${call.binary}`
  const specs = paramsOf(def)
  for (const name in call.params) {
    if (!isSecret(name, specs[name])) key += `\u0000${name}\u0001${call.params[name]}`
  }
  return key
}
