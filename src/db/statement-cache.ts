import { BoundedMap } from '../bounded-map'

/** Statements kept per handle at most: keys are declared names, but the list shapes a caller may combine multiply them, and one takes tens of kilobytes. */
const defaultMaxPerHandle = 256

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

/** The one cache of statements, shared by every module and both databases. */
const statements = new StatementCache()

/**
 * The statement kept for `handle` under `key`, built by `build` on first use. A transaction is a
 * handle of its own, so what is built inside one never runs outside it.
 */
export function statementFor<T>(handle: object, key: string, build: () => T): T {
  return statements.get(handle, key, build)
}
