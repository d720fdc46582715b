/** The spec's defaults for handlers that set none (a handler's own `timeout_ms` wins). */

/** How long an after-handler may take per attempt. */
export const afterTimeoutMs = 10_000

/** The hard limit of a before-handler's call (the change waits for it). */
export const beforeTimeoutMs = 3_000

/** Waits before each retry of a failed delivery: 1 min, 5 min, 30 min, 2 h, 12 h, 24 h; then it fails. */
export const retryScheduleMs: readonly number[] = [60_000, 300_000, 1_800_000, 7_200_000, 43_200_000, 86_400_000]

export function timeoutOf(handler: { stage: 'after' | 'before'; timeoutMs: number }): number {
  return handler.timeoutMs > 0 ? handler.timeoutMs : handler.stage === 'before' ? beforeTimeoutMs : afterTimeoutMs
}
