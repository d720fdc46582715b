/** The events billing raises, with JeraSoft's ids where JeraSoft has them. */
export const eventIds = [
  'clients.create',
  'clients.update',
  'clients.delete',
  'clients.archive',
  'clients.custom_fields.update',
  'clients.balance_notzero',
  'clients.balance_zero',
  'clients.accounts.create',
  'clients.accounts.update',
  'clients.accounts.delete',
  'clients.subscriptions.assign',
  'clients.subscriptions.activate',
  'clients.subscriptions.deactivate',
  'clients.subscriptions.renew',
  'clients.subscriptions.close',
  'payments.create',
  'payments.update',
  'payments.delete',
  'invoices.create',
  'invoices.paid',
] as const

export type EventId = (typeof eventIds)[number]

export function isEventId(text: string): text is EventId {
  return (eventIds as readonly string[]).includes(text)
}

/** The kind of object an event is about: deliveries keep their order per handler and object. */
export type ObjectKind = 'clients' | 'clients.accounts' | 'clients.subscriptions' | 'payments' | 'invoices'

export function objectKindOf(event: EventId): ObjectKind {
  if (event.startsWith('clients.accounts.')) return 'clients.accounts'
  if (event.startsWith('clients.subscriptions.')) return 'clients.subscriptions'
  if (event.startsWith('payments.')) return 'payments'
  if (event.startsWith('invoices.')) return 'invoices'
  return 'clients'
}

/** What orders an object's deliveries: its kind and id (`payments:7`). */
export function objectKeyOf(event: EventId, objectId: number | null): string {
  return `${objectKindOf(event)}:${objectId ?? ''}`
}

/**
 * A handler's event setting as stored: `*`, or known event ids separated by commas (spaces
 * allowed). Returns the normal form, or undefined when an id is unknown or none is given.
 */
export function normalEventList(text: string): string | undefined {
  const ids = text
    .split(/[\s,]+/)
    .map((id) => id.trim())
    .filter(Boolean)
  if (ids.length === 1 && ids[0] === '*') return '*'
  if (!ids.length || !ids.every(isEventId)) return undefined
  return [...new Set(ids)].join(',')
}

/** Whether a handler with this (normal) event setting handles the event. */
export function handles(events: string, event: EventId): boolean {
  return events === '*' || events.split(',').includes(event)
}
