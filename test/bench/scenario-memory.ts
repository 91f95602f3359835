import { Redis } from 'ioredis';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { BENCH_BOT_TOKEN, scenarioEnv } from './bench-env.js';
import { type StartedChild, startServiceChild } from './bot-child.js';
import type { ScenarioResult } from './report.js';
import { seedFamilies } from './seed.js';
import { fmt, inParallel } from './stats.js';
import type { Step } from './walks.js';
import { walk } from './walks.js';

/** «Нужна помощь» typed, then a category: the dialogue is left waiting for «Как срочно». */
const opening: Step[] = [
  { kind: 'text', value: 'Нужна помощь', expect: 'С чем нужна помощь' },
  { kind: 'press', value: 'Помощь психолога', expect: 'Как срочно' },
];

async function countKeys(redisUrl: string, pattern: string): Promise<number> {
  const redis = new Redis(redisUrl);
  let found = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 2000);
      cursor = next;
      found += keys.length;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return found;
}

/**
 * Memory: N families each open the request dialogue and stop at its second question, so N dialogues are
 * in progress at once; the resident memory of the bot process (its own child process) is read from /proc
 * before, during (the peak) and after.
 */
export async function memoryScenario(options: { dialogues: number }): Promise<ScenarioResult> {
  const env = await scenarioEnv('memory');
  const emulator = createEmulator({ token: BENCH_BOT_TOKEN });
  await emulator.start();
  let child: StartedChild | undefined;
  let sampler: NodeJS.Timeout | undefined;
  try {
    const families = await seedFamilies(env.db, emulator, options.dialogues + 1, { curatorEach: false });
    // No pacing to Telegram's limits (the emulator has none here): 10,000 dialogues open in a minute, not ten.
    child = await startServiceChild(env, emulator.url, 'bot', { TELEGRAM_SEND_LIMITS: 'off' });
    const startedUp = await child.probe();
    await walk(emulator, families[0]!.userId, opening);
    const idle = child.rssMiB();
    let peak = idle;
    const running = child;
    sampler = setInterval(() => {
      peak = Math.max(peak, running.rssMiB());
    }, 250);
    const started = Date.now();
    await inParallel(families.slice(1), 200, async (family) => {
      await walk(emulator, family.userId, opening);
    });
    const seconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    sampler = undefined;
    const afterUsage = await child.probe();
    const after = child.rssMiB();
    peak = Math.max(peak, after);
    const inProgress = await countKeys(env.redisUrl, `${env.redisPrefix}:dlg:*`);
    const name = `6 memory (${fmt(options.dialogues)} dialogues)`;
    return {
      rows: [
        {
          scenario: name,
          metric: 'bot process RSS after start-up (heap used)',
          value: `${fmt(startedUp.rssMiB)} MiB (${fmt(startedUp.heapUsedMiB)} MiB)`,
          target: '≤ 110 MiB',
          met: startedUp.rssMiB <= 110,
        },
        {
          scenario: name,
          metric: 'bot process RSS with the dialogues open (peak while opening)',
          value: `${fmt(after)} MiB (${fmt(peak)} MiB)`,
          target: '≤ 200 MiB',
          met: peak <= 200,
        },
      ],
      notes: [
        `RSS after start-up and one dialogue ${fmt(idle)} MiB; ${fmt(options.dialogues)} dialogues opened in ` +
          `${fmt(seconds, 1)} s (${fmt((options.dialogues * opening.length) / seconds)} updates/s, ` +
          `${fmt((afterUsage.cpuMs - startedUp.cpuMs) / (options.dialogues * opening.length), 2)} ms of the ` +
          "bot's CPU per update, the first dialogue's included); " +
          `${fmt(inProgress)} dialogue states in Redis afterwards. V8 heap with them open: ` +
          `${fmt(afterUsage.heapUsedMiB)} MiB used of ${fmt(afterUsage.heapTotalMiB)} MiB ` +
          `(after start-up ${fmt(startedUp.heapUsedMiB)} of ${fmt(startedUp.heapTotalMiB)}): what is used ` +
          'and not live is garbage not yet collected (a heap snapshot, which collects first, shows the live part: ' +
          "BENCH_NODE_ARGS='--heapsnapshot-signal=SIGUSR1').",
      ],
    };
  } finally {
    if (sampler) clearInterval(sampler);
    await child?.stop();
    await emulator.stop();
    await env.close();
  }
}
