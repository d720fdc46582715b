import { and, eq, sql } from 'drizzle-orm'
import type { Db } from './connection'
import { preparedFor } from './prepared'
import { listFilters } from './schema/index'

function prepareLookup(db: Db) {
  return db
    .select({ params: listFilters.params })
    .from(listFilters)
    .where(and(eq(listFilters.userId, sql.placeholder('user')), eq(listFilters.func, sql.placeholder('func'))))
    .prepare()
}

const lookupOf = preparedFor(prepareLookup)

/** The raw parameters of a user's saved filter of a list, if it saved one. */
export async function savedFilter(db: Db, userId: number, func: string): Promise<Record<string, string> | undefined> {
  const [row] = await lookupOf(db).execute({ user: userId, func })
  return row ? (JSON.parse(row.params) as Record<string, string>) : undefined
}
