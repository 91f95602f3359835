import { randomBytes } from 'node:crypto';
import type { Api } from 'grammy';
import type { Update } from 'grammy/types';
import type { ChainableCommander, Redis } from 'ioredis';
import { every } from '../../beat.js';
import { type DatabaseWatch, isDatabaseOutage } from '../../db/database-outage.js';
import type { I18n } from '../../i18n.js';
import type { Logger } from '../../logger.js';
import { redisScript } from '../../queue/redis-script.js';
import type { BotContext } from '../context.js';
import { HOLD_MS, renewLease } from '../middlewares/deduplicate-updates.js';

/** How long a parked update is kept if PostgreSQL never comes back (the key's TTL, renewed on each park). */
const PARKED_TTL_SECONDS = 7 * 24 * 3600;
/** A person is told about the delay once per this period, however many messages they send. */
const DELAY_NOTICE_SECONDS = 10 * 60;

// Removes the chat from the set of parked chats once its list is empty, atomically with the check.
const FORGET_IF_EMPTY = redisScript<number>(
  'patronazhForgetKeptIfEmpty',
  2,
  `if redis.call('LLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) return 1 end return 0`,
);
const RELEASE_LOCK = redisScript<number>(
  'patronazhReleaseDrainLock',
  1,
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
);

export interface UpdateParkingOptions {
  redis: Redis;
  prefix: string;
  logger: Logger;
  database: DatabaseWatch;
  i18n: I18n;
  /** For the delay notice to a person whose kept update meets the outage when handed back. */
  api: Api;
}

type Handle = (update: Update) => Promise<void>;
/** More commands for the transaction that keeps an update (its claim made done). */
type Also = (transaction: ChainableCommander) => ChainableCommander;

/** The chats' lists of kept updates in Redis, and the set of chats that have one. */
function keptLists(redis: Redis, prefix: string) {
  const listKey = (chatId: number) => `${prefix}:parked:${chatId}`;
  const chatsKey = `${prefix}:parked-chats`;
  return {
    listKey,
    chatsKey,
    async has(chatId: number): Promise<boolean> {
      try {
        return (await redis.exists(listKey(chatId))) === 1;
      } catch {
        return false;
      }
    },
    /** Adds the update to its chat's list (kept once the transaction is through). */
    async keep(update: Update, chatId: number, where: 'front' | 'back', also?: Also): Promise<void> {
      const key = listKey(chatId);
      const raw = JSON.stringify(update);
      const keep = (where === 'front' ? redis.multi().lpush(key, raw) : redis.multi().rpush(key, raw))
        .expire(key, PARKED_TTL_SECONDS)
        .sadd(chatsKey, String(chatId));
      const results = await (also ? also(keep) : keep).exec();
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw failed?.[0] ?? new Error('parking transaction aborted');
    },
  };
}

/** Once per period: the answer will come later, nothing needs to be sent again. */
function delayNotice({ redis, prefix, logger, i18n }: UpdateParkingOptions) {
  return async function tellAboutDelay(api: Api, chatId: number, updateId: number) {
    try {
      const key = `${prefix}:parked-notice:${chatId}`;
      if ((await redis.set(key, '1', 'EX', DELAY_NOTICE_SECONDS, 'NX')) !== 'OK') return;
      // The person's stored language needs PostgreSQL; Russian is the service's language.
      await api.sendMessage(chatId, i18n.t('ru', 'intake-delayed'));
    } catch (error) {
      logger.warn({ err: error, updateId }, 'could not tell about the delay');
    }
  };
}

/** Drains every `intervalMs` (parked updates of any process: bot processes share Redis). */
function drainPeriodically(
  { redis, logger, database }: UpdateParkingOptions,
  drain: () => Promise<number>,
  {
    ready = () => true,
    intervalMs = 1000,
    track = (work) => work,
  }: {
    ready?: () => boolean;
    intervalMs?: number;
    /** Lets a shutdown wait for a drain under way (bot/in-flight.ts). */
    track?: (work: Promise<number>) => Promise<number>;
  },
) {
  let running = false;
  // On the process's one-second beat by default (beat.ts), with the deadline timers' wipe check.
  return every(intervalMs, () => {
    if (running || !ready() || redis.status !== 'ready' || database.isDown()) return;
    running = true;
    track(drain())
      .catch((error: unknown) => logger.warn({ err: error }, 'draining parked updates failed'))
      .finally(() => {
        running = false;
      });
  });
}

/** Hands a chat's kept updates back in order, one chat at a time across processes. */
function createDrainer(
  { redis, prefix, logger, database, api }: UpdateParkingOptions,
  lists: ReturnType<typeof keptLists>,
  tellAboutDelay: ReturnType<typeof delayNotice>,
  replaying: WeakSet<Update>,
  /** Once the process is stopping, what is still kept stays for the next one (the periodic drain finds it). */
  stopping: () => boolean,
) {
  /** Hands one kept update back; false when it met the outage again (it stays kept, first in line). */
  async function handBack(chatId: number, update: Update, handle: Handle): Promise<boolean> {
    replaying.add(update);
    try {
      await handle(update);
    } catch (error) {
      if (isDatabaseOutage(error)) {
        database.markDown();
        // An update kept behind another met the outage: it stays kept, and the person learns why the
        // answer is late (as for one parked on arrival).
        await tellAboutDelay(api, chatId, update.update_id);
        return false;
      }
      // Not an outage: handling it again would fail the same way; do not let it block the chat.
      logger.error({ err: error, updateId: update.update_id }, 'parked update failed, dropped');
    }
    return true;
  }

  /** Replays one chat's parked updates in order; stops at the first that meets the outage again. */
  async function drainChat(chatId: number, handle: Handle): Promise<void> {
    const lockKey = `${prefix}:parked-drain:${chatId}`;
    const listKey = lists.listKey(chatId);
    const token = randomBytes(8).toString('hex');
    // Held for HOLD_MS and renewed while draining: a process killed mid-drain holds the chat up for at most
    // that long (deduplicate-updates.ts).
    if ((await redis.set(lockKey, token, 'PX', HOLD_MS, 'NX')) !== 'OK') return;
    const stopRenewing = renewLease(
      { redis, logger },
      lockKey,
      token,
      'drain lock lost while handing kept updates back',
    );
    try {
      while (!stopping()) {
        const raw = await redis.lindex(listKey, 0);
        if (raw === null) {
          await FORGET_IF_EMPTY.run(redis, listKey, lists.chatsKey, String(chatId));
          return;
        }
        if (!(await handBack(chatId, JSON.parse(raw) as Update, handle))) return;
        // This very update (one parked at the front meanwhile, by another process, stays).
        await redis.lrem(listKey, 1, raw);
      }
    } finally {
      stopRenewing();
      await RELEASE_LOCK.run(redis, lockKey, token).catch(() => undefined);
    }
  }

  async function drain(handle: Handle): Promise<number> {
    if (database.isDown()) return 0;
    const chats = await redis.smembers(lists.chatsKey);
    await Promise.all(chats.map((chat) => drainChat(Number(chat), handle)));
    return chats.length;
  }

  return { drainChat, drain };
}

/**
 * A person's update that arrives while PostgreSQL is away is not lost: it is acknowledged only once it is
 * kept in Redis (a list per chat, in arrival order), and handled again, in order and once, when PostgreSQL
 * answers. If Redis is away too, parking fails and the update fails: the webhook answers 500 and Telegram
 * delivers it again. The same list keeps updates that arrive while their chat has one in hand
 * (`keepBehind`, from flood-guard.ts, which also keeps every later update of a chat that has kept ones
 * behind them, so order holds): they are answered at once instead of holding a webhook connection.
 *
 * The middleware runs inside the per-chat lock; `drain()` replays through `bot.handleUpdate`, which takes the
 * same lock, and removes an update from its list only after it was handled.
 */
export function createUpdateParking(options: UpdateParkingOptions) {
  const { redis, prefix, logger, database } = options;
  const lists = keptLists(redis, prefix);
  const tellAboutDelay = delayNotice(options);
  const replaying = new WeakSet<Update>();
  /** Set when the process stops draining (shutdown, or Redis gone). */
  let stopping = false;
  const { drainChat, drain } = createDrainer(options, lists, tellAboutDelay, replaying, () => stopping);

  async function park(ctx: BotContext, chatId: number): Promise<void> {
    // At the front: this update was let through when its chat had nothing kept, so whatever is kept now
    // (updates kept behind it while it was in hand) came after it.
    await lists.keep(ctx.update, chatId, 'front');
    logger.warn({ updateId: ctx.update.update_id }, 'update parked until PostgreSQL is back');
    await tellAboutDelay(ctx.api, chatId, ctx.update.update_id);
  }

  async function middleware(ctx: BotContext, next: () => Promise<void>): Promise<void> {
    const chatId = ctx.chat?.type === 'private' ? ctx.chat.id : undefined;
    if (chatId === undefined) return next();
    if (replaying.has(ctx.update)) return next();
    // An update that gets here found its chat with nothing kept (flood-guard.ts keeps it behind otherwise).
    if (database.isDown()) return park(ctx, chatId);
    try {
      await next();
    } catch (error) {
      if (!isDatabaseOutage(error)) throw error;
      database.markDown();
      await park(ctx, chatId);
    }
  }

  return {
    middleware,
    /**
     * Keeps an update behind its chat's update in hand, in the same list as the parked ones (so one order
     * holds for both), to be replayed by `drainChatIfKept` or the periodic drain. No notice: nothing is late.
     */
    keepBehind: async (ctx: BotContext, chatId: number, also?: Also) => {
      await lists.keep(ctx.update, chatId, 'back', also);
      logger.info({ updateId: ctx.update.update_id }, 'update kept behind its chat’s update in hand');
    },
    /** Replays a chat's kept updates now if it has any (after the update in hand), unless PostgreSQL is away. */
    async drainChatIfKept(chatId: number, handle: Handle): Promise<void> {
      if (database.isDown() || !(await lists.has(chatId))) return;
      await drainChat(chatId, handle);
    },
    listKey: lists.listKey,
    /** Whether this update is a replay of a parked one (already claimed by the deduplicator). */
    isReplay: (update: Update) => replaying.has(update),
    drain,
    /** Drains every `intervalMs` (parked updates of any process: bot processes share Redis). */
    startDraining(handle: Handle, timing: Parameters<typeof drainPeriodically>[2] = {}) {
      const stopBeat = drainPeriodically(options, () => drain(handle), timing);
      return {
        /** No drain starts after this; one under way stops after the update in hand. */
        stop: () => {
          stopping = true;
          stopBeat();
        },
      };
    },
  };
}

export type UpdateParking = ReturnType<typeof createUpdateParking>;
