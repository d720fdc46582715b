import { canSu } from '../../core/access'
import { denied, missed } from '../../core/errors'
import { Level } from '../../core/principal'
import { formatDateTime } from '../../format/time'
import { pageInMemory } from '../paging'
import { defineFunction } from '../../core/registry'

/** The caller's sessions; admins see everyone's. Tokens are never listed, only handles. */
export const sessionList = defineFunction({
  name: 'session',
  kind: 'list',
  level: Level.user,
  columns: [
    { name: 'id', type: 'string' },
    { name: 'username', type: 'string' },
    { name: 'address', type: 'string' },
    { name: 'useragent', type: 'string' },
    { name: 'created', type: 'datetime' },
    { name: 'lastseen', type: 'datetime' },
    { name: 'current', type: 'flag' },
  ],
  defaultSort: 'created',
  toolbar: ['session.delete'],
  async fetch(ctx, q) {
    const all = await ctx.services.sessions.list(ctx.now, ctx.user.level >= Level.admin ? undefined : ctx.user.id)
    const rows = all.map((s) => ({
      id: s.handle,
      username: s.userName,
      address: s.address,
      useragent: s.userAgent,
      created: formatDateTime(s.createdAt),
      lastseen: formatDateTime(s.lastSeenAt),
      current: s.handle === ctx.session?.handle,
    }))
    return pageInMemory(rows, q)
  },
})

/** Ends sessions: one's own, or anyone's for an admin. `elid` is a handle or a session id. */
export const sessionDelete = defineFunction({
  name: 'session.delete',
  kind: 'group',
  level: Level.user,
  async each(ctx, id) {
    const found = await ctx.services.sessions.find(id)
    if (!found) return
    if (found.userId !== ctx.user.id && ctx.user.level < Level.admin) throw denied('elid', id)
    await ctx.services.sessions.delete(found.tokenHash)
    if (found.handle === ctx.session?.handle) ctx.reply.endSession = true
  },
})

/** Issues a one-time login key for a user below the caller. */
export const sessionNewKey = defineFunction({
  name: 'session.newkey',
  kind: 'action',
  level: Level.admin,
  writes: true,
  params: {
    username: { type: 'login', required: true },
    key: { type: 'string', required: true, secret: true, min: 16, max: 256 },
  },
  async run(ctx, values) {
    const target = await ctx.services.auth.findUser(String(values.username))
    if (!target) throw missed('username', String(values.username))
    if (!canSu(ctx.user, target)) throw denied('username', String(values.username))
    await ctx.services.keys.issue(String(values.key), target.id, ctx.user.id, ctx.now)
    return []
  },
})
