import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The project's directory (where package.json is), found from this module's place, so that the
 * same code finds `db/migrations` and `locales/` whether it runs from `src/` or from the built
 * bundle in `dist/`.
 */
function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error('billgate: cannot find the project directory (package.json)')
    dir = parent
  }
  return dir
}

export const projectRoot = findProjectRoot()

/** A path inside the project. */
export const projectPath = (...parts: string[]): string => join(projectRoot, ...parts)
