import { and, eq, ne } from 'drizzle-orm'
import { hashPassword } from '../../auth/passwords'
import { sha256 } from '../../auth/tokens'
import type { UserRecord } from '../../db/rows'
import { requireAccount } from '../../billing/scope'
import { denied, invalid, missed, taken } from '../../core/errors'
import type { Db } from '../../db/connection'
import { firstRow, rowById } from '../../db/query'
import { valueLabel } from '../../core/labels'
import type { Values } from '../../core/params'
import { Level } from '../../core/principal'
import { resellers, sessions, users } from '../../db/schema/index'
import { userFields } from '../../events/snapshots'
import { defineFunction, type FunctionContext } from '../../core/registry'
import { clientUser } from '../provisioning/proposed'
import { keepAnAdmin, managedUser, tellUserChange } from './access'
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
  before: clientUser(),
  fields: {
    name: { type: 'login', required: true, max: 64 },
    realname: { type: 'string', max: 128 },
    email: { type: 'email' },
    level: { type: 'enum', values: levelValues, default: '16' },
    language: { type: 'lang', default: '' },
    allowed_addresses: { type: 'addresses' },
    reseller: { type: 'int', min: 1 },
    account: { type: 'int', min: 1 },
    status: { type: 'enum', values: ['active', 'suspended'], readonly: true },
    passwd: { type: 'password', required: true, min: 8 },
    confirm: { type: 'password' },
  },
  async choices(ctx) {
    return {
      level: grantableLevels(ctx).map((l) => [l, valueLabel(ctx.t, 'user.edit', 'level', l)]),
      ...(ctx.user.level >= Level.admin ? { reseller: await resellerChoices(ctx.db) } : {}),
    }
  },
  async load(ctx, id) {
    const u = await managedUser(ctx, id)
    return u && userFields(u)
  },
  async prepare(_ctx, values): Promise<string | undefined> {
    if (values.passwd === undefined) return undefined
    if (values.confirm !== values.passwd) throw invalid('confirm', '', 'mismatch')
    return hashPassword(String(values.passwd))
  },
  async save(ctx, values, id, passwordHash: string | undefined) {
    if (values.level !== undefined && !grantableLevels(ctx).includes(String(values.level))) {
      throw denied('level', String(values.level))
    }
    const name = values.name === undefined ? undefined : String(values.name)
    if (name !== undefined) {
      const clash = await firstRow(
        ctx.db
          .select({ id: users.id })
          .from(users)
          .where(id === undefined ? eq(users.name, name) : and(eq(users.name, name), ne(users.id, Number(id)))),
      )
      if (clash) throw taken('name', name)
    }
    const changes = columnsOf(values)
    const target = id === undefined ? undefined : (await managedUser(ctx, id))!
    const binding = await bindingOf(ctx, values, target)
    if (id === undefined) {
      const [row] = await ctx.db
        .insert(users)
        .values({
          name: String(name),
          ...changes,
          ...binding,
          passwordHash: String(passwordHash),
          createdAt: ctx.now,
          updatedAt: ctx.now,
        })
        .returning()
      await tellUserChange(ctx, row.id, undefined, row)
      return row.id
    }
    if (changes.level !== undefined && changes.level < Level.admin) await keepAnAdmin(ctx, target!)
    const [updated] = await ctx.db
      .update(users)
      .set({ ...changes, ...binding, ...(name ? { name } : {}), ...(passwordHash ? { passwordHash } : {}), updatedAt: ctx.now })
      .where(eq(users.id, target!.id))
      .returning()
    await tellUserChange(ctx, target!.id, target, updated)
    if (passwordHash) await endOtherSessions(ctx, target!.id)
    return target!.id
  },
})

/**
 * Whom a user belongs to, from its level: a reseller's staff (24) to a reseller, a client user
 * (16) to a client (and so to the client's reseller) or to nothing, admins to nothing. A
 * reseller's user creates only users of its own reseller's clients.
 */
async function bindingOf(
  ctx: FunctionContext,
  values: Values,
  existing: UserRecord | undefined,
): Promise<{ resellerId: number | null; accountId: number | null }> {
  const level = values.level !== undefined && values.level !== '' ? Number(values.level) : (existing?.level ?? Level.user)
  const given = (name: 'reseller' | 'account', current: number | null | undefined) =>
    values[name] === undefined ? (current ?? null) : values[name] === '' ? null : Number(values[name])
  const resellerId = given('reseller', existing?.resellerId)
  const accountId = given('account', existing?.accountId)
  if (level >= Level.admin) {
    if (values.reseller) throw invalid('reseller', String(values.reseller), 'adminbound')
    if (values.account) throw invalid('account', String(values.account), 'adminbound')
    return { resellerId: null, accountId: null }
  }
  if (ctx.user.level < Level.admin) {
    if (values.reseller && Number(values.reseller) !== ctx.user.resellerId) throw denied('reseller', String(values.reseller))
    const account = accountId === null ? undefined : await requireAccount(ctx.db, ctx.user, 'account', accountId)
    return { resellerId: ctx.user.resellerId, accountId: account?.id ?? null }
  }
  if (level >= Level.reseller) {
    if (values.account) throw invalid('account', String(values.account), 'staffbound')
    if (resellerId === null) throw missed('reseller')
    if (!(await rowById(ctx.db, resellers, resellers.id, String(resellerId)))) throw missed('reseller', String(resellerId))
    return { resellerId, accountId: null }
  }
  if (accountId !== null) {
    const account = await requireAccount(ctx.db, ctx.user, 'account', accountId)
    if (values.reseller && Number(values.reseller) !== account.resellerId) throw invalid('reseller', String(values.reseller), 'accountreseller')
    return { resellerId: account.resellerId, accountId: account.id }
  }
  if (resellerId !== null && !(await rowById(ctx.db, resellers, resellers.id, String(resellerId)))) throw missed('reseller', String(resellerId))
  return { resellerId, accountId: null }
}

export async function resellerChoices(db: Db): Promise<[string, string][]> {
  const rows = await db.select({ id: resellers.id, name: resellers.name }).from(resellers).orderBy(resellers.name)
  return rows.map((r) => [String(r.id), r.name])
}

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
async function endOtherSessions(ctx: FunctionContext, userId: number): Promise<void> {
  const keep = ctx.session ? sha256(ctx.session.token) : ''
  await ctx.db.delete(sessions).where(and(eq(sessions.userId, userId), ne(sessions.tokenHash, keep)))
}
