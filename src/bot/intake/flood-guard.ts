import type { Redis } from 'ioredis';
import type { Language } from '../../db/schema/enums.js';
import type { I18n } from '../../i18n.js';
import type { Logger } from '../../logger.js';
import { redisScript } from '../../queue/redis-script.js';
import type { BotContext } from '../context.js';
import { UpdateInProgressError } from '../middlewares/deduplicate-updates.js';

/** The person is told at most once per this period. */
const TOLD_FOR_SECONDS = 10 * 60;

// One round trip per update: count it in the person's window, and say whether its chat is busy (updates
// kept behind one in hand, or another process holding the chat's turn).
const COUNT_AND_LOOK = redisScript<[number, number]>(
  'patronazhFloodCountAndLook',
  3,
  `local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('EXISTS', KEYS[2], KEYS[3])}`,
);

export interface FloodGuardOptions {
  redis: Redis;
  prefix: string;
  logger: Logger;
  i18n: I18n;
  languageOf: (ctx: BotContext) => Language;
  /** Updates handed back from the chat's kept list: counted and ordered when they arrived. */
  exempt: (ctx: BotContext) => boolean;
  /** The Redis key of the chat's kept updates, and of its turn across processes. */
  keptKey: (chatId: number) => string;
  turnKey: (chatId: number) => string;
  /** Keeps the update durably behind its chat's others; throws if it could not. */
  keepBehind: (ctx: BotContext, chatId: number) => Promise<void>;
  /**
   * Handles the chat's kept updates in order, if it has any (not awaited by the webhook's answer), once the
   * update in hand (`ctx`) is done; `keptHere`: an update was kept behind it by this process meanwhile.
   */
  drainChat: (chatId: number, ctx: BotContext, keptHere: boolean) => Promise<void>;
  /** Updates per person per window; 0: no limit (busy chats are still kept, not waited on). */
  limit: number;
  windowMs: number;
}

/** This process's own count of each person's updates in the current window (a lower bound of Redis's). */
function createLocalCounts(windowMs: number) {
  let seenWindow = -1;
  const seen = new Map<number, number>();
  return function countHere(userId: number): number {
    const window = Math.floor(Date.now() / windowMs);
    if (window !== seenWindow) {
      seenWindow = window;
      seen.clear();
    }
    const count = (seen.get(userId) ?? 0) + 1;
    seen.set(userId, count);
    return count;
  };
}

/** An update over the limit: logged (once a window at info), and the person told once to slow down. */
function createExcess({ redis, prefix, logger, i18n, languageOf, limit, windowMs }: FloodGuardOptions) {
  /** Persons this process already told (the Redis key says so across processes). */
  const toldUntil = new Map<number, number>();
  /** The window in which each person's first excess update was logged at info (the rest: debug). */
  const loggedIn = new Map<number, number>();

  async function tellToSlowDown(ctx: BotContext, userId: number) {
    const now = Date.now();
    if ((toldUntil.get(userId) ?? 0) > now) return;
    for (const [id, until] of toldUntil) if (until <= now) toldUntil.delete(id);
    toldUntil.set(userId, now + TOLD_FOR_SECONDS * 1000);
    const first = await redis.set(`${prefix}:flood-told:${userId}`, '1', 'EX', TOLD_FOR_SECONDS, 'NX');
    if (first !== 'OK') return;
    logger.warn({ updateId: ctx.update.update_id, limit, windowMs }, 'a person is over the flood limit');
    await ctx.api.sendMessage(userId, i18n.t(languageOf(ctx), 'intake-slow-down'));
  }

  return function excess(ctx: BotContext, userId: number) {
    const window = Math.floor(Date.now() / windowMs);
    if (loggedIn.get(userId) === window) {
      logger.debug({ updateId: ctx.update.update_id }, 'update over the flood limit not handled');
    } else {
      for (const [id, logged] of loggedIn) if (logged !== window) loggedIn.delete(id);
      loggedIn.set(userId, window);
      logger.info(
        { updateId: ctx.update.update_id, windowMs },
        'update over the flood limit not handled (the rest of this window: debug)',
      );
    }
    // Not awaited: the webhook answers this update now, whatever the notice meets on its way.
    void tellToSlowDown(ctx, userId).catch((error: unknown) =>
      logger.warn({ err: error, updateId: ctx.update.update_id }, 'could not tell a person to slow down'),
    );
  };
}

/** The chats with an update in hand in this process, and the hand-back of their kept updates after it. */
function createHands({ logger, drainChat }: Pick<FloodGuardOptions, 'logger' | 'drainChat'>) {
  /** Updates of each chat in hand in this process (between this middleware and their end). */
  const inHand = new Map<number, number>();
  /** Chats whose update in hand here had another kept behind it by this process. */
  const keptHere = new Set<number>();
  return {
    busy: (chatId: number) => inHand.has(chatId),
    keptBehind(chatId: number) {
      if (inHand.has(chatId)) keptHere.add(chatId);
    },
    async handle(ctx: BotContext, chatId: number, next: () => Promise<void>): Promise<void> {
      inHand.set(chatId, (inHand.get(chatId) ?? 0) + 1);
      try {
        await next();
      } finally {
        const left = (inHand.get(chatId) ?? 1) - 1;
        if (left > 0) inHand.set(chatId, left);
        else {
          inHand.delete(chatId);
          // Updates kept behind this one: their turn now. The webhook does not wait for them.
          void drainChat(chatId, ctx, keptHere.delete(chatId)).catch((error: unknown) =>
            logger.warn({ err: error }, 'handling the kept updates of a chat failed'),
          );
        }
      }
    },
  };
}

/**
 * In front of everything else, so that one chat sending hundreds of updates can neither hold the webhook's
 * connections (Telegram opens at most 40) nor slow the answers to other families:
 *
 * - **A per-person flood limit.** More than `limit` updates from one person in a fixed window of `windowMs`
 *   (counted in Redis, across bot processes) are excess: answered at once and not handled. Once this process
 *   has seen more than `limit` of a person's updates in the window, the rest are excess without asking Redis
 *   (the shared count can only be higher), so the excess of a flood costs next to nothing. The person is told
 *   once, calmly, to slow down and send again what matters.
 * - **No waiting on a connection.** An update whose chat is busy (an update of it in hand in this process,
 *   updates of it already kept, or its turn held by another process) is kept in Redis behind the others
 *   (`keepBehind`) and answered at once; when the update in hand is done, the chat's kept updates are handled
 *   in order (`drainChat`). Nothing is lost: the webhook answers only once the update is kept.
 *
 * Without Redis nothing is limited or kept: the update is handled while the webhook waits, as before.
 */
export function createFloodGuard(options: FloodGuardOptions) {
  const { redis, prefix, logger, exempt, keptKey, turnKey, keepBehind, limit, windowMs } = options;
  const countHere = createLocalCounts(windowMs);
  const excess = createExcess(options);
  const hands = createHands(options);

  async function countAndLook(userId: number): Promise<{ count: number; busy: boolean }> {
    const key = `${prefix}:flood:${userId}:${Math.floor(Date.now() / windowMs)}`;
    const [count, busy] = await COUNT_AND_LOOK.run(
      redis,
      key,
      keptKey(userId),
      turnKey(userId),
      String(windowMs * 2),
    );
    return { count, busy: busy > 0 };
  }

  return async function floodGuard(ctx: BotContext, next: () => Promise<void>): Promise<void> {
    // In a private chat the chat is the person.
    const userId = ctx.chat?.type === 'private' ? ctx.from?.id : undefined;
    if (userId === undefined || exempt(ctx)) return next();
    if (limit > 0 && countHere(userId) > limit) return excess(ctx, userId);
    let looked: { count: number; busy: boolean };
    try {
      looked = await countAndLook(userId);
    } catch {
      return hands.handle(ctx, userId, next);
    }
    if (limit > 0 && looked.count > limit) return excess(ctx, userId);
    if (!looked.busy && !hands.busy(userId)) return hands.handle(ctx, userId, next);
    try {
      await keepBehind(ctx, userId);
    } catch (error) {
      // Held in progress by another handling: refused (webhook) rather than handled twice.
      if (error instanceof UpdateInProgressError) throw error;
      logger.warn(
        { err: error, updateId: ctx.update.update_id },
        'could not keep an update, handling it now',
      );
      return hands.handle(ctx, userId, next);
    }
    hands.keptBehind(userId);
    // Handed back when the update in hand ends (here or in the process holding the chat's turn), or by the
    // periodic drain within a second.
  };
}
