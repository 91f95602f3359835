// BENCH_NODE_ARGS="--import file://$PWD/test/bench/allocation-sampling.mjs" npm run bench … : the service process
// (dist/main.js) samples what it allocates, garbage included (V8's sampling heap profiler with the objects
// later collected kept in), and writes it at exit to the temporary directory (/tmp) as
// alloc-<pid>.heapprofile. `npx tsx test/bench/cpuprofile-summary.ts <file>` summarises it. GC time in a CPU
// profile says how much collecting costs; this says whose allocations there are to collect.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (process.argv.some((arg) => arg.endsWith('dist/main.js'))) {
  const session = new Session();
  session.connect();
  session.post('HeapProfiler.enable');
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  process.on('exit', () => {
    // Posted to this thread's own inspector: the callback runs before `post` returns.
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (error) return;
      writeFileSync(join(tmpdir(), `alloc-${process.pid}.heapprofile`), JSON.stringify(result.profile));
    });
  });
}
