import { BoundedMap } from '../bounded-map'

/** Shapes kept per handle at most, unless a cache says otherwise: keys are declared names, but their combinations multiply. */
const defaultMaxPerHandle = 500

/**
 * Statements (or anything costly to build) kept per database handle and key. A handle is a
 * connection or a transaction: what was built for one is never handed to another, so nothing
 * prepared on a root handle runs outside the caller's transaction.
 */
export class StatementCache {
  private readonly byHandle = new WeakMap<object, BoundedMap<string, unknown>>()

  constructor(private readonly maxPerHandle = defaultMaxPerHandle) {}

  get<T>(handle: object, key: string, build: () => T): T {
    let kept = this.byHandle.get(handle)
    if (!kept) this.byHandle.set(handle, (kept = new BoundedMap({ maxEntries: this.maxPerHandle })))
    let statement = kept.get(key) as T | undefined
    if (statement === undefined) {
      statement = build()
      kept.set(key, statement)
    }
    return statement
  }
}
