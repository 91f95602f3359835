import { randomBytes } from 'node:crypto';
import type { Update } from 'grammy/types';
import type { ChainableCommander, Redis } from 'ioredis';
import type { Logger } from '../../logger.js';
import { redisScript } from '../../queue/redis-script.js';
import type { BotContext, ChatTurn, DialogueStateWrite } from '../context.js';
import {
  HOLD_MS,
  PROCESSED_TTL_SECONDS,
  type UpdateDeduplicator,
  UpdateInProgressError,
} from './deduplicate-updates.js';

// Ends the chat's turn (KEYS[1]) if it is still this update's (token ARGV[1]); if ARGV[2] is '1', makes the
// update's claim (KEYS[3]) "done" for ARGV[3] s and takes it out of the journal of updates in hand (KEYS[4],
// field ARGV[4]); says whether the chat has updates kept behind it (KEYS[2], update-parking.ts) to hand
// back now: 1 or 0.
const RELEASE = redisScript<number>(
  'patronazhReleaseChatTurn',
  4,
  `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if ARGV[2] == '1' then
  redis.call('SET', KEYS[3], '1', 'EX', ARGV[3])
  redis.call('HDEL', KEYS[4], ARGV[4])
end
return redis.call('EXISTS', KEYS[2])`,
);

// The same, after writing the chat's dialogue state (KEYS[5]: ARGV[5] for ARGV[6] s) and moving its idle
// deadline (sorted set KEYS[6], member ARGV[8], score ARGV[7]): the usual end of a dialogue's update, in one
// command rather than a transaction of four (storage.ts).
const RELEASE_WITH_STATE = redisScript<number>(
  'patronazhReleaseChatTurnWithState',
  6,
  `redis.call('SET', KEYS[5], ARGV[5], 'EX', ARGV[6])
redis.call('ZADD', KEYS[6], ARGV[7], ARGV[8])
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if ARGV[2] == '1' then
  redis.call('SET', KEYS[3], '1', 'EX', ARGV[3])
  redis.call('HDEL', KEYS[4], ARGV[4])
end
return redis.call('EXISTS', KEYS[2])`,
);

/**
 * A handling's token, unique across processes: this process's random prefix and a count (a random draw per
 * update took ~0.5 % of the bot's CPU in the intake benchmark; randomBytes draws from the system each time).
 */
const tokenPrefix = randomBytes(6).toString('hex');
let tokens = 0;
const newToken = () => {
  tokens += 1;
  return `${tokenPrefix}${tokens.toString(36)}`;
};

/** The Redis key held by the process whose turn it is in a chat. */
export const chatTurnKey = (prefix: string, chatId: number) => `${prefix}:chatlock:${chatId}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ChatTurnsOptions {
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** Claims updates (their state, their renewal; outside private chats, the claim alone). */
  deduplicator: UpdateDeduplicator;
  /** The Redis key of a chat's kept updates (update-parking.ts). */
  keptKey: (chatId: number) => string;
  /** A kept update handed back: claimed when it arrived. */
  claimedBefore: (ctx: BotContext) => boolean;
  /** The chat's dialogue state key (storage.ts), read with the turn taken: no round trip of its own. */
  stateKey?: (chatId: number) => string;
  waitMs?: number;
}

type Taken = { kind: 'held'; state?: string | null } | { kind: 'not held' | 'duplicate'; state?: undefined };

interface Handling {
  botId: number;
  update: Update;
  turnKey: string;
  token: string;
  /** The update's claim key; undefined for a kept update handed back (claimed, done, when it was kept). */
  claimKey: string | undefined;
  /** The chat's dialogue state key, read with the turn taken. */
  stateKey: string | undefined;
}

/**
 * Claims the update and takes the chat's turn, waiting for it while another update holds it. Throws
 * `UpdateInProgressError` when another handling holds the update (deduplicate-updates.ts).
 */
async function take(
  { redis, logger, deduplicator, waitMs = 35_000 }: ChatTurnsOptions,
  { botId, update, turnKey, token, claimKey, stateKey }: Handling,
): Promise<Taken> {
  try {
    const claimed = claimKey === undefined;
    const first = await deduplicator.claimAndTake(botId, update, {
      token,
      claimed,
      turnKey,
      readKey: stateKey,
    });
    if (first.code === 1) return { kind: 'held', state: first.read };
    if (first.code !== 2) return { kind: 'duplicate' };
    // The update is ours (claimed in progress, renewed meanwhile); the chat's turn is not yet.
    const deadline = Date.now() + waitMs;
    for (let delay = 10; Date.now() <= deadline; delay = Math.min(delay * 2, 200)) {
      await sleep(delay);
      if ((await redis.set(turnKey, token, 'PX', HOLD_MS, 'NX')) === 'OK') return { kind: 'held' };
    }
    logger.warn('chat lock not acquired in time, handling the update anyway');
  } catch (error) {
    if (error instanceof UpdateInProgressError) throw error;
    // Without Redis we cannot tell; handling twice is better than losing a family's message.
    logger.warn({ err: error }, 'chat lock unavailable');
  }
  return { kind: 'not held' };
}

/** The release scripts' keys and arguments for this update: with `done`, its claim becomes "done" too. */
function releaseOf(
  { keptKey, deduplicator }: ChatTurnsOptions,
  chatId: number,
  { botId, update, turnKey, token, claimKey }: Handling,
  done: boolean,
) {
  const keys = [turnKey, keptKey(chatId), claimKey ?? turnKey, deduplicator.journalKey(botId)] as const;
  const args = [
    token,
    claimKey !== undefined && done ? '1' : '0',
    PROCESSED_TTL_SECONDS,
    update.update_id,
  ] as const;
  return { keys, args };
}

/** The turn of one update: ended by the dialogue's state write, or by `end()` after the update. */
function heldTurn(
  options: ChatTurnsOptions,
  chatId: number,
  handling: Handling,
  readWithTurn: string | null | undefined,
) {
  const { redis } = options;
  let held = true;
  let keptBehind: boolean | undefined;
  let stateRead = readWithTurn;
  const releaseArguments = (done: boolean) => {
    const { keys, args } = releaseOf(options, chatId, handling, done);
    return [...keys, ...args] as const;
  };
  /** Ends the turn in the transaction; with `done`, the update's claim becomes "done" in it as well. */
  async function commit(transaction: ChainableCommander, done = true): Promise<void> {
    // Whatever this update writes, the state read with the turn is not the chat's any more.
    stateRead = undefined;
    if (!held) {
      await transaction.exec();
      return;
    }
    const results = await RELEASE.queue(transaction, ...releaseArguments(done)).exec();
    const [error, kept] = results?.at(-1) ?? [new Error('transaction aborted')];
    if (error) return;
    held = false;
    keptBehind = kept === 1;
  }
  /** Writes the dialogue's state and ends the turn (the claim done) in one command. */
  async function commitState(write: DialogueStateWrite): Promise<void> {
    stateRead = undefined;
    const { key, value, ttlSeconds, idleKey, idleScore, member } = write;
    if (!held) {
      await redis.multi().set(key, value, 'EX', ttlSeconds).zadd(idleKey, idleScore, member).exec();
      return;
    }
    const { keys, args } = releaseOf(options, chatId, handling, true);
    const kept = await RELEASE_WITH_STATE.run(
      redis,
      ...keys,
      key,
      idleKey,
      ...args,
      value,
      ttlSeconds,
      idleScore,
      member,
    );
    held = false;
    keptBehind = kept === 1;
  }
  /** After the update: hands the chat on if the state write did not, with `also` in the same round trip. */
  async function end(also?: ChainableCommander, done = true): Promise<void> {
    if (held && !also) {
      // Nothing else to write: the release alone, as one command rather than a transaction of one.
      const kept = await RELEASE.run(redis, ...releaseArguments(done)).catch(() => undefined);
      if (kept === undefined) return;
      held = false;
      keptBehind = kept === 1;
      return;
    }
    await (held ? commit(also ?? redis.multi(), done) : also?.exec())?.catch(() => undefined);
  }
  return {
    commit,
    commitState,
    end,
    takeDialogueState() {
      const state = stateRead;
      stateRead = undefined;
      return state;
    },
    get held() {
      return held;
    },
    get keptBehind() {
      return keptBehind;
    },
  } satisfies ChatTurn & { end: unknown; held: boolean };
}

/** Outside private chats: the update claimed in progress, made done after it, given back if it fails. */
async function handleOnce(
  { deduplicator, logger }: ChatTurnsOptions,
  ctx: BotContext,
  next: () => Promise<void>,
): Promise<void> {
  const updateId = ctx.update.update_id;
  const token = newToken();
  if ((await deduplicator.claim(ctx.me.id, ctx.update, token)) === 'done') {
    logger.info({ updateId }, 'duplicate update skipped');
    return;
  }
  const stopHolding = deduplicator.hold(token, deduplicator.key(ctx.me.id, updateId), () => undefined);
  try {
    await next();
  } catch (error) {
    await deduplicator.release(ctx.me.id, updateId);
    throw error;
  } finally {
    stopHolding();
  }
  await deduplicator.markDoneNow(ctx.me.id, updateId);
}

/** A private chat's update, claimed and in the chat's turn (or neither: a duplicate, skipped). */
async function handleInTurn(
  options: ChatTurnsOptions,
  ctx: BotContext,
  handling: Handling,
  next: () => Promise<void>,
): Promise<void> {
  const { redis, logger, deduplicator } = options;
  const { update, claimKey, token } = handling;
  const updateId = update.update_id;
  let turn: ReturnType<typeof heldTurn> | undefined;
  // The claim, and the turn once held, renewed while the update is in hand (deduplicate-updates.ts).
  const stopHolding = deduplicator.hold(token, claimKey, () => (turn?.held ? handling.turnKey : undefined));
  try {
    const taken = await take(options, handling);
    if (taken.kind === 'duplicate') {
      logger.info({ updateId }, 'duplicate update skipped');
      return;
    }
    turn = taken.kind === 'held' ? heldTurn(options, ctx.chat!.id, handling, taken.state) : undefined;
    ctx.chatTurn = turn;
    try {
      await next();
    } catch (error) {
      // The claim goes back (with the turn), so that Telegram's retry is handled.
      const giveBack = claimKey ? deduplicator.giveBack(redis.multi(), ctx.me.id, updateId) : undefined;
      await (turn ? turn.end(giveBack, false) : giveBack?.exec().catch(() => undefined));
      throw error;
    }
    if (turn) await turn.end();
    else if (claimKey) await deduplicator.markDoneNow(ctx.me.id, updateId);
  } finally {
    stopHolding();
  }
}

/**
 * One update at a time per private chat, across all bot processes, and each update handled once. A
 * dialogue's state is read at the start of an update and written at the end; two updates of one chat
 * handled at once (a double tap on «Сохранить», or two webhook deliveries to two processes) would both act
 * on the same step and save twice. Telegram may also deliver the same update twice (a webhook retry after a
 * slow answer, two bot processes behind a balancer): the first delivery claims its `update_id` "in
 * progress", the claim becomes "done" when the update has been handled, and a failed update gives its
 * claim back so that Telegram's retry is handled (deduplicate-updates.ts).
 *
 * The claim and the chat's turn are taken in one round trip; the turn ends, and the claim becomes done,
 * with the dialogue's state write (`ctx.chatTurn.commit`, storage.ts), or after the update if nothing was
 * written. Both are held for `HOLD_MS` (6 s) and renewed every 2 s while the update is in hand, so a
 * process that dies holding them frees the chat, and lets the update's re-delivery be handled, within 6 s.
 * Without Redis, updates go through unclaimed and unlocked.
 */
export function createChatTurns(options: ChatTurnsOptions) {
  const { redis, prefix, deduplicator, claimedBefore, stateKey } = options;
  RELEASE.define(redis);

  return async function chatTurns(ctx: BotContext, next: () => Promise<void>): Promise<void> {
    const claim = !claimedBefore(ctx);
    if (ctx.chat?.type !== 'private') return claim ? handleOnce(options, ctx, next) : next();
    const updateId = ctx.update.update_id;
    return handleInTurn(
      options,
      ctx,
      {
        botId: ctx.me.id,
        update: ctx.update,
        turnKey: chatTurnKey(prefix, ctx.chat.id),
        token: newToken(),
        claimKey: claim ? deduplicator.key(ctx.me.id, updateId) : undefined,
        stateKey: stateKey?.(ctx.chat.id),
      },
      next,
    );
  };
}
