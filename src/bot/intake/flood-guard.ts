import type { Redis } from 'ioredis';
import type { Language } from '../../db/schema/enums.js';
import type { I18n } from '../../i18n.js';
import type { Logger } from '../../logger.js';
import type { BotContext } from '../context.js';

/** The person is told at most once per this period. */
const TOLD_FOR_SECONDS = 10 * 60;
/**
 * Updates of one person this process may hold at once (each waits for the one before it, and a webhook call
 * stays open until its update is handled): half of Telegram's default 40 webhook connections, more than an
 * album of 10. Beyond it an update is excess like one over the window's limit, so a flood that stays under
 * the window's count but outruns the replies (one a second to a chat) cannot take every connection.
 */
const MAX_WAITING_PER_PERSON = 20;

/**
 * A per-person flood limit in front of everything else, so that one chat sending hundreds of updates cannot
 * hold the webhook's connections (each update of a chat waits for the one before it): more than `limit`
 * updates from one person in a fixed window of `windowMs` (counted in Redis, across bot processes) are
 * answered at once and not handled. The person is told once, calmly, to slow down and send again what
 * matters. Without Redis nothing is limited.
 */
export function createFloodGuard({
  redis,
  prefix,
  logger,
  i18n,
  languageOf,
  exempt,
  limit,
  windowMs,
}: {
  redis: Redis;
  prefix: string;
  logger: Logger;
  i18n: I18n;
  languageOf: (ctx: BotContext) => Language;
  exempt: (ctx: BotContext) => boolean;
  limit: number;
  windowMs: number;
}) {
  async function countUpdate(userId: number): Promise<number> {
    const key = `${prefix}:flood:${userId}:${Math.floor(Date.now() / windowMs)}`;
    const results = await redis
      .multi()
      .incr(key)
      .pexpire(key, windowMs * 2)
      .exec();
    return Number(results?.[0]?.[1] ?? 0);
  }

  async function tellToSlowDown(ctx: BotContext, userId: number) {
    const first = await redis.set(`${prefix}:flood-told:${userId}`, '1', 'EX', TOLD_FOR_SECONDS, 'NX');
    if (first !== 'OK') return;
    logger.warn({ updateId: ctx.update.update_id, limit, windowMs }, 'a person is over the flood limit');
    await ctx.api.sendMessage(userId, i18n.t(languageOf(ctx), 'intake-slow-down'));
  }

  const waiting = new Map<number, number>();
  async function handle(userId: number, next: () => Promise<void>): Promise<void> {
    waiting.set(userId, (waiting.get(userId) ?? 0) + 1);
    try {
      await next();
    } finally {
      const left = (waiting.get(userId) ?? 1) - 1;
      if (left > 0) waiting.set(userId, left);
      else waiting.delete(userId);
    }
  }

  return async function floodGuard(ctx: BotContext, next: () => Promise<void>): Promise<void> {
    const userId = ctx.chat?.type === 'private' ? ctx.from?.id : undefined;
    if (userId === undefined || exempt(ctx)) return next();
    let count: number;
    try {
      count = await countUpdate(userId);
    } catch {
      return handle(userId, next);
    }
    if (count <= limit && (waiting.get(userId) ?? 0) < MAX_WAITING_PER_PERSON) return handle(userId, next);
    logger.info({ updateId: ctx.update.update_id }, 'update over the flood limit not handled');
    // Not awaited: the webhook answers this update now, whatever the notice meets on its way.
    void tellToSlowDown(ctx, userId).catch((error: unknown) =>
      logger.warn({ err: error, updateId: ctx.update.update_id }, 'could not tell a person to slow down'),
    );
  };
}
