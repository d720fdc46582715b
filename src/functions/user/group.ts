import { eq } from 'drizzle-orm'
import { listFilters, users } from '../../db/schema/index'
import { clientUserDeleted } from '../provisioning/proposed'
import { Level } from '../../core/principal'
import { defineFunction, type FunctionContext } from '../../core/registry'
import { keepAnAdmin, managedUser, tellUserChange } from './access'

export const userDelete = defineFunction({
  name: 'user.delete',
  kind: 'group',
  level: Level.reseller,
  before: clientUserDeleted(),
  async each(ctx, id) {
    const user = await managedUser(ctx, id)
    if (!user) return
    await keepAnAdmin(ctx, user)
    await ctx.db.delete(users).where(eq(users.id, user.id))
    await tellUserChange(ctx, user.id, user, undefined)
    await ctx.db.delete(listFilters).where(eq(listFilters.userId, user.id))
    if (user.id === ctx.user.id) ctx.reply.endSession = true
  },
})

/** Sets a user's status; suspending ends its sessions at once and keeps an active admin. */
async function setStatus(ctx: FunctionContext, id: string, status: 'active' | 'suspended'): Promise<void> {
  const user = await managedUser(ctx, id)
  if (!user || user.status === status) return
  if (status === 'suspended') await keepAnAdmin(ctx, user)
  const [updated] = await ctx.db.update(users).set({ status, updatedAt: ctx.now }).where(eq(users.id, user.id)).returning()
  await tellUserChange(ctx, user.id, user, updated)
  if (status === 'suspended') {
    await ctx.services.sessions.endAllOf(user.id)
    if (user.id === ctx.user.id) ctx.reply.endSession = true
  }
}

/** Suspended users cannot log in, and their sessions end at once. */
export const userSuspend = defineFunction({
  name: 'user.suspend',
  kind: 'group',
  level: Level.reseller,
  each: async (ctx, id) => setStatus(ctx, id, 'suspended'),
})

export const userResume = defineFunction({
  name: 'user.resume',
  kind: 'group',
  level: Level.reseller,
  each: async (ctx, id) => setStatus(ctx, id, 'active'),
})
