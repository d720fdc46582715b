import { and, asc, eq } from 'drizzle-orm'
import { checkUserAddress, userById } from '../../auth/authenticate'
import { requireAccount } from '../../billing/scope'
import { invalid } from '../../core/errors'
import { Level } from '../../core/principal'
import type { Db } from '../../db/connection'
import { firstRow } from '../../db/query'
import { users } from '../../db/schema/index'
import { node } from '../../output/document'
import { defineFunction } from '../../core/registry'

/** A client's owner: the first of its client users to be created. */
async function ownerOf(db: Db, accountId: number) {
  const first = await firstRow(
    db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.accountId, accountId), eq(users.level, Level.user)))
      .orderBy(asc(users.createdAt), asc(users.id))
      .limit(1),
  )
  return first && (await userById(db, first.id))
}

/**
 * Starts a session as a client's owner user, to see the panel as the client does. The session
 * id comes back in `auth` (as from func=auth) and, for browsers, as the session cookie.
 */
export const accountSu = defineFunction({
  name: 'account.su',
  kind: 'action',
  level: Level.admin,
  writes: true,
  params: {
    elid: { type: 'string', required: true, max: 128 },
  },
  async run(ctx, values) {
    const account = await requireAccount(ctx.db, ctx.user, 'elid', String(values.elid))
    const owner = await ownerOf(ctx.db, account.id)
    if (!owner) throw invalid('elid', String(values.elid), 'nouser')
    if (owner.status !== 'active') throw invalid('elid', String(values.elid), 'ownersuspended', { user: owner.name })
    // A session the client's address list would refuse at its first use is no session at all.
    checkUserAddress(owner, ctx.address)
    const { token } = await ctx.services.sessions.create(owner.id, ctx.address, ctx.call.userAgent, ctx.now)
    ctx.reply.startSession = token
    ctx.reply.redirect = ctx.call.binary
    return [node('auth', token, { id: token, level: String(owner.level) }), node('user', owner.name)]
  },
})
