import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.js';

const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** The Redis key held by the process whose turn it is in a chat. */
export const chatTurnKey = (prefix: string, chatId: number) => `${prefix}:chatlock:${chatId}`;

/**
 * One update at a time per private chat, across all bot processes. A dialogue's state is read at the
 * start of an update and written at the end; two updates of one chat handled at once (a double tap on
 * «Сохранить», or two webhook deliveries to two processes) would both act on the same step and save twice.
 * The lock expires on its own if a process dies holding it. Without Redis, updates go through unlocked.
 */
export function createChatSerializer({
  redis,
  prefix,
  logger,
  leaseMs = 30_000,
  waitMs = 35_000,
}: {
  redis: Redis;
  prefix: string;
  logger: Logger;
  leaseMs?: number;
  waitMs?: number;
}) {
  const key = (chatId: number) => chatTurnKey(prefix, chatId);
  return async function runSerialized(chatId: number, work: () => Promise<void>): Promise<void> {
    const token = randomBytes(8).toString('hex');
    const deadline = Date.now() + waitMs;
    let locked = false;
    try {
      for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
        locked = (await redis.set(key(chatId), token, 'PX', leaseMs, 'NX')) === 'OK';
        if (locked || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
      if (!locked) logger.warn('chat lock not acquired in time, handling the update anyway');
    } catch (error) {
      logger.warn({ err: error }, 'chat lock unavailable');
    }
    try {
      await work();
    } finally {
      if (locked) await redis.eval(RELEASE_SCRIPT, 1, key(chatId), token).catch(() => undefined);
    }
  };
}
