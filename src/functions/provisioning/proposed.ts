import { Level } from '../../core/principal'
import { elementId } from '../../db/query'
import type { EventId } from '../../events/catalog'
import type { FunctionContext, ProposedEvent, ProposedEvents } from '../../core/registry'

/**
 * What calls propose to before-handlers, declared on the functions whose changes are events
 * (their `before` property). Asked only when an enabled before-handler exists.
 */

/** A form's save: `create` with the values given, or `update` with the element's id and the values given. */
export function savedForm(create: EventId, update: EventId): ProposedEvents {
  return async (_ctx, values, id) => {
    if (id === undefined) return { event: create, objectId: null, data: { ...values } }
    const objectId = elementId(id)
    return objectId === undefined ? undefined : { event: update, objectId, data: { id: objectId, ...values } }
  }
}

/** An action that creates something (an order, an invoice): the values it was given. */
export function created(event: EventId): ProposedEvents {
  return async (_ctx, values) => ({ event, objectId: null, data: { ...values } })
}

/**
 * An event about an existing element (a group's, or an action's `elid`): the element as its
 * form `form` shows it, with the call's own values and what it `proposed` (a new status); `{}`
 * with `bare`. Nothing when the element
 * does not exist (the function then skips or refuses it itself).
 */
export function aboutElement(event: EventId, form: string, bare = false, proposed: Record<string, unknown> = {}): ProposedEvents {
  return async (ctx, values, id) => {
    const { elid, ...given } = values
    const key = id ?? (elid === undefined ? undefined : String(elid))
    const objectId = key === undefined ? undefined : elementId(key)
    const shown = objectId === undefined ? undefined : await loaded(ctx, form, key!)
    if (!shown) return undefined
    return { event, objectId: objectId!, data: bare ? {} : { id: objectId, ...shown, ...given, ...proposed } }
  }
}

/** A client user's creation or change (users of other levels are not JeraSoft's "accounts"). */
export function clientUser(): ProposedEvents {
  const form = savedForm('clients.accounts.create', 'clients.accounts.update')
  return async (ctx, values, id) => {
    const level = id === undefined ? values.level : (values.level ?? (await loaded(ctx, 'user.edit', id))?.level)
    return Number(level ?? Level.user) === Level.user ? ((await form(ctx, values, id)) as ProposedEvent | undefined) : undefined
  }
}

/** A client user's deletion (other users are not JeraSoft's "accounts"). */
export function clientUserDeleted(): ProposedEvents {
  const about = aboutElement('clients.accounts.delete', 'user.edit', true)
  return async (ctx, values, id) => (id !== undefined && Number((await loaded(ctx, 'user.edit', id))?.level) === Level.user ? about(ctx, values, id) : undefined)
}

async function loaded(ctx: FunctionContext, form: string, id: string) {
  const def = ctx.registry.get(form)
  return def?.kind === 'form' ? def.load(ctx, id) : undefined
}
