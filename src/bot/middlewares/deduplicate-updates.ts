import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.js';

const PROCESSED_TTL_SECONDS = 24 * 3600;

/**
 * Telegram may deliver the same update twice (a webhook retry after a slow answer, two bot processes
 * behind a balancer). The first process to claim the `update_id` in Redis handles it; others skip it.
 * If handling fails the claim is released so that Telegram's retry is handled.
 */
export function createUpdateDeduplicator({
  redis,
  prefix,
  logger,
}: {
  redis: Redis;
  prefix: string;
  logger: Logger;
}) {
  const key = (botId: number, updateId: number) => `${prefix}:upd:${botId}:${updateId}`;
  return {
    async claim(botId: number, updateId: number): Promise<boolean> {
      try {
        const result = await redis.set(key(botId, updateId), '1', 'EX', PROCESSED_TTL_SECONDS, 'NX');
        return result === 'OK';
      } catch (error) {
        // Without Redis we cannot tell; handling twice is better than losing a family's message.
        logger.warn({ err: error, updateId }, 'update deduplication unavailable');
        return true;
      }
    },
    async release(botId: number, updateId: number): Promise<void> {
      await redis.del(key(botId, updateId)).catch(() => undefined);
    },
  };
}

export type UpdateDeduplicator = ReturnType<typeof createUpdateDeduplicator>;
