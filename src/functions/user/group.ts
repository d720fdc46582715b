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
  each(ctx, id) {
    const user = managedUser(ctx, id)
    if (!user) return
    keepAnAdmin(ctx, user)
    ctx.db.delete(users).where(eq(users.id, user.id)).run()
    tellUserChange(ctx, user.id, user, undefined)
    ctx.db.delete(listFilters).where(eq(listFilters.userId, user.id)).run()
    if (user.id === ctx.user.id) ctx.reply.endSession = true
  },
})

/** Sets a user's status; suspending ends its sessions at once and keeps an active admin. */
function setStatus(ctx: FunctionContext, id: string, status: 'active' | 'suspended'): void {
  const user = managedUser(ctx, id)
  if (!user || user.status === status) return
  if (status === 'suspended') keepAnAdmin(ctx, user)
  const updated = ctx.db.update(users).set({ status, updatedAt: ctx.now }).where(eq(users.id, user.id)).returning().get()
  tellUserChange(ctx, user.id, user, updated)
  if (status === 'suspended') {
    ctx.services.sessions.endAllOf(user.id)
    if (user.id === ctx.user.id) ctx.reply.endSession = true
  }
}

/** Suspended users cannot log in, and their sessions end at once. */
export const userSuspend = defineFunction({
  name: 'user.suspend',
  kind: 'group',
  level: Level.reseller,
  each: (ctx, id) => setStatus(ctx, id, 'suspended'),
})

export const userResume = defineFunction({
  name: 'user.resume',
  kind: 'group',
  level: Level.reseller,
  each: (ctx, id) => setStatus(ctx, id, 'active'),
})
