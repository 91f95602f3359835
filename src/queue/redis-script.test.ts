import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisScript } from './redis-script.js';

describe('a Lua script run on a client that auto-pipelines (as container.ts makes them)', () => {
  const redis = new Redis(process.env.REDIS_URL!, { enableAutoPipelining: true });
  afterAll(() => redis.disconnect());
  const key = `${process.env.REDIS_PREFIX}:redis-script:${randomBytes(4).toString('hex')}`;
  // A text of its own, so Redis has never seen it: the first run finds no script under its sha.
  const incrBy = () =>
    redisScript<number>(
      `testIncrBy${randomBytes(4).toString('hex')}`,
      1,
      `-- ${randomBytes(8).toString('hex')}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`,
    );

  it('runs first in a turn whose pipeline other commands already opened, and the process lives on', async () => {
    const script = incrBy();
    // The bot at its first burst of updates: other commands are waiting in this turn's auto-pipeline when a
    // script is used for the first time. Before the fix the script's call broke that pipeline and its
    // reply threw an uncaught TypeError, which ended the bot process.
    const [set, first, second] = await Promise.all([
      redis.set(key, '1', 'EX', 60),
      script.run(redis, key, 2),
      script.run(redis, key, 3),
    ]);
    expect([set, first, second]).toEqual(['OK', 3, 6]);
    // Later turns: by its sha, as EVALSHA.
    expect(await script.run(redis, key, 4)).toBe(10);
  });

  it('still rides in a transaction once defined on the client', async () => {
    const script = incrBy();
    script.define(redis);
    const results = await script.queue(redis.multi().set(key, '5', 'EX', 60), key, 1).exec();
    expect(results?.map(([, value]) => value)).toEqual(['OK', 6]);
  });
});
