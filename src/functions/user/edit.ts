import { and, eq, ne } from 'drizzle-orm'
import { hashPassword } from '../../auth/passwords'
import { sha256 } from '../../auth/tokens'
import { denied, invalid, taken } from '../../core/errors'
import { valueLabel } from '../../core/labels'
import type { Values } from '../../core/params'
import { Level } from '../../core/principal'
import { sessions, users } from '../../db/schema/index'
import { defineFunction, type FunctionContext } from '../registry'
import { keepAnAdmin, managedUser } from './access'
import { levelValues } from './list'

/** Levels the caller may give: an admin up to its own, a reseller only plain users. */
function grantableLevels(ctx: FunctionContext): string[] {
  return levelValues.filter((l) => (ctx.user.level >= Level.admin ? Number(l) <= ctx.user.level : Number(l) === Level.user))
}

/** Views, creates (no elid) or updates (elid) a user; `passwd` with `confirm` sets the password. */
export default defineFunction({
  name: 'user.edit',
  kind: 'form',
  level: Level.reseller,
  fields: {
    name: { type: 'login', required: true, max: 64 },
    realname: { type: 'string', max: 128 },
    email: { type: 'email' },
    level: { type: 'enum', values: levelValues, default: '16' },
    language: { type: 'lang', default: '' },
    allowed_addresses: { type: 'addresses' },
    status: { type: 'enum', values: ['active', 'suspended'], readonly: true },
    passwd: { type: 'password', required: true, min: 8 },
    confirm: { type: 'password' },
  },
  choices(ctx) {
    return { level: grantableLevels(ctx).map((l) => [l, valueLabel(ctx.t, 'user.edit', 'level', l)]) }
  },
  load(ctx, id) {
    const u = managedUser(ctx, id)
    if (!u) return undefined
    return {
      name: u.name,
      realname: u.realname,
      email: u.email,
      level: u.level,
      language: u.lang,
      allowed_addresses: u.allowedAddresses,
      status: u.status,
    }
  },
  async prepare(_ctx, values): Promise<string | undefined> {
    if (values.passwd === undefined) return undefined
    if (values.confirm !== values.passwd) throw invalid('confirm', '', 'mismatch')
    return hashPassword(String(values.passwd))
  },
  save(ctx, values, id, passwordHash: string | undefined) {
    if (values.level !== undefined && !grantableLevels(ctx).includes(String(values.level))) {
      throw denied('level', String(values.level))
    }
    const name = values.name === undefined ? undefined : String(values.name)
    if (name !== undefined) {
      const clash = ctx.db
        .select({ id: users.id })
        .from(users)
        .where(id === undefined ? eq(users.name, name) : and(eq(users.name, name), ne(users.id, Number(id))))
        .get()
      if (clash) throw taken('name', name)
    }
    const changes = columnsOf(values)
    if (id === undefined) {
      const row = ctx.db
        .insert(users)
        .values({
          name: String(name),
          ...changes,
          passwordHash: String(passwordHash),
          parentId: ctx.user.level >= Level.admin ? null : ctx.user.id,
          createdAt: ctx.now,
          updatedAt: ctx.now,
        })
        .returning({ id: users.id })
        .get()
      return row.id
    }
    const target = managedUser(ctx, id)!
    if (changes.level !== undefined && changes.level < Level.admin) keepAnAdmin(ctx, target)
    ctx.db
      .update(users)
      .set({ ...changes, ...(name ? { name } : {}), ...(passwordHash ? { passwordHash } : {}), updatedAt: ctx.now })
      .where(eq(users.id, target.id))
      .run()
    if (passwordHash) endOtherSessions(ctx, target.id)
    return target.id
  },
})

function columnsOf(values: Values) {
  const out: Partial<Pick<typeof users.$inferInsert, 'realname' | 'email' | 'level' | 'lang' | 'allowedAddresses'>> = {}
  if (values.realname !== undefined) out.realname = String(values.realname)
  if (values.email !== undefined) out.email = String(values.email)
  if (values.level !== undefined && values.level !== '') out.level = Number(values.level)
  if (values.language !== undefined) out.lang = String(values.language)
  if (values.allowed_addresses !== undefined) out.allowedAddresses = String(values.allowed_addresses)
  return out
}

/** A new password ends the user's other sessions; the one making the change stays. */
function endOtherSessions(ctx: FunctionContext, userId: number): void {
  const keep = ctx.session ? sha256(ctx.session.token) : ''
  ctx.db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), ne(sessions.tokenHash, keep)))
    .run()
}
