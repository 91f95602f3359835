import { performance } from 'node:perf_hooks';
import { count } from 'drizzle-orm';
import { requests } from '../../src/db/schema/index.js';
import { createEmulator, type WebhookAnswer } from '../../src/sandbox/emulator.js';
import { BENCH_BOT_TOKEN, scenarioEnv } from './bench-env.js';
import { type StartedChild, startFloorChild, startServiceChild } from './bot-child.js';
import type { ScenarioResult } from './report.js';
import { seedFamilies } from './seed.js';
import { fmt, ms, percentile } from './stats.js';
import { floorDialogue, requestDialogue, type Step, walk } from './walks.js';

/** The stack's floors run after the bare one (floor-stack.ts): `conversations`, `stack`. */
const STACK_FLOORS = ['conversations', 'stack'];

interface LoadFigures {
  updates: number;
  seconds: number;
  updatesPerSecond: number;
  ackP50: number;
  ackP99: number;
  replyP50: number;
  replyP99: number;
  failedAcks: number;
  /** CPU the bot process used per update during the load, as it measures itself (process.cpuUsage). */
  cpuMsPerUpdate: number;
  /** Bot API calls per update during the load, by method. */
  callsPerUpdate: Record<string, number>;
}

/** The calls per update, by method, between two looks at the emulator's counts. */
function callsBetween(before: Record<string, number>, after: Record<string, number>, updates: number) {
  const calls: Record<string, number> = {};
  for (const [method, count] of Object.entries(after)) {
    const made = count - (before[method] ?? 0);
    if (made > 0 && method !== 'getUpdates') calls[method] = made / updates;
  }
  return calls;
}

const describeCalls = (calls: Record<string, number>) =>
  Object.entries(calls)
    .map(([method, perUpdate]) => `${method} ${fmt(perUpdate, 2)}`)
    .join(', ');

/** Every family walks its steps at once; figures from the first update to the last answer. */
async function runLoad(
  emulator: ReturnType<typeof createEmulator>,
  child: StartedChild,
  acks: WebhookAnswer[],
  userIds: number[],
  steps: Step[],
): Promise<LoadFigures> {
  acks.length = 0;
  const callsBefore = emulator.stats().apiCalls;
  const cpuBefore = (await child.probe()).cpuMs;
  const started = performance.now();
  const replies = await Promise.all(userIds.map((userId) => walk(emulator, userId, steps)));
  const seconds = (performance.now() - started) / 1000;
  const updates = userIds.length * steps.length;
  const cpuMs = (await child.probe()).cpuMs - cpuBefore;
  const ackMs = acks.filter((ack) => ack.ok).map((ack) => ack.ms);
  const replyMs = replies.flat();
  return {
    updates,
    seconds,
    updatesPerSecond: updates / seconds,
    ackP50: percentile(ackMs, 50),
    ackP99: percentile(ackMs, 99),
    replyP50: percentile(replyMs, 50),
    replyP99: percentile(replyMs, 99),
    failedAcks: acks.filter((ack) => !ack.ok).length,
    cpuMsPerUpdate: cpuMs / updates,
    callsPerUpdate: callsBetween(callsBefore, emulator.stats().apiCalls, updates),
  };
}

/**
 * How many families walk at once, unmeasured, before the measured load, in every process (ours and each
 * floor): what is compared is a warm process's CPU, as in a service that runs for days. A process measured
 * cold is still compiling its code, and ours has more code to compile than a floor (`BENCH_INTAKE_WARM`,
 * default: as many as are measured; 0 measures after the one family's walk only, as before 7 December).
 */
const warmFamilies = (measured: number) => Number(process.env.BENCH_INTAKE_WARM ?? measured);

/** A floor's warm-up load (see `warmFamilies`), on users of its own. */
async function warmFloor(
  emulator: ReturnType<typeof createEmulator>,
  child: StartedChild,
  acks: WebhookAnswer[],
  warm: { kind: string; families: number },
) {
  const users = Array.from(
    { length: warm.families },
    (_, i) => emulator.createUser({ first_name: `Warm ${warm.kind} ${i}` }).id,
  );
  if (users.length > 0) await runLoad(emulator, child, acks, users, floorDialogue);
}

/**
 * Intake: N registered families at once walk the whole request dialogue (10 updates each) against the bot
 * process in webhook mode; then the same load against the bare grammY bot.
 */
export async function intakeScenario(options: { families: number }): Promise<ScenarioResult> {
  const env = await scenarioEnv('intake');
  const acks: WebhookAnswer[] = [];
  const emulator = createEmulator({ token: BENCH_BOT_TOKEN, onWebhookAnswered: (ack) => acks.push(ack) });
  await emulator.start();
  let child: StartedChild | undefined;
  try {
    const families = await seedFamilies(env.db, emulator, options.families, { curatorEach: false });
    const userIds = families.map((family) => family.userId);

    // The emulator has no flood limits here, so the bot does not pace its sends to Telegram's either: the
    // figures are the bot's own costs, not Telegram's 30 messages a second.
    child = await startServiceChild(env, emulator.url, 'bot', { TELEGRAM_SEND_LIMITS: 'off' });
    // One family first, alone: warms the process (module loading, JIT, pools) outside the measurement.
    const warmUser = (await seedFamilies(env.db, emulator, 1, { curatorEach: false }))[0]!.userId;
    await walk(emulator, warmUser, requestDialogue);
    const warm = await seedFamilies(env.db, emulator, warmFamilies(options.families), { curatorEach: false });
    if (warm.length > 0)
      await runLoad(
        emulator,
        child,
        acks,
        warm.map((family) => family.userId),
        requestDialogue,
      );
    const bot = await runLoad(emulator, child, acks, userIds, requestDialogue);
    const [saved] = await env.db.select({ n: count() }).from(requests);
    const botRss = child.rssMiB();
    await child.stop();
    child = undefined;

    emulator.reset();
    const floorUsers = Array.from(
      { length: options.families + 1 },
      (_, i) => emulator.createUser({ first_name: `Floor ${i}` }).id,
    );
    child = await startFloorChild(emulator.url, BENCH_BOT_TOKEN);
    await walk(emulator, floorUsers[0]!, floorDialogue);
    await warmFloor(emulator, child, acks, { kind: 'bare', families: warm.length });
    const floor = await runLoad(emulator, child, acks, floorUsers.slice(1), floorDialogue);
    await child.stop();
    child = undefined;

    // The stack's floors (floor-stack.ts), each in its own process after the bare one.
    const stackFloors: Array<{ kind: string; figures: LoadFigures }> = [];
    for (const kind of STACK_FLOORS) {
      emulator.reset();
      const users = Array.from(
        { length: options.families + 1 },
        (_, i) => emulator.createUser({ first_name: `Floor ${kind} ${i}` }).id,
      );
      child = await startFloorChild(emulator.url, BENCH_BOT_TOKEN, {
        BENCH_FLOOR_KIND: kind,
        DATABASE_URL: env.databaseUrl,
        REDIS_URL: env.redisUrl,
        REDIS_PREFIX: env.redisPrefix,
      });
      await walk(emulator, users[0]!, floorDialogue);
      await warmFloor(emulator, child, acks, { kind, families: warm.length });
      stackFloors.push({
        kind,
        figures: await runLoad(emulator, child, acks, users.slice(1), floorDialogue),
      });
      await child.stop();
      child = undefined;
    }

    const ratio = bot.updatesPerSecond / floor.updatesPerSecond;
    const cpuRatio = bot.cpuMsPerUpdate / floor.cpuMsPerUpdate;
    const name = `1 intake (${options.families} families × ${requestDialogue.length} updates)`;
    return {
      rows: [
        {
          scenario: name,
          metric: 'updates/s (bot)',
          value: fmt(bot.updatesPerSecond),
          target: '≥ 1,500',
          met: bot.updatesPerSecond >= 1500,
        },
        {
          scenario: name,
          metric: 'webhook ack p50 / p99 (bot)',
          value: `${ms(bot.ackP50)} / ${ms(bot.ackP99)}`,
          target: 'p99 ≤ 50 ms',
          met: bot.ackP99 <= 50,
        },
        {
          scenario: name,
          metric: 'update → answer in chat p50 / p99 (bot)',
          value: `${ms(bot.replyP50)} / ${ms(bot.replyP99)}`,
        },
        {
          scenario: name,
          metric: 'updates/s (bare grammY floor)',
          value: fmt(floor.updatesPerSecond),
        },
        {
          scenario: name,
          metric: 'webhook ack p50 / p99 (floor)',
          value: `${ms(floor.ackP50)} / ${ms(floor.ackP99)}`,
        },
        {
          scenario: name,
          metric: 'bot ÷ floor throughput',
          value: fmt(ratio, 2),
          target: '≥ 0.5',
          met: ratio >= 0.5,
        },
        {
          scenario: name,
          metric: 'CPU ms per update, bot / floor (process.cpuUsage in each)',
          value: `${fmt(bot.cpuMsPerUpdate, 2)} / ${fmt(floor.cpuMsPerUpdate, 2)}`,
        },
        {
          scenario: name,
          metric: 'bot ÷ floor CPU per update',
          value: fmt(cpuRatio, 2),
          target: '≤ 2',
          met: cpuRatio <= 2,
        },
      ],
      notes: [
        ...stackFloors.map(
          ({ kind, figures }) =>
            `The stack's floor «${kind}» (floor-stack.ts): ${fmt(figures.cpuMsPerUpdate, 2)} ms of CPU per update, ` +
            `${fmt(figures.cpuMsPerUpdate / floor.cpuMsPerUpdate, 2)}× the bare floor's; ${fmt(figures.updatesPerSecond)} updates/s ` +
            `(${fmt(figures.updatesPerSecond / floor.updatesPerSecond, 2)} of the bare floor's), ${figures.failedAcks} answers other than 2xx; ` +
            `the bot ÷ this floor: CPU ${fmt(bot.cpuMsPerUpdate / figures.cpuMsPerUpdate, 2)}×, throughput ${fmt(bot.updatesPerSecond / figures.updatesPerSecond, 2)}.`,
        ),
        `Bot: ${fmt(bot.updates)} updates in ${fmt(bot.seconds, 1)} s, ${bot.failedAcks} webhook answers other than 2xx, ` +
          `${fmt(saved?.n ?? 0)} requests saved (expected ${fmt(options.families + 1 + warm.length)}, with the first family's and the ` +
          `${fmt(warm.length)} of the warm-up load, unmeasured, which each process (the floors too) walked first); ` +
          `bot process RSS after the run ${fmt(botRss)} MiB.`,
        `Bot API calls per update (the floor makes the same): bot ${describeCalls(bot.callsPerUpdate)}; floor ${describeCalls(floor.callsPerUpdate)}.`,
        `Floor: ${fmt(floor.updates)} updates in ${fmt(floor.seconds, 1)} s, ${floor.failedAcks} answers other than 2xx.`,
      ],
    };
  } finally {
    await child?.stop();
    await emulator.stop();
    await env.close();
  }
}
