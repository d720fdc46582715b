// The body of the delivery thread (see invoker.ts): calls handlers as the main thread asks.
import { parentPort } from 'node:worker_threads'
import { invoke, type HandlerTarget, type Invocation } from './invoke'

parentPort?.on('message', (m: { id: number; handler: HandlerTarget; inv: Invocation }) => {
  void invoke(m.handler, m.inv).then((result) => parentPort!.postMessage({ id: m.id, result }))
})
