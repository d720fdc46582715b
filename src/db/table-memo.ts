/**
 * What is read from small tables on nearly every call and changed rarely (the provisioning
 * handlers), kept in memory per database until it may have changed: until a write here that
 * says it changes them has ended, or any commit elsewhere (another process or gateway).
 */
export class TableMemo {
  private version = 0
  /** Handles of writes in progress that change memoised tables: nothing is kept meanwhile. */
  private readonly writesChanging = new Set<object>()
  private readonly kept = new Map<string, { stamp: string; value: unknown }>()

  /** `elsewhere` changes whenever another connection may have committed. */
  constructor(private readonly elsewhere: () => unknown) {}

  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.writesChanging.size) return load()
    // Taken before loading: a change that starts meanwhile makes what is loaded stale at once.
    const stamp = `${String(this.elsewhere())}:${this.version}`
    const kept = this.kept.get(key)
    if (kept?.stamp === stamp) return kept.value as T
    const value = await load()
    this.kept.set(key, { stamp, value })
    return value
  }

  /** The write running through `handle` changes memoised tables; the store says when it ends. */
  writeChanges(handle: object): void {
    this.version++
    this.writesChanging.add(handle)
  }

  /** Memoised tables were changed and the change is committed (a statement outside any write). */
  committedChanges(): void {
    this.version++
  }

  /** The write through `handle` has ended, committed or not. */
  ended(handle: object): void {
    if (this.writesChanging.delete(handle)) this.version++
  }
}

const memos = new WeakMap<object, TableMemo>()

/** Gives `handle` (a store's connection or transaction handle) the store's memo. */
export function adoptHandle(handle: object, memo: TableMemo): void {
  memos.set(handle, memo)
}

/** The memo of the store a handle belongs to; none for a handle no store gave out. */
export function memoOf(handle: object): TableMemo | undefined {
  return memos.get(handle)
}

/** What `load` reads, kept in the handle's store memo under `key` when there is one. */
export function memoised<T>(handle: object, key: string, load: () => Promise<T>): Promise<T> {
  const memo = memoOf(handle)
  return memo ? memo.get(key, load) : load()
}
