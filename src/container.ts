import { Redis } from 'ioredis';
import type { Config } from './config.js';
import { createDb } from './db/client.js';
import { createI18n } from './i18n.js';
import { createLogger, type Logger } from './logger.js';

/** Everything the roles share: built once by the composition root, passed down explicitly. */
export function createContainer(
  config: Config,
  options: {
    logger?: Logger;
    /** PostgreSQL connections of this process (default 10). */
    databasePool?: number;
  } = {},
) {
  const logger = options.logger ?? createLogger({ level: config.logLevel, botToken: config.botToken });
  const { db, sql } = createDb(config.databaseUrl, { max: options.databasePool });
  // Commands from request handlers should fail fast when Redis is down instead of queueing forever.
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectionName: 'patronazh',
    // Commands of concurrent updates issued in the same tick share one socket write.
    enableAutoPipelining: true,
  });
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const i18n = createI18n();

  return {
    config,
    logger,
    db,
    sql,
    redis,
    i18n,
    async connect() {
      await redis.connect();
    },
    async close() {
      redis.disconnect();
      await sql.end({ timeout: 5 });
    },
  };
}

export type Container = ReturnType<typeof createContainer>;
