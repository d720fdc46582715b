import { checkUserAddress, userById } from '../../auth/authenticate'
import type { UserRecord } from '../../db/rows'
import { BillError, authFailed, missed } from '../../core/errors'
import { node } from '../../output/document'
import { defineFunction, type FunctionContext } from '../../core/registry'

async function startSession(ctx: FunctionContext, user: UserRecord) {
  const { token } = await ctx.services.sessions.create(user.id, ctx.address, ctx.call.userAgent, ctx.now)
  ctx.reply.startSession = token
  ctx.reply.redirect = '/billmgr'
  if (user.lang === 'en' || user.lang === 'ru') ctx.lang = user.lang
  return [node('auth', token, { id: token, level: String(user.level) })]
}

/** Logs in with a username and password, or with a one-time key; starts a session. */
export default defineFunction({
  name: 'auth',
  kind: 'action',
  level: 0,
  writes: true,
  hidden: true,
  params: {
    username: { type: 'string', max: 64 },
    password: { type: 'password' },
    key: { type: 'string', secret: true, max: 256 },
  },
  async prepare(ctx, values): Promise<UserRecord | undefined> {
    if (values.key) return undefined
    if (!values.username) throw missed('username')
    return ctx.services.auth.verify(String(values.username), String(values.password ?? ''), ctx.address, ctx.now)
  },
  async run(ctx, values, verified: UserRecord | undefined) {
    if (verified) return startSession(ctx, verified)
    const userId = await ctx.services.keys.consume(String(values.key), ctx.now)
    const user = userId === undefined ? undefined : await userById(ctx.db, userId)
    if (!user || (values.username && values.username !== user.name)) throw authFailed('key')
    if (user.status !== 'active') throw authFailed('suspended')
    checkUserAddress(user, ctx.address)
    return startSession(ctx, user)
  },
})

export const keepalive = defineFunction({
  name: 'keepalive',
  kind: 'action',
  level: 16,
  writes: false,
  hidden: true,
  params: {},
  async run(ctx) {
    if (ctx.session) await ctx.services.sessions.refresh(ctx.session.token, ctx.now)
    return [node('ok', true)]
  },
})

/** Ends the caller's own session (the panel's logout). */
export const logout = defineFunction({
  name: 'logout',
  kind: 'action',
  level: 16,
  writes: true,
  hidden: true,
  params: {},
  async run(ctx) {
    if (!ctx.session) throw new BillError('missed', 'session')
    await ctx.services.sessions.deleteToken(ctx.session.token)
    ctx.reply.endSession = true
    ctx.reply.redirect = '/billmgr'
    return [node('ok', true)]
  },
})
