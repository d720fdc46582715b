// Loaded into the gateway by `npm run bench:memory` (node --import): on SIGUSR2 the process writes
// its memoryUsage() and V8's heap spaces to BENCH_MEMORY_FILE, so that the benchmark can tell the
// heap from the rest; with BENCH_HEAPSNAPSHOT_DIR, a heap snapshot too.
import { renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8'

const file = process.env.BENCH_MEMORY_FILE
const snapshots = process.env.BENCH_HEAPSNAPSHOT_DIR
let taken = 0
if (file) {
  process.on('SIGUSR2', () => {
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }]))
    if (snapshots) writeHeapSnapshot(join(snapshots, `${++taken}.heapsnapshot`))
    writeFileSync(`${file}.tmp`, JSON.stringify({ at: Date.now(), ...process.memoryUsage(), spaces }))
    renameSync(`${file}.tmp`, file)
  })
}
