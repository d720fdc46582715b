import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * The write transaction the running code is inside, so that a write started within it joins it.
 * While an AsyncLocalStorage is enabled, Node 20 runs a hook for every promise made anywhere in
 * the process (a tenth of a cached read's time), so this one is enabled only while a write runs.
 */
export class WriteScope<T extends object> {
  private readonly storage = new AsyncLocalStorage<T>()
  private running = 0

  /** The handle of the write the caller is inside; undefined outside every write. */
  current(): T | undefined {
    return this.running ? this.storage.getStore() : undefined
  }

  /** Runs `work` inside the write through `handle`. */
  async run<R>(handle: T, work: () => Promise<R>): Promise<R> {
    this.running++
    try {
      return await this.storage.run(handle, work)
    } finally {
      // What a finished write left running is outside every write anyway.
      if (--this.running === 0) this.storage.disable()
    }
  }
}
