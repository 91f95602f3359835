import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createProducerConnection } from '../../src/queue/connections.js';
import { queueNames } from '../../src/queue/names.js';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { BENCH_BOT_TOKEN, scenarioEnv } from './bench-env.js';
import { type StartedChild, startServiceChild } from './bot-child.js';
import type { ScenarioResult } from './report.js';
import { seedFamilies, seedOpenRequests, seedPendingCards } from './seed.js';
import { fmt, waitUntil } from './stats.js';

const queuedStates = ['waiting', 'delayed', 'prioritized', 'active'] as const;

async function queued(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts(...queuedStates);
  return queuedStates.reduce((sum, state) => sum + (counts[state] ?? 0), 0);
}

/** Notifications waiting in the delivery lanes of a prefix (one sorted set per chat). */
async function inLanes(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let total = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:lane:*`, 'COUNT', 1000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.zcard(key);
    for (const [, count] of (await pipeline.exec()) ?? []) total += Number(count ?? 0);
  } while (cursor !== '0');
  return total;
}

/**
 * Recovery: `notifications` pending request cards and `deadlines` open requests with their timers, held by
 * a running relay process (no workers, so the jobs stay put); then FLUSHDB of the benchmark's own Redis
 * database index (what FLUSHALL does to a deployment that has Redis to itself), and the time until every
 * pending notification is in its chat's delivery lane and every deadline timer exists again, rebuilt by the
 * relay from PostgreSQL.
 */
export async function recoveryScenario(options: {
  notifications: number;
  deadlines: number;
}): Promise<ScenarioResult> {
  const env = await scenarioEnv('recovery');
  const emulator = createEmulator({ token: BENCH_BOT_TOKEN });
  await emulator.start();
  const connection = createProducerConnection(env.redisUrl, 'bench-recovery');
  const deadlinesQueue = new Queue(queueNames.deadlines, { connection, prefix: env.redisPrefix });
  let child: StartedChild | undefined;
  try {
    await seedFamilies(env.db, emulator, 200, { curatorEach: true });
    await seedOpenRequests(env.db, {
      count: options.deadlines,
      now: new Date(),
      takeDeadlineInSeconds: { first: 7200, step: 0.1 },
    });
    const cards = await seedPendingCards(env.db, options.notifications);
    const complete = async () => ({
      delivery: (await inLanes(connection, env.redisPrefix)) >= cards,
      deadlines: (await queued(deadlinesQueue)) >= options.deadlines,
    });
    const allThere = async () => {
      const state = await complete();
      return state.delivery && state.deadlines;
    };

    const spawned = Date.now();
    child = await startServiceChild(env, emulator.url, 'relay');
    await waitUntil(allThere, 180_000, 'the jobs after the relay started');
    const coldStart = (Date.now() - spawned) / 1000;

    const redis = new Redis(env.redisUrl);
    let wipedAt: number;
    try {
      const [, sample] = await redis.scan('0', 'MATCH', '*', 'COUNT', 1000);
      const foreign = sample.filter((key) => !key.startsWith('bench'));
      if (foreign.length > 0) throw new Error(`not wiping: ${env.redisUrl} holds other keys (${foreign[0]})`);
      wipedAt = Date.now();
      await redis.flushdb();
    } finally {
      redis.disconnect();
    }
    let deliveryBack: number | undefined;
    let deadlinesBack: number | undefined;
    await waitUntil(
      async () => {
        const state = await complete();
        if (state.delivery) deliveryBack ??= Date.now();
        if (state.deadlines) deadlinesBack ??= Date.now();
        return state.delivery && state.deadlines;
      },
      180_000,
      'every job after FLUSHDB',
    );
    const seconds = (Math.max(deliveryBack!, deadlinesBack!) - wipedAt) / 1000;
    const name = `5 recovery (${fmt(cards)} notifications, ${fmt(options.deadlines)} deadlines)`;
    return {
      rows: [
        {
          scenario: name,
          metric: 'FLUSHDB → every job exists again',
          value: `${fmt(seconds, 1)} s`,
          target: '≤ 10 s',
          met: seconds <= 10,
        },
        {
          scenario: name,
          metric: 'of which: notifications in their lanes / deadline timers back after',
          value: `${fmt((deliveryBack! - wipedAt) / 1000, 1)} s / ${fmt((deadlinesBack! - wipedAt) / 1000, 1)} s`,
        },
      ],
      notes: [
        `A relay process (role relay, default intervals) held the jobs; from its spawn to every job queued: ` +
          `${fmt(coldStart, 1)} s (start-up, migrations check, then both reconcilers).`,
      ],
    };
  } finally {
    await child?.stop();
    await deadlinesQueue.close();
    connection.disconnect();
    await emulator.stop();
    await env.close();
  }
}
