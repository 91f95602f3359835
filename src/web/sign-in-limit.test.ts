import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { freshRedisPrefix, testConfig } from '../../test/helpers/env.js';
import { createDb } from '../db/client.js';
import { createI18n } from '../i18n.js';
import { createLogger } from '../logger.js';
import { createWebServer } from './server.js';

/**
 * The sign-in link endpoint allows 30 tries a minute per address (issue 15), counted in Redis: two web
 * processes behind one balancer share the count, so a guesser gains nothing by reaching both.
 */
describe('the sign-in link endpoint behind two web processes', () => {
  const config = testConfig({ REDIS_PREFIX: freshRedisPrefix() });
  const { db, sql } = createDb(config.databaseUrl, { max: 1 });
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  const deps = {
    config,
    db,
    i18n: createI18n(),
    logger: createLogger({ level: 'silent' }),
    queues: [],
    redis,
  };

  afterAll(async () => {
    const keys = await redis.keys(`${config.redisPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await sql.end({ timeout: 1 });
  });

  it('counts the tries of both together: the 31st in a minute is refused with a page that says to wait', async () => {
    const [first, second] = await Promise.all([createWebServer(deps), createWebServer(deps)]);
    try {
      const tryLink = (server: typeof first, n: number) =>
        server.inject({ method: 'GET', url: `/web/login/forged-${n}`, remoteAddress: '203.0.113.7' });
      for (let n = 0; n < 20; n++) expect((await tryLink(first, n)).statusCode).toBe(404);
      for (let n = 20; n < 30; n++) expect((await tryLink(second, n)).statusCode).toBe(404);
      const refused = await tryLink(first, 30);
      expect(refused.statusCode).toBe(429);
      expect(refused.body).toContain('Слишком много попыток');
      expect(refused.body).toContain('Подождите минуту');
      expect((await tryLink(second, 31)).statusCode).toBe(429);
      // Another address is not held back by this one.
      const other = await second.inject({
        method: 'GET',
        url: '/web/login/forged',
        remoteAddress: '198.51.100.9',
      });
      expect(other.statusCode).toBe(404);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
