import { parentPort, workerData } from 'node:worker_threads'
import { SqliteStore } from '../db/sqlite/store'
import { useWriteGate, WriteGate } from '../db/write-gate'
import type { ThreadMessage, ThreadSettings } from './delivery-host'
import { logError } from '../log'
import { startDeliveryWorker } from './worker'

// The delivery worker on a thread of its own, with its own connection to the database: calling
// handlers and recording the attempts does not take turns with the requests the server answers.
const { dbPath, hooks, gate, looking } = workerData as ThreadSettings
const lookingFlag = new Int32Array(looking)
const store = SqliteStore.open(dbPath)
useWriteGate(store.db, new WriteGate(gate))
const worker = startDeliveryWorker({
  store,
  clock: Date.now,
  config: hooks,
  log: logError,
  onLook: () => Atomics.store(lookingFlag, 0, 1),
})

parentPort!.on('message', (message: ThreadMessage) => {
  if (message === 'wake') worker.wake()
  else if (message === 'stop') {
    void worker
      .stop()
      .then(() => store.close())
      .then(() => parentPort!.close())
  }
})
