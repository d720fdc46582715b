// `billgate-ctl` (bin/billgate-ctl.js): calls one function on the configured database. See ctl/args.ts.
import { readFileSync } from 'node:fs'
import { projectRoot } from '../paths'
import { runCtl } from './ctl/run'

const invokedFrom = process.cwd()
// Like npm start, which runs in the project's directory: the default database and config file,
// and relative paths in BILLGATE_DB, mean the same files from wherever this is run.
process.chdir(projectRoot)

// A reader that stopped early (`| head`) is not an error of ours.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err
  process.exit(process.exitCode ?? 0)
})

process.exitCode = await runCtl(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: invokedFrom,
  readStdin: () => readFileSync(0),
})
