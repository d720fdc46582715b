// Compiles the server into one module, dist/main.mjs (its delivery thread into another,
// dist/delivery-thread.mjs), which `npm start` runs with plain node:
// no TypeScript loader in the running server (it would cost about 40 MB of memory).
// Packages stay outside the bundle and load from node_modules as usual.
import { build } from 'esbuild'

await build({
  // The delivery worker's thread runs a module of its own, beside the server's.
  entryPoints: { main: 'src/main.ts', 'delivery-thread': 'src/events/delivery-thread.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
})
