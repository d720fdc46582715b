import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, parseConfig, retryScheduleMs } from '../../src/config'

describe('delivery settings', () => {
  it('default to the spec’s schedule, 256 deliveries at once, a 250 ms poll and 30 days of log', () => {
    expect(loadConfig({})).toMatchObject({
      hookRetrySchedule: retryScheduleMs,
      hookConcurrency: 256,
      hookPollInterval: 250,
      hookLeaseGrace: 30_000,
      hookLogRetentionDays: 30,
    })
  })

  it('read BILLGATE_HOOK_* variables, durations with units', () => {
    const config = loadConfig({
      BILLGATE_HOOK_RETRY_SCHEDULE: '30, 2m,1h 1d 500ms',
      BILLGATE_HOOK_CONCURRENCY: '4',
      BILLGATE_HOOK_POLL_INTERVAL: '50',
      BILLGATE_HOOK_LEASE_GRACE: '1000',
      BILLGATE_HOOK_LOG_DAYS: '0',
    })
    expect(config).toMatchObject({
      hookRetrySchedule: [30_000, 120_000, 3_600_000, 86_400_000, 500],
      hookConcurrency: 4,
      hookPollInterval: 50,
      hookLeaseGrace: 1000,
      hookLogRetentionDays: 0,
    })
  })

  it('refuse what they cannot read', () => {
    const problems: string[] = []
    parseConfig({ BILLGATE_HOOK_RETRY_SCHEDULE: '1m,soon', BILLGATE_HOOK_CONCURRENCY: '0', BILLGATE_HOOK_POLL_INTERVAL: '1' }, problems)
    expect(problems).toHaveLength(3)
    expect(problems[0]).toMatch(/BILLGATE_HOOK_RETRY_SCHEDULE/)
    expect(() => loadConfig({ BILLGATE_HOOK_RETRY_SCHEDULE: ',' })).toThrow(ConfigError)
  })
})
