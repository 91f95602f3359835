import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { and, between, eq, gte, sql } from 'drizzle-orm';
import { escalations, requests } from '../../src/db/schema/index.js';
import { DEFAULT_POLICIES_FILE, loadDeadlinePolicies } from '../../src/deadline-policies.js';
import { nextStep } from '../../src/features/deadlines/deadlines.ladder.js';
import { createDeadlinesReconciler } from '../../src/features/deadlines/deadlines.reconciler.js';
import { createDeadlineScheduler } from '../../src/features/deadlines/deadlines.scheduler.js';
import { createLogger } from '../../src/logger.js';
import { createProducerConnection } from '../../src/queue/connections.js';
import { queueNames } from '../../src/queue/names.js';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { BENCH_BOT_TOKEN, scenarioEnv } from './bench-env.js';
import { type StartedChild, startServiceChild } from './bot-child.js';
import { prefixMemory, usedMemory } from './redis-figures.js';
import type { ScenarioResult } from './report.js';
import { seedFamilies, seedOpenRequests } from './seed.js';
import { fmt, ms, percentile, waitUntil } from './stats.js';

export function benchPolicies() {
  const loaded = loadDeadlinePolicies(DEFAULT_POLICIES_FILE);
  if (!loaded.ok) throw new Error(`default deadline policies do not load: ${loaded.problems.join('; ')}`);
  return loaded.policies;
}

/**
 * Timers: `pending` open requests each with its next ladder step as a delayed job (built with the deadline
 * reconciler's own rebuildAll, as after a start or a wipe), then `firing` more requests whose take
 * reminder comes due over the next seconds (scheduled with the scheduler's scheduleMany). The service's
 * worker process fires them; lateness = `escalations.fired_at` − the step's due time.
 */
export async function timersScenario(options: { pending: number; firing: number }): Promise<ScenarioResult> {
  const env = await scenarioEnv('timers');
  const emulator = createEmulator({ token: BENCH_BOT_TOKEN });
  await emulator.start();
  const logger = createLogger({ level: 'warn' });
  const connection = createProducerConnection(env.redisUrl, 'bench-timers');
  const queue = new Queue(queueNames.deadlines, { connection, prefix: env.redisPrefix });
  let child: StartedChild | undefined;
  try {
    const policies = benchPolicies();
    const scheduler = createDeadlineScheduler({ db: env.db, queue, policies });
    const reconciler = createDeadlinesReconciler({
      db: env.db,
      queue,
      redis: connection,
      prefix: env.redisPrefix,
      scheduler,
      policies,
      logger,
    });
    await seedFamilies(env.db, emulator, 200, { curatorEach: true });
    const far = options.pending - options.firing;
    // Take deadlines two hours ahead and later, 0.1 s apart: the reminders come due in an hour or more.
    await seedOpenRequests(env.db, {
      count: far,
      now: new Date(),
      takeDeadlineInSeconds: { first: 7200, step: 0.1 },
    });
    const memoryBefore = await usedMemory(env.redisUrl);
    const rebuildStarted = Date.now();
    const rebuilt = await reconciler.rebuildAll();
    const rebuildSeconds = (Date.now() - rebuildStarted) / 1000;
    const memory = await prefixMemory(env.redisUrl, `${env.redisPrefix}:${queueNames.deadlines}`);
    const memoryAfter = await usedMemory(env.redisUrl);

    child = await startServiceChild(env, emulator.url, 'worker');
    const spreadSeconds = Math.max(10, options.firing / 50);
    const leadSeconds = 5;
    const half = (policies.nanny.takeWithinMinutes * 60) / 2;
    const { firstId, lastId } = await seedOpenRequests(env.db, {
      count: options.firing,
      now: new Date(),
      takeDeadlineInSeconds: { first: half + leadSeconds, step: spreadSeconds / options.firing },
    });
    const firingRows = await env.db
      .select({
        id: requests.id,
        category: requests.category,
        priority: requests.priority,
        status: requests.status,
        takeDeadlineAt: requests.takeDeadlineAt,
        resolveDeadlineAt: requests.resolveDeadlineAt,
      })
      .from(requests)
      .where(gte(requests.id, firstId));
    const withFired = firingRows.map((row) => ({ ...row, fired: new Set<never>() }));
    const dueAt = new Map(
      withFired.map((row) => [row.id, nextStep(row, row.fired, policies)!.dueAt.getTime()]),
    );
    await scheduler.scheduleMany(withFired);
    const pendingWhileFiring = await queue.getDelayedCount();

    const fired = async () => {
      const [row] = await env.db
        .select({ n: sql<number>`count(*)::int` })
        .from(escalations)
        .where(and(between(escalations.requestId, firstId, lastId), eq(escalations.level, 'reminder')));
      return row?.n ?? 0;
    };
    await waitUntil(
      async () => (await fired()) >= options.firing,
      (leadSeconds + spreadSeconds + 120) * 1000,
      `${options.firing} reminders fired`,
    );
    const rows = await env.db
      .select({ requestId: escalations.requestId, firedAt: escalations.firedAt })
      .from(escalations)
      .where(and(between(escalations.requestId, firstId, lastId), eq(escalations.level, 'reminder')));
    const lateness = rows.map((row) => row.firedAt.getTime() - dueAt.get(row.requestId)!);
    await sleep(500);
    const p99 = percentile(lateness, 99);
    const name = `4 timers (${fmt(options.pending)} pending)`;
    return {
      rows: [
        {
          scenario: name,
          metric: `escalation lateness p50 / p99 / max (${fmt(options.firing)} fired)`,
          value: `${ms(percentile(lateness, 50))} / ${ms(p99)} / ${ms(Math.max(...lateness))}`,
          target: 'p99 ≤ 1 s',
          met: p99 <= 1000,
        },
        {
          scenario: name,
          metric: `Redis memory of the ${fmt(rebuilt.timers)} timers (MEMORY USAGE / used_memory growth)`,
          value: `${fmt(memory.bytes / 1024 ** 2, 1)} MiB / ${fmt((memoryAfter - memoryBefore) / 1024 ** 2, 1)} MiB`,
        },
      ],
      notes: [
        `rebuildAll added ${fmt(rebuilt.timers)} timers in ${fmt(rebuildSeconds, 1)} s ` +
          `(${fmt(rebuilt.timers / rebuildSeconds)}/s), ${fmt(memory.keys)} Redis keys, ` +
          `${fmt(memory.bytes / Math.max(1, rebuilt.timers))} bytes per timer; ${fmt(pendingWhileFiring)} delayed jobs ` +
          `while the ${fmt(options.firing)} reminders came due over ${fmt(spreadSeconds)} s; ` +
          `${fmt(lateness.length)} fired (one escalations row per step, the table's unique key).`,
      ],
    };
  } finally {
    await child?.stop();
    await queue.close();
    connection.disconnect();
    await emulator.stop();
    await env.close();
  }
}
