// Loaded into every benchmark child (`node --import`, bench-env.ts): on SIGUSR2 the process prints what it
// has used so far, measured from inside (process.cpuUsage, process.memoryUsage), as one JSON line.
import { getHeapSpaceStatistics } from 'node:v8';

let seq = 0;
process.on('SIGUSR2', () => {
  seq += 1;
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  process.stdout.write(
    `${JSON.stringify({
      msg: 'bench-probe',
      seq,
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssMiB: memory.rss / 1048576,
      heapUsedMiB: memory.heapUsed / 1048576,
      heapTotalMiB: memory.heapTotal / 1048576,
      externalMiB: memory.external / 1048576,
      heapSpacesMiB: Object.fromEntries(
        getHeapSpaceStatistics().map((space) => [space.space_name, Math.round(space.space_size / 104857.6) / 10]),
      ),
    })}\n`,
  );
});
