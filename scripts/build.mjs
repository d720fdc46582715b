// Compiles the server into one module, dist/main.mjs, which `npm start` runs with plain node:
// no TypeScript loader in the running server (it would cost about 40 MB of memory).
// Packages stay outside the bundle and load from node_modules as usual.
import { build } from 'esbuild'

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
})
