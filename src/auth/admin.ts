import { Level } from '../core/principal'
import type { Db } from '../db/connection'
import { countRows } from '../db/query'
import { users } from '../db/schema/index'
import { generatePassword, hashPassword } from './passwords'

/**
 * On first start (no users at all), creates the admin `admin`. Returns the generated password
 * when none was configured, so that it can be shown once.
 */
export async function ensureAdmin(db: Db, password: string | undefined, now: number): Promise<string | undefined> {
  if (countRows(db, users) > 0) return undefined
  const chosen = password ?? generatePassword()
  const passwordHash = await hashPassword(chosen)
  db.insert(users)
    .values({ name: 'admin', realname: 'Administrator', passwordHash, level: Level.admin, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .run()
  return password === undefined ? chosen : undefined
}
