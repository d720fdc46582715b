import { and, eq, sql } from 'drizzle-orm'
import { requireAccount, type Account } from '../../billing/scope'
import { BillError, invalid, missed } from '../../core/errors'
import { Level } from '../../core/principal'
import { pageOf, sortedList } from '../../db/query'
import { accountFields } from '../../db/schema/index'
import { emit } from '../../events/outbox'
import { defineFunction, type FunctionContext } from '../registry'

const listed = {
  name: accountFields.name,
  value: accountFields.value,
}

const fieldName = /^[A-Za-z_][A-Za-z0-9_.-]*$/

/**
 * The client a custom-field call is about: `elid` for the list (the client whose fields are
 * opened, BILLmanager style; `plid` as well, which is how the panel comes back to it), `plid`
 * for the form and the group operations on its fields.
 */
function parentAccount(ctx: FunctionContext, param: 'elid' | 'plid'): Account {
  const given = ctx.call.params[param] || (param === 'elid' ? ctx.call.params.plid : undefined)
  if (!given) throw missed(param)
  return requireAccount(ctx.db, ctx.user, param, given)
}

function fieldOf(ctx: FunctionContext, accountId: number, name: string) {
  return ctx.db
    .select()
    .from(accountFields)
    .where(and(eq(accountFields.accountId, accountId), eq(accountFields.name, name)))
    .get()
}

/**
 * Tells handlers of changed custom fields of a client, as JeraSoft's `clients.fieldsUpdate`
 * takes them: `{id, fields: [{id: name, value}]}`; a field that is gone has the value null.
 */
function tellFields(ctx: FunctionContext, accountId: number, fields: { id: string; value: string | null }[]): void {
  emit(ctx.db, ctx.now, { event: 'clients.custom_fields.update', objectId: accountId, data: { id: accountId, fields } })
}

/** One client's custom fields (`elid` = the client). */
export const accountFieldList = defineFunction({
  name: 'account.customfields',
  kind: 'list',
  level: Level.user,
  cacheable: true,
  key: 'name',
  columns: [
    { name: 'name', type: 'string' },
    { name: 'value', type: 'string' },
  ],
  defaultSort: 'name',
  toolbar: ['account.customfields.edit', 'account.customfields.delete'],
  fetch(ctx, q) {
    const account = parentAccount(ctx, 'elid')
    const statements = sortedList(ctx.db, accountFields, listed, accountFields.name, q, {
      shape: 'client',
      condition: () => eq(accountFields.accountId, sql.placeholder('account')),
    })
    return pageOf(statements, { limit: q.limit, offset: q.offset, account: account.id })
  },
})

/** A custom field of a client (`plid` = the client, `elid` = the field's name). */
export const accountFieldEdit = defineFunction({
  name: 'account.customfields.edit',
  kind: 'form',
  level: Level.user,
  // Changing custom fields is for the operator and the client's reseller, not the client.
  saveLevel: Level.reseller,
  fields: {
    name: { type: 'string', required: true, max: 64 },
    value: { type: 'text', max: 1000 },
  },
  load(ctx, id) {
    const field = fieldOf(ctx, parentAccount(ctx, 'plid').id, id)
    return field && { name: field.name, value: field.value }
  },
  save(ctx, values, id) {
    const account = parentAccount(ctx, 'plid')
    const name = values.name === undefined ? id! : String(values.name)
    if (!fieldName.test(name)) throw invalid('name', name, 'fieldname')
    if (name !== id && fieldOf(ctx, account.id, name)) {
      throw new BillError('exists', 'name', name, {}, 'errors:exists.customfield')
    }
    const value = values.value === undefined ? undefined : String(values.value)
    if (id === undefined) {
      ctx.db.insert(accountFields).values({ accountId: account.id, name, value: value ?? '' }).run()
      tellFields(ctx, account.id, [{ id: name, value: value ?? '' }])
      return name
    }
    const before = fieldOf(ctx, account.id, id)
    const after = ctx.db
      .update(accountFields)
      .set({ name, ...(value === undefined ? {} : { value }) })
      .where(and(eq(accountFields.accountId, account.id), eq(accountFields.name, id)))
      .returning()
      .get()
    if (before && after) {
      const renamed = before.name !== after.name
      if (renamed) tellFields(ctx, account.id, [{ id: before.name, value: null }, { id: after.name, value: after.value }])
      else if (before.value !== after.value) tellFields(ctx, account.id, [{ id: after.name, value: after.value }])
    }
    return name
  },
})

/** Deletes custom fields of a client (`plid` = the client, `elid` = their names). */
export const accountFieldDelete = defineFunction({
  name: 'account.customfields.delete',
  kind: 'group',
  level: Level.reseller,
  each(ctx, id) {
    const account = parentAccount(ctx, 'plid')
    const deleted = ctx.db
      .delete(accountFields)
      .where(and(eq(accountFields.accountId, account.id), eq(accountFields.name, id)))
      .returning({ name: accountFields.name })
      .get()
    if (deleted) tellFields(ctx, account.id, [{ id: deleted.name, value: null }])
  },
})
