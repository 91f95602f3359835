/**
 * What the service costs when it has nothing to do: the one-process service (`--role=all --one-process`,
 * started as the backlog scenario starts it, with its 200 families and 10 curators) is left alone for a
 * while after start-up, and its CPU is read from /proc (user + system) over `seconds`, with the PostgreSQL
 * transactions it committed meanwhile. At the backlog's 9 copies a second, 2 ms per copy is 18 ms of CPU a
 * second: what the service spends idle counts against it.
 *
 *   npm run build && npx tsx test/bench/idle-probe.ts [seconds, 60]
 */
import { readdirSync, readFileSync } from 'node:fs';
import postgres from 'postgres';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { BENCH_BOT_TOKEN, cleanupRun, prepareRun, scenarioEnv } from './bench-env.js';
import { startServiceChild } from './bot-child.js';
import { seedFamilies } from './seed.js';

/** CPU ms (user + system) the process has used so far (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * The same from the scheduler's count in nanoseconds (/proc/<pid>/task/<tid>/schedstat, summed over the
 * threads): a minute idle is a few clock ticks, too coarse to tell one change from another.
 */
function cpuMsExact(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return ns / 1e6;
}

const seconds = Number(process.argv[2] ?? 60);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

await prepareRun();
try {
  const env = await scenarioEnv('idle');
  const emulator = createEmulator({ token: BENCH_BOT_TOKEN, limits: { global: 30, perChat: 1 } });
  await emulator.start();
  await seedFamilies(env.db, emulator, 200, { curatorEach: false, curators: 10 });
  const child = await startServiceChild(env, emulator.url, 'all', {}, ['--one-process']);
  const admin = postgres(env.databaseUrl, { max: 1, onnotice: () => {} });
  const commits = async () =>
    Number(
      (
        await admin<{ n: string }[]>`
          select xact_commit::text as n from pg_stat_database where datname = current_database()`
      )[0]?.n ?? 0,
    );
  // Start-up's own work (the first reconciler passes) is over by then.
  await sleep(10_000);
  const [cpuBefore, exactBefore, commitsBefore, startedAt] = [
    cpuMs(child.pid),
    cpuMsExact(child.pid),
    await commits(),
    Date.now(),
  ];
  await sleep(seconds * 1000);
  const used = cpuMs(child.pid) - cpuBefore;
  const exact = cpuMsExact(child.pid) - exactBefore;
  const wall = (Date.now() - startedAt) / 1000;
  // Less this probe's own two reads of the statistics.
  const transactions = (await commits()) - commitsBefore - 1;
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' / ');
  process.stdout.write(
    `idle: ${used} ms of CPU in ${wall.toFixed(1)} s = ${(used / wall).toFixed(1)} ms/s ` +
      `(scheduler: ${(exact / wall).toFixed(2)} ms/s); ` +
      `${transactions} PostgreSQL transactions (${(transactions / wall).toFixed(2)}/s); load ${load}\n`,
  );
  await admin.end({ timeout: 5 });
  await child.stop();
  await emulator.stop();
  await env.close();
} finally {
  await cleanupRun();
}
