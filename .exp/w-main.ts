import { Worker } from 'node:worker_threads'
const entry = new URL('./w-entry.ts', import.meta.url)
const api = import.meta.resolve('tsx/esm/api')
const w = new Worker(`import(${JSON.stringify(api)}).then((m) => m.register()).then(() => import(${JSON.stringify(entry.href)}))`, { eval: true })
w.on('message', (m) => { console.log('got', m); void w.terminate() })
w.on('error', (e) => console.log('error', e))
