/** The spec's defaults for handlers that set none (a handler's own `timeout_ms` wins). */

/** How long an after-handler may take per attempt. */
export const afterTimeoutMs = 10_000

/** The hard limit of a before-handler's call (the change waits for it). */
export const beforeTimeoutMs = 3_000

export function timeoutOf(handler: { stage: 'after' | 'before'; timeoutMs: number }): number {
  return handler.timeoutMs > 0 ? handler.timeoutMs : handler.stage === 'before' ? beforeTimeoutMs : afterTimeoutMs
}
