import { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { type Role, type RunningApp, type StartOptions, startApp } from '../../src/app.js';
import { createDb, type Db } from '../../src/db/client.js';
import { notifications, outbox } from '../../src/db/schema/index.js';
import { createDeliveryLanes } from '../../src/features/delivery/index.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { queueNames } from '../../src/queue/names.js';
import { createAppNotifications } from '../../src/roles/pipeline.js';
import { type RateLimits, telegramRateLimits } from '../../src/sandbox/emulator/types.js';
import { createEmulator, type Emulator } from '../../src/sandbox/emulator.js';
import { freshRedisPrefix, TEST_BOT_TOKEN, TEST_BOT_USERNAME, testConfig, testEnv } from './env.js';
import { watchForFailureReplies } from './failure-replies.js';
import { eventually, startDeliveryPipeline } from './pipeline.js';
import { type Seeded, type SeedSpec, seedWorld } from './seed.js';
import { type SpawnedProcess, spawnEntry } from './spawn.js';
import { startTcpProxy } from './tcp-proxy.js';

/**
 * The roles' logger when a test gives none: TEST_LOG_LEVEL prints to stdout; by default nothing is printed,
 * but the last warnings and errors are kept, so that a failure reply the harness finds comes with its cause.
 */
function harnessLogger(): { logger: Logger; recent: () => string[] } {
  const level = process.env.TEST_LOG_LEVEL;
  if (level) return { logger: createLogger({ level }), recent: () => [] };
  const lines: string[] = [];
  const destination = {
    write(line: string) {
      lines.push(line.trim());
      if (lines.length > 40) lines.shift();
    },
  };
  return { logger: createLogger({ level: 'warn', destination }), recent: () => [...lines] };
}

export interface E2EOptions {
  /** The bot role (polling the emulator). Default on; off for files that test only routing and delivery. */
  bot?: boolean;
  /** The relay and worker roles, as separate processes would run them. Default on. */
  pipeline?: boolean | { reconcileIntervalMs?: number; extra?: Partial<StartOptions> };
  /** Environment for every role this harness starts (e.g. DEADLINE_POLICIES_FILE). */
  env?: Record<string, string>;
  /** Environment for the bot role only, over `env` (e.g. a DATABASE_URL through a proxy). */
  botEnv?: Record<string, string>;
  /** A proxy between the roles and the emulator (e.g. startBotApiRecorder), given the emulator's URL. */
  via?: (emulatorUrl: string) => Promise<{ url: string; close(): Promise<void> }>;
  /** Default: Telegram's limits as the emulator defines them. */
  limits?: RateLimits | false;
  /** The test causes failures on purpose: failure replies are expected. */
  allowFailureReplies?: boolean;
  /**
   * Which roles reach PostgreSQL and Redis through a TCP proxy the test can cut (`outage.postgres.cut()`,
   * `restore()`): 'bot', 'pipeline' (relay and worker) or 'all'. Seeding and assertions reach both directly.
   * A failed reconnect to a cut proxy is an unhandled rejection (ECONNREFUSED) that main.ts logs; any other
   * unhandled rejection meanwhile is kept in `unexpectedRejections`.
   */
  outage?: { postgres?: OutageOf; redis?: OutageOf };
  /** The roles' logger (default: prints nothing, keeps the last warnings and errors for a failure reply's report; TEST_LOG_LEVEL prints). */
  logger?: Logger;
}

type OutageOf = 'bot' | 'pipeline' | 'all';
const outageReaches = (of: OutageOf | undefined, role: Role) =>
  of === 'all' || (of === 'bot' ? role === 'bot' : of === 'pipeline' && role !== 'bot');

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
  const kept = harnessLogger();
  const failures = options.allowFailureReplies ? undefined : watchForFailureReplies(emulator, kept.recent);
  const stops: (() => Promise<unknown>)[] = [];
  await emulator.start();
  stops.push(() => emulator.stop());
  try {
    const redisPrefix = freshRedisPrefix();
    const roleEnv = { REDIS_PREFIX: redisPrefix, LOG_LEVEL: 'silent', ...options.env };
    const logger = options.logger ?? kept.logger;
    const proxy = options.via ? await options.via(emulator.url) : undefined;
    if (proxy) stops.push(() => proxy.close());
    const direct = testConfig(roleEnv);
    const outage = await startOutageProxies(options.outage, direct, stops);
    /** A role's environment: the harness's, through the outage proxies that reach it. */
    const envOf = (role: Role): Record<string, string> => ({
      ...roleEnv,
      ...(role === 'bot' ? options.botEnv : {}),
      ...(outage.postgres && outageReaches(options.outage?.postgres, role)
        ? { DATABASE_URL: outage.postgres.url }
        : {}),
      ...(outage.redis && outageReaches(options.outage?.redis, role) ? { REDIS_URL: outage.redis.url } : {}),
      TELEGRAM_API_ROOT: proxy?.url ?? emulator.url,
    });
    const config = testConfig(envOf('bot'));
    let bot: RunningApp | undefined;
    if (options.bot ?? true) {
      bot = await startApp(config, { role: 'bot', logger });
      stops.push(() => bot!.stop());
    }
    let pipeline: Awaited<ReturnType<typeof startDeliveryPipeline>> | undefined;
    if (options.pipeline ?? true) {
      const tuning = typeof options.pipeline === 'object' ? options.pipeline : {};
      const { TELEGRAM_API_ROOT: apiRoot, ...env } = envOf('worker');
      pipeline = await startDeliveryPipeline({ ...tuning, apiRoot: apiRoot!, redisPrefix, env, logger });
      stops.push(() => pipeline!.stop());
    }
    // Roles stop with their stores reachable: an outage a test left on ends first.
    stops.push(async () => {
      for (const cut of [outage.postgres, outage.redis]) await cut?.restore();
    });
    // Seeding and assertions reach PostgreSQL directly, whatever way the bot is given (botEnv).
    const { db, sql } = createDb(direct.databaseUrl, { max: 2 });
    stops.push(() => sql.end({ timeout: 5 }));
    const redis = new Redis(direct.redisUrl, { maxRetriesPerRequest: null });
    stops.push(async () => redis.disconnect());
    const queues = {
      routing: new Queue(queueNames.routing, { connection: redis, prefix: config.redisPrefix }),
    };
    stops.push(() => Promise.all(Object.values(queues).map((q) => q.close())));
    const lanes = createDeliveryLanes({
      redis,
      prefix: config.redisPrefix,
      db,
      sendClassOf: createAppNotifications().sendClassOf,
    });

    function roleProcessEnv(env: Record<string, string> = {}, role: Role = 'all') {
      const { LOG_LEVEL: _silent, ...ofRole } = envOf(role);
      return testEnv({ ...ofRole, ...env });
    }
    return {
      emulator,
      config,
      db,
      /** The same connection pool as `db`, as postgres.js tagged templates. */
      sql,
      /** The proxies of `options.outage` to cut and restore, and unhandled rejections other than reconnects. */
      outage,
      /** A Redis connection of the harness (the roles' keys are under `config.redisPrefix`). */
      redis,
      /** The deployment's routing queue (to add a job as the relay would). */
      queues,
      /** The delivery lanes (to hand notifications to delivery as the relay would). */
      lanes,
      /** The relay and worker apps, when the pipeline runs. */
      pipeline,
      /**
       * One more role in this process, on the harness's prefix and environment (`tuning` as startApp takes
       * it), for a test that starts a role at a moment of its own; stopped with the harness unless the test
       * stops it first.
       */
      async startRole(role: Role, tuning: Partial<StartOptions> = {}) {
        const roleConfig = testConfig(envOf(role));
        const app = await startApp(roleConfig, { logger, ...tuning, role });
        stops.push(() => app.stop()); // a second stop() is a no-op
        return app;
      },
      /**
       * A role as a process of its own (`src/main.ts --role=…`), on the harness's prefix and environment
       * (`env` over it; logging at info, so a test can wait for its lines); ended with the harness unless
       * the test ends it first.
       */
      spawnRole(role: Role, env: Record<string, string> = {}): SpawnedProcess {
        const spawned = spawnEntry('src/main.ts', [`--role=${role}`], roleProcessEnv(env, role));
        stops.push(() => spawned.stop()); // ended already: resolves at once
        return spawned;
      },
      /** The environment `spawnRole` gives a process (`env` over the harness's), for a test's own spawn. */
      roleProcessEnv,
      /** Seeds staff, families and requests as `seed.ts` describes, with a chat in the emulator for each. */
      seed<S extends string = never, F extends string = never, R extends string = never>(
        spec: SeedSpec<S, F, R>,
      ): Promise<Seeded<S, F, R>> {
        return seedWorld({ db, emulator }, spec);
      },
      /** Waits until nothing is left to happen in this harness's stores and emulator (see settledOf). */
      settled(timeoutMs = 15_000) {
        return settledOf({ db, emulator, redis, prefix: config.redisPrefix, queues, bot: !!bot }, timeoutMs);
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

/**
 * The TCP proxies of `outage`: the URL a role is given instead of the store's, `cut()` and `restore()`.
 * While any is there, an unhandled rejection other than a failed reconnect (ECONNREFUSED) is kept.
 */
async function startOutageProxies(
  outage: E2EOptions['outage'],
  direct: { databaseUrl: string; redisUrl: string },
  stops: (() => Promise<unknown>)[],
) {
  const unexpectedRejections: unknown[] = [];
  const through = async (url: string) => {
    const target = new URL(url);
    let watcher: ((chunk: Buffer) => void) | undefined;
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) }, (_, chunk) =>
      watcher?.(chunk),
    );
    stops.push(() => proxy.close());
    target.hostname = '127.0.0.1';
    target.port = String(proxy.port);
    return {
      ...proxy,
      url: target.toString(),
      /** Sees each chunk a role sends through, before it goes on (a `cut()` from here stops that chunk). */
      watch(next: ((chunk: Buffer) => void) | undefined) {
        watcher = next;
      },
    };
  };
  if (outage?.postgres || outage?.redis) {
    // postgres.js reports a failed reconnect to a cut proxy as an unhandled rejection (main.ts logs those).
    const onRejection = (error: unknown) => {
      if ((error as { code?: string }).code !== 'ECONNREFUSED') unexpectedRejections.push(error);
    };
    process.on('unhandledRejection', onRejection);
    stops.push(async () => void process.off('unhandledRejection', onRejection));
  }
  return {
    postgres: outage?.postgres ? await through(direct.databaseUrl) : undefined,
    redis: outage?.redis ? await through(direct.redisUrl) : undefined,
    unexpectedRejections,
  };
}

/**
 * Waits until nothing is left to happen: no pending outbox row, no routing job waiting, running or delayed,
 * no pending notification, and, when a bot runs (`bot`), no update it has not taken or is still handling
 * (a chat's lock under `prefix`); and the emulator's count of sent messages the same on two looks in a row.
 * What a test then reads is all that this step will ever make the bot send. The harness's `settled()`; a
 * test that runs the service its own way passes its own stores.
 */
export async function settledOf(
  world: {
    db: Db;
    emulator: Emulator;
    redis: Redis;
    prefix: string;
    queues?: Record<string, Queue>;
    bot: boolean;
  },
  timeoutMs = 15_000,
) {
  const { db, emulator, redis, prefix, queues = {}, bot } = world;
  /** What still has to happen: outbox rows, routing jobs, notifications, updates in hand. */
  async function unfinished() {
    const [pendingOutbox, pendingNotifications, jobCounts, chatLocks] = await Promise.all([
      db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'pending')).limit(1),
      db
        .select({ id: notifications.id })
        .from(notifications)
        .where(eq(notifications.status, 'pending'))
        .limit(1),
      Promise.all(
        Object.values(queues).map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized')),
      ),
      bot ? anyKey(redis, `${prefix}:chatlock:*`) : Promise.resolve(false),
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
export type E2EWorld = Pick<
  E2E,
  'emulator' | 'config' | 'db' | 'redis' | 'seed' | 'settled' | 'answerTo' | 'restart'
>;

/** A file's harness: all of `startE2E`'s but `stop`, and what `seed` in the options made, by its names. */
export type UsedE2E<S extends string, F extends string, R extends string> = Omit<E2E, 'stop'> & {
  readonly seeded: Seeded<S, F, R>;
};

/**
 * The harness of one test file, in one line: `const bot = useE2E({ seed: { staff: {...}, families: {...} } })`
 * starts what `startE2E` starts in `beforeAll`, seeds what the file shares (read it as `bot.seeded`), and
 * stops all of it in `afterAll`. Its members are there once `beforeAll` has run.
 */
export function useE2E<S extends string = never, F extends string = never, R extends string = never>(
  options: E2EOptions & { seed?: SeedSpec<S, F, R> } = {},
): UsedE2E<S, F, R> {
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
  // Every member of the running harness, read when the test uses it (after beforeAll); `stop` is afterAll's.
  return new Proxy({} as UsedE2E<S, F, R>, {
    get(_, key) {
      if (key !== 'seeded') return Reflect.get(started(), key);
      if (!seeded) throw new Error('nothing was seeded for this file');
      return seeded;
    },
  });
}
