import { parentPort } from 'node:worker_threads'
const n: number = 42
parentPort!.postMessage(`hello ${n}`)
