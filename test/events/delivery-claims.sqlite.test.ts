import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/connection'
import { dueSql } from '../../src/events/worker-sql'

describe('claiming on SQLite', () => {
  it('walks new deliveries in order and finds retries by their time: rows waiting for a later retry are not walked', () => {
    const db = openDatabase(':memory:')
    try {
      const planOf = (text: string) =>
        db.$client
          .prepare(`explain query plan ${text}`)
          .all({ now: 0, limit: 1 })
          .map((r) => (r as { detail: string }).detail)
          .join('\n')
      const fresh = planOf(dueSql.sqlite.pending)
      expect(fresh).toMatch(/SCAN d USING INDEX provisioning_deliveries_due_idx/)
      // Already in order: nothing is sorted, so the walk stops at the limit.
      expect(fresh).not.toMatch(/TEMP B-TREE/)
      const retries = planOf(dueSql.sqlite.retrying)
      expect(retries).toMatch(/SEARCH d USING INDEX provisioning_deliveries_retry_idx \(next_at<\?\)/)
      for (const plan of [fresh, retries]) expect(plan).not.toMatch(/SCAN d\s*$/m)
    } finally {
      db.$client.close()
    }
  })
})
