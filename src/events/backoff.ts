/** How far a retry's wait may stray from the schedule, either way: spreads out retries that failed together. */
export const jitter = 0.2

/**
 * The wait (ms) before retrying a delivery whose `attempt`-th call (1-based) failed: the
 * schedule's entry for it, ± jitter; undefined when the schedule has no entry left (it fails).
 */
export function retryDelay(schedule: readonly number[], attempt: number, random: () => number = Math.random): number | undefined {
  const base = schedule[attempt - 1]
  if (base === undefined) return undefined
  return Math.round(base * (1 + jitter * (2 * random() - 1)))
}
