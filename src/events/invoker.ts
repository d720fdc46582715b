import { Worker } from 'node:worker_threads'
import { invoke, type HandlerTarget, type Invocation, type InvokeResult } from './invoke'

/** Calls a handler once; never throws (see invoke). */
export type Invoker = (handler: HandlerTarget, inv: Invocation) => Promise<InvokeResult>

/** One call as passed to the thread. */
export interface Call {
  id: number
  handler: HandlerTarget
  inv: Invocation
}

/**
 * Calls handlers from a thread of their own: the HTTP client's work (and spawning scripts) then
 * runs beside the requests the server answers, not between them. Should the thread die, calls
 * waiting for it are answered as unreachable (so retried later) and later ones are made here.
 */
export function threadInvoker(log: (message: string, err: unknown) => void): { invoke: Invoker; close(): Promise<void> } {
  const waiting = new Map<number, (r: InvokeResult) => void>()
  let nextId = 1
  // Calls made within one turn of the event loop go to the thread in one message, and its
  // answers come back likewise: a message costs more than the call it carries.
  let outgoing: Call[] = []
  let worker: Worker | undefined = new Worker(new URL('./invoker-thread.ts', import.meta.url))
  worker.unref()
  worker.on('message', (answers: { id: number; result: InvokeResult }[]) => {
    for (const m of answers) {
      waiting.get(m.id)?.(m.result)
      waiting.delete(m.id)
    }
  })
  const lost = (err: unknown) => {
    if (!worker) return
    worker = undefined
    log('the delivery thread stopped; calling handlers from the main thread', err)
    for (const answer of waiting.values()) answer({ ok: false, response: '', error: 'the delivery thread stopped', unreachable: true, durationMs: 0 })
    waiting.clear()
  }
  worker.on('error', lost)
  worker.on('exit', (code) => lost(new Error(`exit code ${code}`)))
  return {
    invoke(handler, inv) {
      if (!worker) return invoke(handler, inv)
      const id = nextId++
      const target: HandlerTarget = { type: handler.type, target: handler.target, secret: handler.secret }
      return new Promise((resolve) => {
        waiting.set(id, resolve)
        if (!outgoing.length) {
          queueMicrotask(() => {
            const calls = outgoing
            outgoing = []
            if (worker) worker.postMessage(calls)
            else for (const c of calls) void invoke(c.handler, c.inv).then(waiting.get(c.id))
          })
        }
        outgoing.push({ id, handler: target, inv })
      })
    },
    async close() {
      const w = worker
      worker = undefined
      await w?.terminate()
    },
  }
}
