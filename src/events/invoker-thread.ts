// The body of the delivery thread (see invoker.ts): calls handlers as the main thread asks, and
// answers with the results that finished within one turn of its event loop, in one message.
import { parentPort } from 'node:worker_threads'
import { invoke, type InvokeResult } from './invoke'
import type { Call } from './invoker'

let done: { id: number; result: InvokeResult }[] = []

function answer(id: number, result: InvokeResult): void {
  if (!done.length) {
    setImmediate(() => {
      parentPort!.postMessage(done)
      done = []
    })
  }
  done.push({ id, result })
}

parentPort?.on('message', (calls: Call[]) => {
  for (const c of calls) void invoke(c.handler, c.inv).then((result) => answer(c.id, result))
})
