import type { Update } from 'grammy/types';
import type { ChainableCommander, Redis } from 'ioredis';
import type { Logger } from '../../logger.js';
import { redisScript } from '../../queue/redis-script.js';

/** How long a handled update's id stays claimed ("done": Telegram stops delivering an update within a day). */
export const PROCESSED_TTL_SECONDS = 24 * 3600;
/**
 * How long an update's "in progress" claim, and a private chat's turn, outlive a process that stops renewing
 * them (killed, out of memory, frozen). A process handling an update renews both every `HOLD_MS / 3`.
 */
export const HOLD_MS = 6000;
const RENEW_EVERY_MS = HOLD_MS / 3;
/** An "in progress" claim's value: `p:` and the token of the handling that holds it ("done" is `1`). */
const IN_PROGRESS = 'p:';

/** The Redis key whose owner handles the update (serialize-chat.ts claims it with the chat's turn). */
export const updateClaimKey = (prefix: string, botId: number, updateId: number) =>
  `${prefix}:upd:${botId}:${updateId}`;

/** A bot's journal of the updates in hand (long polling): update id → the update, until it is done. */
export const updatesInHandKey = (prefix: string, botId: number) => `${prefix}:upd-inhand:${botId}`;

/**
 * One round trip. Claims the update (KEYS[1], if ARGV[1] is '1') "in progress" for ARGV[3] ms under the
 * token ARGV[2], unless it is claimed already: 0 if it is done, 3 if another handling holds it in progress.
 * A claimed update is journalled as in hand (KEYS[3], field ARGV[5], the update ARGV[6], if not '', for
 * ARGV[7] s); one found done leaves the journal. Then takes the chat's turn (KEYS[2], if ARGV[4] is '1')
 * for ARGV[3] ms: 1 if it is ours (or not asked for), 2 if another update holds it (the claim is ours all
 * the same). With ARGV[8] '1', a turn taken also brings the value of KEYS[4] (the chat's dialogue state,
 * read in the turn, as the dialogue would read it next): `{1, value or nil}` instead of 1.
 */
export const CLAIM_AND_TAKE = redisScript<0 | 1 | 2 | 3 | [1, string | null]>(
  'patronazhClaimUpdate',
  4,
  `if ARGV[1] == '1' then
  local held = redis.call('GET', KEYS[1])
  if held then
    if string.sub(held, 1, 2) == '${IN_PROGRESS}' then return 3 end
    if ARGV[6] ~= '' then redis.call('HDEL', KEYS[3], ARGV[5]) end
    return 0
  end
  redis.call('SET', KEYS[1], '${IN_PROGRESS}' .. ARGV[2], 'PX', ARGV[3])
  if ARGV[6] ~= '' then
    redis.call('HSET', KEYS[3], ARGV[5], ARGV[6])
    redis.call('EXPIRE', KEYS[3], ARGV[7])
  end
end
if ARGV[4] ~= '1' or redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3], 'NX') then
  if ARGV[8] == '1' then return {1, redis.call('GET', KEYS[4])} end
  return 1
end
return 2`,
);

/**
 * Renews what the handling with token ARGV[1] still holds for ARGV[2] ms: its update's "in progress" claim
 * (KEYS[1]) and its chat's turn (KEYS[2]). Returns 1 if the turn was ours to renew, 0 if not.
 */
const RENEW = redisScript<number>(
  'patronazhRenewUpdateHold',
  2,
  `if redis.call('GET', KEYS[1]) == '${IN_PROGRESS}' .. ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('PEXPIRE', KEYS[2], ARGV[2]) return 1 end
return 0`,
);

/**
 * Renews a lease (`key`, held under `token`) for `HOLD_MS` every `HOLD_MS / 3` until stopped: it outlives
 * a long handling but not a process that died holding it. `lost` is logged if it is found no longer held.
 */
export function renewLease(
  { redis, logger }: { redis: Redis; logger: Logger },
  key: string,
  token: string,
  lost: string,
): () => void {
  const timer = setInterval(() => {
    RENEW.run(redis, key, key, token, HOLD_MS)
      .then((held) => {
        if (held === 0) logger.warn(lost);
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'could not renew a lease'));
  }, RENEW_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** An update that another handling holds "in progress": in webhook mode the webhook answers 500 for it. */
export class UpdateInProgressError extends Error {
  constructor(readonly updateId: number) {
    super('the update is being handled elsewhere; Telegram will send it again');
    this.name = 'UpdateInProgressError';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface UpdateDeduplicatorOptions {
  redis: Redis;
  prefix: string;
  logger: Logger;
  /**
   * What a delivery of an update held "in progress" elsewhere does. 'refuse' (webhook): it fails, so the
   * webhook answers 500 and Telegram sends it again later. 'wait' (long polling, one consumer: the holder
   * can only be this bot's previous process, killed): it waits until the claim is done (then skipped) or
   * has expired (then handled), at most `HOLD_MS` after the holder's last renewal.
   */
  whenInProgress: 'refuse' | 'wait';
  /**
   * Long polling: each claimed update is journalled in Redis until it is done, because the poller confirms
   * updates to Telegram while they are in hand; a restarted poller handles again what its predecessor had in
   * hand (`inHand`). Telegram sends a webhook's update again by itself.
   */
  journal: boolean;
}

/**
 * Runs a claim (`attempt`, one CLAIM_AND_TAKE) until it finds the update not in progress elsewhere, or
 * throws `UpdateInProgressError` (at once when refusing; after twice `HOLD_MS` of waiting otherwise).
 */
async function settled<R>(
  { logger, whenInProgress }: Pick<UpdateDeduplicatorOptions, 'logger' | 'whenInProgress'>,
  updateId: number,
  attempt: () => Promise<R>,
): Promise<R> {
  const deadline = Date.now() + 2 * HOLD_MS;
  for (;;) {
    const result = await attempt();
    if (result !== 3) return result;
    if (whenInProgress === 'refuse' || Date.now() > deadline) throw new UpdateInProgressError(updateId);
    logger.info({ updateId }, 'update in progress elsewhere, waiting for its claim');
    await sleep(250);
  }
}

/** CLAIM_AND_TAKE's answer: 0–3 as there; `read`, the key read with a turn taken (null: no such key). */
export interface ClaimAndTake {
  code: 0 | 1 | 2 | 3;
  read?: string | null;
}

/**
 * Claims the update (unless `claimed`: a kept one handed back) and, with `turnKey`, takes its chat's
 * turn, in one round trip (CLAIM_AND_TAKE's 0–2); waits or throws while it is in progress elsewhere. With
 * `readKey`, a turn taken brings that key's value along (the dialogue's state: no GET of its own).
 */
async function claimAndTakeTurn(
  options: UpdateDeduplicatorOptions,
  botId: number,
  update: Update,
  {
    token,
    claimed = false,
    turnKey,
    readKey,
  }: { token: string; claimed?: boolean; turnKey?: string; readKey?: string },
): Promise<ClaimAndTake> {
  const { redis, prefix, journal } = options;
  const claimKey = updateClaimKey(prefix, botId, update.update_id);
  const result = await settled(options, update.update_id, () =>
    CLAIM_AND_TAKE.run(
      redis,
      claimKey,
      turnKey ?? claimKey,
      updatesInHandKey(prefix, botId),
      readKey ?? claimKey,
      claimed ? '0' : '1',
      token,
      HOLD_MS,
      turnKey ? '1' : '0',
      update.update_id,
      journal ? JSON.stringify(update) : '',
      PROCESSED_TTL_SECONDS,
      turnKey && readKey ? '1' : '0',
    ),
  );
  return Array.isArray(result) ? { code: 1, read: result[1] } : { code: result };
}

/**
 * Renews the claim (`claimKey`) and the chat's turn (`turnOf()`, while held) held under `token` every
 * `HOLD_MS / 3` until stopped, so that they outlive a long handling but not a dead process. Logs a turn
 * found lost (a process frozen for longer than `HOLD_MS`: another may have taken the chat meanwhile).
 */
function holdUpdate(
  { redis, prefix, logger }: Pick<UpdateDeduplicatorOptions, 'redis' | 'prefix' | 'logger'>,
  token: string,
  claimKey: string | undefined,
  turnOf: () => string | undefined,
): () => void {
  const timer = setInterval(() => {
    const turnKey = turnOf();
    if (!claimKey && !turnKey) return;
    RENEW.run(redis, claimKey ?? `${prefix}:none`, turnKey ?? `${prefix}:none`, token, HOLD_MS)
      .then((turnHeld) => {
        // Not lost if it was handed on meanwhile (the dialogue's state write ended it).
        if (turnKey && turnHeld === 0 && turnOf()) logger.warn('chat turn lost while its update was in hand');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'could not renew an update’s claim'));
  }, RENEW_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** The updates journalled as in hand (long polling), oldest first. */
async function updatesInHand(redis: Redis, journalKey: string): Promise<Update[]> {
  const journalled = await redis.hvals(journalKey);
  return journalled.map((raw) => JSON.parse(raw) as Update).sort((a, b) => a.update_id - b.update_id);
}

/**
 * Telegram may deliver the same update twice (a webhook retry after a slow answer, two bot processes
 * behind a balancer, a poller restarted before it confirmed an update). The first delivery claims the
 * `update_id` in Redis "in progress" for `HOLD_MS`, renewed while it is handled, and the claim becomes
 * "done" for 24 h when the update has been handled (in a private chat in the round trip that ends the chat's
 * turn). A delivery that finds the claim done is skipped; one that finds it in progress is refused or waits
 * (`whenInProgress`); one whose in-progress claim expired (its process died) is handled. If handling fails
 * the claim is released so that Telegram's retry is handled.
 */
export function createUpdateDeduplicator(options: UpdateDeduplicatorOptions) {
  const { redis, prefix, logger } = options;
  const key = (botId: number, updateId: number) => updateClaimKey(prefix, botId, updateId);
  const journalKey = (botId: number) => updatesInHandKey(prefix, botId);
  const claimAndTake = (botId: number, update: Update, how: Parameters<typeof claimAndTakeTurn>[3]) =>
    claimAndTakeTurn(options, botId, update, how);
  /** Adds "the update is done" (kept for 24 h, out of the journal) to a transaction. */
  const markDone = (transaction: ChainableCommander, botId: number, updateId: number) =>
    transaction
      .set(key(botId, updateId), '1', 'EX', PROCESSED_TTL_SECONDS)
      .hdel(journalKey(botId), String(updateId));
  /** Adds "the claim is given back" (the update failed; out of the journal) to a transaction. */
  const giveBack = (transaction: ChainableCommander, botId: number, updateId: number) =>
    transaction.del(key(botId, updateId)).hdel(journalKey(botId), String(updateId));

  return {
    key,
    journalKey,
    claimAndTake,
    /**
     * Claims the update "in progress" under `token` (renew it with `hold`, make it done with `markDone`):
     * 'new' to handle it, 'done' for a duplicate. Without Redis: 'new' (a possible duplicate is better than
     * a lost message from a family).
     */
    async claim(botId: number, update: Update, token: string): Promise<'new' | 'done'> {
      try {
        return (await claimAndTake(botId, update, { token })).code === 0 ? 'done' : 'new';
      } catch (error) {
        if (error instanceof UpdateInProgressError) throw error;
        logger.warn({ err: error, updateId: update.update_id }, 'update deduplication unavailable');
        return 'new';
      }
    },
    markDone,
    /** Makes the claim "done" on its own (no turn to end with it: outside private chats). */
    async markDoneNow(botId: number, updateId: number): Promise<void> {
      await markDone(redis.multi(), botId, updateId)
        .exec()
        .catch(() => undefined);
    },
    giveBack,
    async release(botId: number, updateId: number): Promise<void> {
      await giveBack(redis.multi(), botId, updateId)
        .exec()
        .catch(() => undefined);
    },
    inHand: (botId: number) => updatesInHand(redis, journalKey(botId)),
    hold: (token: string, claimKey: string | undefined, turnOf: () => string | undefined) =>
      holdUpdate(options, token, claimKey, turnOf),
  };
}

export type UpdateDeduplicator = ReturnType<typeof createUpdateDeduplicator>;
