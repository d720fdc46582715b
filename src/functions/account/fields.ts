import { and, eq, sql } from 'drizzle-orm'
import { requireAccount, type Account } from '../../billing/scope'
import { BillError, invalid, missed } from '../../core/errors'
import { parseValue, type ParamSpec } from '../../core/params'
import { clip } from '../../format/text'
import { Level } from '../../core/principal'
import type { Db } from '../../db/connection'
import { firstRow, pageOf, sortedList } from '../../db/query'
import { accountFields } from '../../db/schema/index'
import { emit } from '../../events/outbox'
import { node } from '../../output/document'
import { defineFunction, type FunctionContext } from '../../core/registry'

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
async function parentAccount(ctx: FunctionContext, param: 'elid' | 'plid'): Promise<Account> {
  const given = ctx.call.params[param] || (param === 'elid' ? ctx.call.params.plid : undefined)
  if (!given) throw missed(param)
  return requireAccount(ctx.db, ctx.user, param, given)
}

function fieldOf(ctx: FunctionContext, accountId: number, name: string) {
  return firstRow(ctx.db.select().from(accountFields).where(and(eq(accountFields.accountId, accountId), eq(accountFields.name, name))))
}

/**
 * Tells handlers of changed custom fields of a client, as JeraSoft's `clients.fieldsUpdate`
 * takes them: `{id, fields: [{id: name, value}]}`; a field that is gone has the value null.
 */
async function tellFields(ctx: FunctionContext, accountId: number, fields: { id: string; value: string | null }[]): Promise<void> {
  await emit(ctx.db, ctx.now, { event: 'clients.custom_fields.update', objectId: accountId, data: { id: accountId, fields } })
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
  async fetch(ctx, q) {
    const account = await parentAccount(ctx, 'elid')
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
  async load(ctx, id) {
    const field = await fieldOf(ctx, (await parentAccount(ctx, 'plid')).id, id)
    return field && { name: field.name, value: field.value }
  },
  async save(ctx, values, id) {
    const account = await parentAccount(ctx, 'plid')
    const name = values.name === undefined ? id! : String(values.name)
    if (!fieldName.test(name)) throw invalid('name', name, 'fieldname')
    if (name !== id && (await fieldOf(ctx, account.id, name))) {
      throw new BillError('exists', 'name', name, {}, 'errors:exists.customfield')
    }
    const value = values.value === undefined ? undefined : String(values.value)
    if (id === undefined) {
      await ctx.db.insert(accountFields).values({ accountId: account.id, name, value: value ?? '' })
      await tellFields(ctx, account.id, [{ id: name, value: value ?? '' }])
      return name
    }
    const before = await fieldOf(ctx, account.id, id)
    const [after] = await ctx.db
      .update(accountFields)
      .set({ name, ...(value === undefined ? {} : { value }) })
      .where(and(eq(accountFields.accountId, account.id), eq(accountFields.name, id)))
      .returning()
    if (before && after) {
      const renamed = before.name !== after.name
      if (renamed) await tellFields(ctx, account.id, [{ id: before.name, value: null }, { id: after.name, value: after.value }])
      else if (before.value !== after.value) await tellFields(ctx, account.id, [{ id: after.name, value: after.value }])
    }
    return name
  },
})

/** Deletes custom fields of a client (`plid` = the client, `elid` = their names). */
export const accountFieldDelete = defineFunction({
  name: 'account.customfields.delete',
  kind: 'group',
  level: Level.reseller,
  async each(ctx, id) {
    const account = await parentAccount(ctx, 'plid')
    const [deleted] = await ctx.db
      .delete(accountFields)
      .where(and(eq(accountFields.accountId, account.id), eq(accountFields.name, id)))
      .returning({ name: accountFields.name })
    if (deleted) await tellFields(ctx, account.id, [{ id: deleted.name, value: null }])
  },
})

const fieldSpecs: Record<'name' | 'value', ParamSpec> = {
  name: { type: 'string', required: true, max: 64 },
  value: { type: 'text', max: 1000 },
}

/**
 * Sets several custom fields of a client at once, all or none (`plid` = the client; `fields` =
 * a JSON array of `{"name": …, "value": …}`): each field is created or its value replaced. A bad
 * field is named by its place (`fields[2][name]`), and then no field is changed.
 */
export const accountFieldUpdate = defineFunction({
  name: 'account.customfields.update',
  kind: 'action',
  level: Level.reseller,
  writes: true,
  params: {
    plid: { type: 'int', required: true, min: 1 },
    fields: { type: 'text', required: true, max: 1024 * 1024 },
  },
  async run(ctx, values) {
    const account = await requireAccount(ctx.db, ctx.user, 'plid', Number(values.plid))
    const fields = fieldList(String(values.fields))
    const current = await fieldsOf(ctx.db, account.id)
    // A field named twice takes its last value.
    const changed = [...new Map(fields.map((f) => [f.name, f.value]))]
      .filter(([name, value]) => current.get(name) !== value)
      .map(([name, value]) => ({ name, value }))
    // Every field is checked before the first is saved; the call's transaction makes it all or none.
    await saveFields(ctx.db, account.id, changed)
    if (changed.length) await tellFields(ctx, account.id, changed.map(({ name, value }) => ({ id: name, value })))
    return [node('saved', fields.length)]
  },
})

/** A client's custom fields: name → value. */
async function fieldsOf(db: Db, accountId: number): Promise<Map<string, string>> {
  const rows = await db.select({ name: accountFields.name, value: accountFields.value }).from(accountFields).where(eq(accountFields.accountId, accountId))
  return new Map(rows.map((f) => [f.name, f.value]))
}

/** Rows written by one statement: well below either database's limit on bound values. */
const rowsPerInsert = 500

/** Creates a client's custom fields, or replaces the values of those it has; names are distinct. */
async function saveFields(db: Db, accountId: number, fields: { name: string; value: string }[]): Promise<void> {
  for (let start = 0; start < fields.length; start += rowsPerInsert) {
    await db
      .insert(accountFields)
      .values(fields.slice(start, start + rowsPerInsert).map((f) => ({ accountId, ...f })))
      .onConflictDoUpdate({ target: [accountFields.accountId, accountFields.name], set: { value: sql`excluded.value` } })
  }
}

/** The fields of an update, each checked as the custom-field form checks its own. */
function fieldList(text: string): { name: string; value: string }[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw invalid('fields', clip(text), 'customfieldsjson')
  }
  if (!Array.isArray(parsed) || !parsed.length) throw invalid('fields', clip(text), 'customfieldsjson')
  return parsed.map((entry: unknown, i) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw invalid(`fields[${i}]`, clip(JSON.stringify(entry) ?? ''), 'customfieldsjson')
    const given = entry as Record<string, unknown>
    const member = (key: 'name' | 'value') => {
      const raw = given[key] ?? ''
      if (typeof raw !== 'string' && typeof raw !== 'number') throw invalid(`fields[${i}][${key}]`, clip(JSON.stringify(raw)), 'scalar')
      return String(parseValue(`fields[${i}][${key}]`, fieldSpecs[key], String(raw)))
    }
    const name = member('name')
    if (!name) throw missed(`fields[${i}][name]`)
    if (!fieldName.test(name)) throw invalid(`fields[${i}][name]`, name, 'fieldname')
    return { name, value: member('value') }
  })
}
