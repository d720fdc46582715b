#!/usr/bin/env node
// Runs the command line (src/cli/ctl.ts) in this process, its TypeScript compiled on the fly by tsx.
import { fileURLToPath } from 'node:url'
import { tsImport } from 'tsx/esm/api'

await tsImport('../src/cli/ctl.ts', {
  parentURL: import.meta.url,
  // The project's settings (JSX), wherever the command is run from.
  tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
})
