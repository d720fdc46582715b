import { hashPassword, generatePassword } from '../auth/passwords'
import { Level } from '../core/principal'
import type { Db } from './connection'
import { countRows } from './query'
import { users } from './schema/index'

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
