import { eq } from 'drizzle-orm'
import { users } from '../../db/schema/index'
import { Level } from '../../core/principal'
import { defineFunction } from '../registry'
import { keepAnAdmin, managedUser } from './access'

export const userDelete = defineFunction({
  name: 'user.delete',
  kind: 'group',
  level: Level.reseller,
  each(ctx, id) {
    const user = managedUser(ctx, id)
    if (!user) return
    keepAnAdmin(ctx, user)
    ctx.db.delete(users).where(eq(users.id, user.id)).run()
    if (user.id === ctx.user.id) ctx.reply.endSession = true
  },
})

/** Suspended users cannot log in, and their sessions end at once. */
export const userSuspend = defineFunction({
  name: 'user.suspend',
  kind: 'group',
  level: Level.reseller,
  each(ctx, id) {
    const user = managedUser(ctx, id)
    if (!user || user.status === 'suspended') return
    keepAnAdmin(ctx, user)
    ctx.db.update(users).set({ status: 'suspended', updatedAt: ctx.now }).where(eq(users.id, user.id)).run()
    ctx.services.sessions.endAllOf(user.id)
    if (user.id === ctx.user.id) ctx.reply.endSession = true
  },
})

export const userResume = defineFunction({
  name: 'user.resume',
  kind: 'group',
  level: Level.reseller,
  each(ctx, id) {
    const user = managedUser(ctx, id)
    if (!user || user.status === 'active') return
    ctx.db.update(users).set({ status: 'active', updatedAt: ctx.now }).where(eq(users.id, user.id)).run()
  },
})
