import type { DataGeneration } from '../db/generation'
import type { Store } from '../db/store'
import { recordAudit, type AuditEntry } from './audit'
import type { Call } from './call'
import type { Principal } from './principal'
import { paramsOf, type FunctionContext, type FunctionDef } from './registry'

/** Who made a call: who authenticated and whom it acted as. */
export interface CallParties {
  actor?: Principal
  user?: Principal
}

/** Writes and their audit entries: in one transaction, or on their own for what changed nothing. */
export class AuditedWrites {
  constructor(
    private readonly store: Store,
    private readonly generation: DataGeneration,
    /** Where a failure to audit outside a transaction is reported. */
    private readonly log?: (message: string, err: unknown) => void,
  ) {}

  /**
   * Runs a write and its audit entry in one transaction. `work` gets the call's context with the
   * transaction as its handle; what it reads (a balance) cannot be changed by another call before
   * it writes.
   */
  async transaction<T>(ctx: FunctionContext, def: FunctionDef, work: (tx: FunctionContext) => Promise<T>): Promise<T> {
    const outside = ctx.db
    try {
      return await this.store.write(async (db) => {
        // The call queries through its transaction while it writes (the context is the call's own).
        ctx.db = db
        const result = await work(ctx)
        // Inside the transaction a failed audit entry must undo the change it describes.
        await recordAudit(db, entryOf(ctx.call, ctx, ctx.now, 'ok'), paramsOf(def))
        return result
      })
    } finally {
      ctx.db = outside
      this.generation.bump()
    }
  }

  /** Audits outside a transaction (failures, su reads): a failure to audit is logged, not fatal. */
  async audit(call: Call, def: FunctionDef, parties: CallParties, now: number, result: string, detail = ''): Promise<void> {
    try {
      await this.store.write((db) => recordAudit(db, entryOf(call, parties, now, result, detail), paramsOf(def)))
    } catch (err) {
      this.log?.('audit entry could not be written', err)
    } finally {
      this.generation.bump()
    }
  }
}

function entryOf(call: Call, { actor, user }: CallParties, now: number, result: string, detail = ''): AuditEntry {
  const login = actor?.name || (call.func === 'auth' ? call.params.username ?? '' : '')
  return { at: now, actor: login, actingAs: user?.name || login, address: call.address, func: call.func, params: call.params, result, detail }
}
