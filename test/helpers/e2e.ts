import { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { type RunningApp, type StartOptions, startApp } from '../../src/app.js';
import { createDb } from '../../src/db/client.js';
import { notifications, outbox } from '../../src/db/schema/index.js';
import { createLogger } from '../../src/logger.js';
import { queueNames } from '../../src/queue/names.js';
import { type RateLimits, telegramRateLimits } from '../../src/sandbox/emulator/types.js';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { freshRedisPrefix, TEST_BOT_TOKEN, TEST_BOT_USERNAME, testConfig } from './env.js';
import { watchForFailureReplies } from './failure-replies.js';
import { eventually, startDeliveryPipeline } from './pipeline.js';
import { type Seeded, type SeedSpec, seedWorld } from './seed.js';

const logger = createLogger({ level: (process.env.TEST_LOG_LEVEL as 'info') ?? 'silent' });

export interface E2EOptions {
  /** The bot role (polling the emulator). Default on; off for files that test only routing and delivery. */
  bot?: boolean;
  /** The relay and worker roles, as separate processes would run them. Default on. */
  pipeline?: boolean | { reconcileIntervalMs?: number; extra?: Partial<StartOptions> };
  /** Environment for every role this harness starts (e.g. DEADLINE_POLICIES_FILE). */
  env?: Record<string, string>;
  /** Environment for the bot role only, over `env` (e.g. a DATABASE_URL through a proxy). */
  botEnv?: Record<string, string>;
  /** A proxy between the bot and the emulator (e.g. startBotApiRecorder), given the emulator's URL. */
  via?: (emulatorUrl: string) => Promise<{ url: string; close(): Promise<void> }>;
  /** Default: Telegram's limits as the emulator defines them. */
  limits?: RateLimits | false;
  /** The test causes failures on purpose: failure replies are expected. */
  allowFailureReplies?: boolean;
}

/**
 * Everything an end-to-end test runs against, started in this process: the Bot API emulator with Telegram's
 * limits on, the bot role polling it (through `via` if given), the relay and worker roles sending to it, all
 * on a Redis prefix of their own; and a database handle for seeding and assertions. `stop()` ends all of it
 * and fails if any chat got a failure reply the test did not allow. Prefer `useE2E`, which does both in a
 * file's hooks.
 */
export async function startE2E(options: E2EOptions = {}) {
  const emulator = createEmulator({
    token: TEST_BOT_TOKEN,
    botUsername: TEST_BOT_USERNAME,
    limits: options.limits ?? telegramRateLimits,
  });
  const failures = options.allowFailureReplies ? undefined : watchForFailureReplies(emulator);
  const stops: (() => Promise<unknown>)[] = [];
  await emulator.start();
  stops.push(() => emulator.stop());
  try {
    const redisPrefix = freshRedisPrefix();
    const roleEnv = { REDIS_PREFIX: redisPrefix, LOG_LEVEL: 'silent', ...options.env };
    const proxy = options.via ? await options.via(emulator.url) : undefined;
    if (proxy) stops.push(() => proxy.close());
    const config = testConfig({
      ...roleEnv,
      ...options.botEnv,
      TELEGRAM_API_ROOT: proxy?.url ?? emulator.url,
    });
    let bot: RunningApp | undefined;
    if (options.bot ?? true) {
      bot = await startApp(config, { role: 'bot', logger });
      stops.push(() => bot!.stop());
    }
    let pipeline: Awaited<ReturnType<typeof startDeliveryPipeline>> | undefined;
    if (options.pipeline ?? true) {
      const tuning = typeof options.pipeline === 'object' ? options.pipeline : {};
      pipeline = await startDeliveryPipeline({
        ...tuning,
        apiRoot: emulator.url,
        redisPrefix,
        env: options.env,
      });
      stops.push(() => pipeline!.stop());
    }
    // Seeding and assertions reach PostgreSQL directly, whatever way the bot is given (botEnv).
    const { db, sql } = createDb(testConfig(roleEnv).databaseUrl, { max: 2 });
    stops.push(() => sql.end({ timeout: 5 }));
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    stops.push(async () => redis.disconnect());
    const queues = [queueNames.routing, queueNames.delivery].map(
      (name) => new Queue(name, { connection: redis, prefix: config.redisPrefix }),
    );
    stops.push(() => Promise.all(queues.map((queue) => queue.close())));

    /** What still has to happen: outbox rows, routing and delivery jobs, notifications, updates in hand. */
    async function unfinished() {
      const [pendingOutbox, pendingNotifications, jobCounts, chatLocks] = await Promise.all([
        db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'pending')).limit(1),
        db
          .select({ id: notifications.id })
          .from(notifications)
          .where(eq(notifications.status, 'pending'))
          .limit(1),
        Promise.all(queues.map((queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized'))),
        bot ? anyKey(redis, `${config.redisPrefix}:chatlock:*`) : Promise.resolve(false),
      ]);
      const jobs = jobCounts.flatMap((counts) => Object.values(counts)).reduce((a, b) => a + b, 0);
      return (
        pendingOutbox.length +
        pendingNotifications.length +
        jobs +
        Number(chatLocks) +
        (bot ? emulator.stats().pendingUpdates : 0)
      );
    }

    return {
      emulator,
      config,
      db,
      /** The relay and worker apps, when the pipeline runs. */
      pipeline,
      /** Seeds staff, families and requests as `seed.ts` describes, with a chat in the emulator for each. */
      seed<S extends string = never, F extends string = never, R extends string = never>(
        spec: SeedSpec<S, F, R>,
      ): Promise<Seeded<S, F, R>> {
        return seedWorld({ db, emulator }, spec);
      },
      /**
       * Waits until nothing is left to happen: no pending outbox row, no routing or delivery job waiting,
       * running or delayed, no pending notification, no update the bot has not taken or is still handling;
       * and the emulator's count of sent messages the same on two looks in a row. What a test then reads
       * is all that this step will ever make the bot send.
       */
      async settled(timeoutMs = 15_000) {
        let lastSends = -1;
        await eventually(
          async () => {
            const sends = emulator.stats().acceptedSends;
            const idle = (await unfinished()) === 0 && sends === lastSends;
            lastSends = sends;
            return idle;
          },
          timeoutMs,
          'the pipeline to settle',
        );
      },
      /** The bot's answer to a button press, once it has given it. */
      answerTo(callbackQueryId: string | undefined, timeoutMs = 15_000) {
        return eventually(
          async () => emulator.callbackAnswers().find((a) => a.callback_query_id === callbackQueryId),
          timeoutMs,
          'the answer to a button press',
        );
      },
      /** Stops the bot and starts a new one on the same prefix (dialogue state in Redis carries over). */
      async restart() {
        if (!bot) throw new Error('this harness runs no bot');
        await bot.stop();
        bot = await startApp(config, { role: 'bot', logger });
      },
      async stop() {
        // What the tests did is judged before the shutdown: a reply cut off by the shutdown itself (an
        // update still being handled when the test ended) is not what the test is about.
        let failed: unknown;
        try {
          failures?.check();
        } catch (error) {
          failed = error;
        }
        await stopAll(stops);
        if (failed) throw failed;
      },
    };
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
}

/** Whether any key matches (SCAN, not KEYS: the Redis is shared). */
async function anyKey(redis: Redis, pattern: string) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) return true;
    cursor = next;
  } while (cursor !== '0');
  return false;
}

/** Stops what was started, last first, each even if an earlier one failed; throws the first failure. */
async function stopAll(stops: (() => Promise<unknown>)[]) {
  let first: unknown;
  for (const stop of stops.reverse()) {
    try {
      await stop();
    } catch (error) {
      first ??= error;
    }
  }
  stops.length = 0;
  if (first) throw first;
}

export type E2E = Awaited<ReturnType<typeof startE2E>>;

/** What tests and their helpers use of a harness, whether `useE2E`'s or one a test started itself. */
export type E2EWorld = Pick<E2E, 'emulator' | 'config' | 'db' | 'seed' | 'settled' | 'answerTo' | 'restart'>;

/**
 * The harness of one test file, in one line: `const bot = useE2E({ seed: { staff: {...}, families: {...} } })`
 * starts what `startE2E` starts in `beforeAll`, seeds what the file shares (read it as `bot.seeded`), and
 * stops all of it in `afterAll`. Its members are there once `beforeAll` has run.
 */
export function useE2E<S extends string = never, F extends string = never, R extends string = never>(
  options: E2EOptions & { seed?: SeedSpec<S, F, R> } = {},
): E2EWorld & { readonly pipeline: E2E['pipeline']; readonly seeded: Seeded<S, F, R> } {
  let running: E2E | undefined;
  let seeded: Seeded<S, F, R> | undefined;
  beforeAll(async () => {
    running = await startE2E(options);
    if (options.seed) seeded = await running.seed(options.seed);
  });
  afterAll(async () => {
    await running?.stop();
  });
  const started = () => {
    if (!running) throw new Error('the end-to-end harness is used before its beforeAll has run');
    return running;
  };
  return {
    get emulator() {
      return started().emulator;
    },
    get config() {
      return started().config;
    },
    get db() {
      return started().db;
    },
    get pipeline() {
      return started().pipeline;
    },
    /** What `seed` in the options made, by the names given there. */
    get seeded() {
      if (!seeded) throw new Error('nothing was seeded for this file');
      return seeded;
    },
    seed: (spec) => started().seed(spec),
    settled: (timeoutMs?: number) => started().settled(timeoutMs),
    answerTo: (callbackQueryId, timeoutMs) => started().answerTo(callbackQueryId, timeoutMs),
    restart: () => started().restart(),
  };
}
