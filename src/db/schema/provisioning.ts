import { sql } from 'drizzle-orm'
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/**
 * Provisioning handlers: what to call (an HTTP URL or a local executable) when billing events
 * happen, before the change (may allow, modify or forbid it) or after it is committed.
 */
export const provisioningHandlers = sqliteTable(
  'provisioning_handlers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** Event ids separated by commas, or `*` for every event. */
    events: text('events').notNull(),
    type: text('type', { enum: ['http', 'script'] }).notNull(),
    /** The URL (http) or the executable's absolute path (script). */
    target: text('target').notNull(),
    stage: text('stage', { enum: ['after', 'before'] }).notNull().default('after'),
    status: text('status', { enum: ['enabled', 'disabled', 'archived'] }).notNull().default('enabled'),
    /** 1 runs first. */
    priority: integer('priority').notNull().default(10),
    /** Milliseconds; 0 means the stage's default. */
    timeoutMs: integer('timeout_ms').notNull().default(0),
    /** Signs HTTP deliveries (HMAC-SHA256) when not empty. */
    secret: text('secret').notNull().default(''),
    /** What a before-handler's timeout or connection failure means. */
    onFailure: text('on_failure', { enum: ['allow', 'forbid'] }).notNull().default('allow'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('provisioning_handlers_stage_idx').on(t.stage, t.status, t.priority, t.id),
    check('provisioning_handlers_priority_check', sql`${t.priority} >= 1`),
    check('provisioning_handlers_timeout_check', sql`${t.timeoutMs} >= 0`),
  ],
)

/**
 * The outbox: one row per event and after-handler, written in the transaction of the change
 * that caused the event, and worked off by the delivery worker. The payload is stored as the
 * exact body sent, so that every retry sends the same bytes under the same delivery id.
 */
export const provisioningDeliveries = sqliteTable(
  'provisioning_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /**
     * `X-Billgate-Delivery`: the same on every attempt. A random UUID, never looked up, so not
     * indexed: every index here is a page more in each change that records an event.
     */
    deliveryId: text('delivery_id').notNull(),
    /** No foreign key: deleting a handler keeps its history; its pending deliveries are failed. */
    handlerId: integer('handler_id').notNull(),
    event: text('event').notNull(),
    objectId: integer('object_id'),
    /** What deliveries keep their order within: the event's object kind and id (`payments:7`). */
    objectKey: text('object_key').notNull(),
    /** The handler's priority when the event happened: lower is delivered first. */
    priority: integer('priority').notNull(),
    payload: text('payload').notNull(),
    status: text('status', { enum: ['pending', 'retrying', 'success', 'fail'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** When it may be attempted (ms). */
    nextAt: integer('next_at').notNull(),
    /** A worker attempting it holds it until then (ms); a crashed worker's lease runs out. */
    leaseUntil: integer('lease_until').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    // Only undelivered rows are in these indexes, so they stay small however long the history.
    // New deliveries in the order they go out; deliveries waiting for a retry by when it is due.
    index('provisioning_deliveries_due_idx')
      .on(t.priority, t.id)
      .where(sql`status = 'pending'`),
    index('provisioning_deliveries_retry_idx')
      .on(t.nextAt)
      .where(sql`status = 'retrying'`),
    index('provisioning_deliveries_order_idx')
      .on(t.handlerId, t.objectKey, t.id)
      .where(sql`status in ('pending', 'retrying')`),
  ],
)

/** The execution log: one row per call of a handler (every attempt, either stage). */
export const provisioningLog = sqliteTable(
  'provisioning_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The delivery attempted (after-stage); null for before-stage calls. */
    deliveryId: integer('delivery_id'),
    handlerId: integer('handler_id').notNull(),
    stage: text('stage', { enum: ['after', 'before'] }).notNull(),
    event: text('event').notNull(),
    objectId: integer('object_id'),
    attempt: integer('attempt').notNull().default(1),
    /** `refused`: a before-handler answered, and forbade the change (`fail`: it could not be asked). */
    status: text('status', { enum: ['success', 'fail', 'pending', 'retrying', 'refused'] }).notNull(),
    at: integer('at').notNull(),
    durationMs: integer('duration_ms').notNull().default(0),
    /** The payload sent (before-stage calls, which have no delivery row to keep it). */
    payload: text('payload'),
    /** The answer, cut to a few KB. */
    response: text('response').notNull().default(''),
    error: text('error').notNull().default(''),
  },
  // What the log is listed and pruned by; every attempt of a delivery writes each of these.
  (t) => [
    index('provisioning_log_at_idx').on(t.at, t.id),
    index('provisioning_log_handler_idx').on(t.handlerId, t.id),
    index('provisioning_log_event_idx').on(t.event, t.id),
  ],
)
