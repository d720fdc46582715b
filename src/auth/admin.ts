import { Level } from '../core/principal'
import { countRows } from '../db/query'
import { users } from '../db/schema/index'
import type { Store } from '../db/store'
import { generatePassword, hashPassword } from './passwords'

/**
 * On first start (no users at all), creates the admin `admin`. Returns the generated password
 * when none was configured, so that it can be shown once.
 */
export async function ensureAdmin(store: Store, password: string | undefined, now: number): Promise<string | undefined> {
  if ((await countRows(store.db, users)) > 0) return undefined
  const chosen = password ?? generatePassword()
  const passwordHash = await hashPassword(chosen)
  await store.write((tx) =>
    tx
      .insert(users)
      .values({ name: 'admin', realname: 'Administrator', passwordHash, level: Level.admin, createdAt: now, updatedAt: now })
      .onConflictDoNothing(),
  )
  return password === undefined ? chosen : undefined
}
