import type { Context } from 'hono'
import type { Config } from '../config'
import type { Call } from '../core/call'
import type { Dispatcher } from '../core/dispatch'
import type { Registry } from '../functions/registry'

export interface PanelDeps {
  dispatcher: Dispatcher
  registry: Registry
  config: Config
}

export function createPanel(_deps: PanelDeps) {
  return async function handlePanel(c: Context, _call: Call): Promise<Response> {
    return c.text('panel pending', 501)
  }
}
