import { Redis } from 'ioredis';
import { type RunningApp, type StartOptions, startApp } from '../../src/app.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { testConfig } from './env.js';

const silent = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/**
 * The delivery pipeline in this process: one relay app and one worker app, as separate roles would run.
 * `apiRoot` is where the worker sends (the emulator, or a proxy in front of it).
 */
export async function startDeliveryPipeline(options: {
  apiRoot: string;
  redisPrefix: string;
  reconcileIntervalMs?: number;
  extra?: Partial<StartOptions>;
  /** More environment for both roles (e.g. DEADLINE_POLICIES_FILE). */
  env?: Record<string, string>;
  /** Default: silent (or TEST_LOG_LEVEL). */
  logger?: Logger;
}) {
  const config = testConfig({
    ...options.env,
    TELEGRAM_API_ROOT: options.apiRoot,
    REDIS_PREFIX: options.redisPrefix,
  });
  const common = {
    logger: options.logger ?? silent,
    reconcileIntervalMs: options.reconcileIntervalMs,
    ...options.extra,
  };
  const apps: RunningApp[] = [];
  apps.push(await startApp(config, { ...common, role: 'relay' }));
  apps.push(await startApp(config, { ...common, role: 'worker' }));
  return {
    config,
    relay: apps[0]!,
    worker: apps[1]!,
    async stop() {
      for (const app of apps.reverse()) await app.stop();
    },
  };
}

/**
 * Deletes every Redis key of one prefix — the queues, the jobs, the rate-limit slots — as a FLUSHALL
 * would, without touching keys of other test runs sharing this Redis.
 */
export async function wipeRedisPrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Polls until `check` returns a truthy value, or throws after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
