import { Worker } from 'node:worker_threads'

/**
 * Starts a thread on a module of the project: the built `.mjs` as it is, or a `.ts` source (tests,
 * `node --import tsx src/main.ts`), for which the thread, which does not inherit the TypeScript
 * loader, registers it before importing the module.
 */
export function startThread(module: URL, workerData: unknown): Worker {
  if (!module.pathname.endsWith('.ts')) return new Worker(module, { workerData })
  const loader = import.meta.resolve('tsx/esm/api')
  const boot = `import(${JSON.stringify(loader)}).then((tsx) => tsx.register()).then(() => import(${JSON.stringify(module.href)}))`
  return new Worker(boot, { eval: true, workerData })
}
