import type { Update } from 'grammy/types';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { freshRedisPrefix } from '../../../test/helpers/env.js';
import { createLogger } from '../../logger.js';
import type { BotContext } from '../context.js';
import {
  CLAIM_AND_TAKE,
  createUpdateDeduplicator,
  HOLD_MS,
  PROCESSED_TTL_SECONDS,
  renewLease,
  UpdateInProgressError,
  updateClaimKey,
  updatesInHandKey,
} from './deduplicate-updates.js';
import { chatTurnKey, createChatTurns } from './serialize-chat.js';

const redis = new Redis(process.env.REDIS_URL!);
const prefix = freshRedisPrefix();
const logger = createLogger({ level: 'silent' });
afterAll(() => redis.disconnect());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let nextId = 1;

describe('the claim-and-turn script', () => {
  const claim = (updateId: number, chatId: number, token: string) =>
    CLAIM_AND_TAKE.run(
      redis,
      updateClaimKey(prefix, 42, updateId),
      chatTurnKey(prefix, chatId),
      updatesInHandKey(prefix, 42),
      updateClaimKey(prefix, 42, updateId),
      '1',
      token,
      HOLD_MS,
      '1',
      updateId,
      JSON.stringify({ update_id: updateId }),
      PROCESSED_TTL_SECONDS,
    );

  it('claims a new update in progress and takes the turn; refuses it while in progress; skips it once done', async () => {
    const [updateId, chatId] = [nextId++, 5001];
    const key = updateClaimKey(prefix, 42, updateId);
    // New: ours, in progress for HOLD_MS, with the chat's turn.
    expect(await claim(updateId, chatId, 'first')).toBe(1);
    expect(await redis.get(key)).toBe('p:first');
    expect(await redis.pttl(key)).toBeGreaterThan(0);
    expect(await redis.pttl(key)).toBeLessThanOrEqual(HOLD_MS);
    expect(await redis.get(chatTurnKey(prefix, chatId))).toBe('first');
    // Journalled as in hand (long polling) until done.
    expect(await redis.hget(updatesInHandKey(prefix, 42), String(updateId))).toBe(
      `{"update_id":${updateId}}`,
    );
    // In progress elsewhere: 3, and nothing changes (the turn stays the first handling's).
    expect(await claim(updateId, chatId, 'second')).toBe(3);
    expect(await redis.get(key)).toBe('p:first');
    expect(await redis.get(chatTurnKey(prefix, chatId))).toBe('first');
    // Done: a duplicate, 0, for 24 h.
    await redis.set(key, '1', 'EX', PROCESSED_TTL_SECONDS);
    expect(await claim(updateId, chatId, 'third')).toBe(0);
    expect(await redis.get(key)).toBe('1');
    expect(await redis.hexists(updatesInHandKey(prefix, 42), String(updateId))).toBe(0);
  });

  it('handles an update whose in-progress claim expired (its process died), and claims it even when the chat is busy', async () => {
    const [updateId, chatId] = [nextId++, 5002];
    const key = updateClaimKey(prefix, 42, updateId);
    await redis.set(key, 'p:dead', 'PX', 50);
    await redis.set(chatTurnKey(prefix, chatId), 'another update', 'PX', 60_000);
    await sleep(100);
    // Claimed (ours now), but the turn is another update's: 2.
    expect(await claim(updateId, chatId, 'alive')).toBe(2);
    expect(await redis.get(key)).toBe('p:alive');
    expect(await redis.get(chatTurnKey(prefix, chatId))).toBe('another update');
  });

  it('brings the chat’s dialogue state along with a turn taken, and nothing while another update holds the turn', async () => {
    const deduplicator = createUpdateDeduplicator({
      redis,
      prefix,
      logger,
      whenInProgress: 'refuse',
      journal: false,
    });
    const stateKey = `${prefix}:dlg:5003`;
    const take = (updateId: number, token: string) =>
      deduplicator.claimAndTake(42, { update_id: updateId } as Update, {
        token,
        turnKey: chatTurnKey(prefix, 5003),
        readKey: stateKey,
      });
    // No state yet: the turn, and null for the state.
    expect(await take(nextId++, 'first')).toEqual({ code: 1, read: null });
    await redis.del(chatTurnKey(prefix, 5003));
    await redis.set(stateKey, '{"replay":"x"}');
    expect(await take(nextId++, 'second')).toEqual({ code: 1, read: '{"replay":"x"}' });
    // The turn is the second update's: this one waits for it, and reads the state once it has the turn.
    expect(await take(nextId++, 'third')).toEqual({ code: 2 });
  });
});

/** One bot process's chat turns (all share Redis, as processes behind a balancer do). */
function aProcess(whenInProgress: 'refuse' | 'wait', journal = false) {
  const deduplicator = createUpdateDeduplicator({ redis, prefix, logger, whenInProgress, journal });
  return createChatTurns({
    redis,
    prefix,
    logger,
    deduplicator,
    keptKey: (chatId) => `${prefix}:parked:${chatId}`,
    claimedBefore: () => false,
  });
}

const updateIn = (chatId: number, updateId: number, type = 'private') =>
  ({ chat: { id: chatId, type }, update: { update_id: updateId }, me: { id: 42 } }) as BotContext;

describe('an update delivered while another handling holds it in progress', () => {
  it('is refused in webhook mode and waited for in polling mode; done once handled', async () => {
    for (const type of ['private', 'group']) {
      const [updateId, chatId] = [nextId++, type === 'private' ? 5003 : -5003];
      const key = updateClaimKey(prefix, 42, updateId);
      // A process that died while it handled the update: its claim outlives it by at most HOLD_MS.
      await redis.set(key, 'p:dead', 'PX', 300);
      let handled = 0;
      const step = async () => {
        handled += 1;
      };
      await expect(aProcess('refuse')(updateIn(chatId, updateId, type), step)).rejects.toBeInstanceOf(
        UpdateInProgressError,
      );
      expect(handled).toBe(0);
      // Polling: the restarted poller waits for the dead claim to expire, then handles the update.
      await aProcess('wait')(updateIn(chatId, updateId, type), step);
      expect(handled).toBe(1);
      expect(await redis.get(key)).toBe('1');
      expect(await redis.ttl(key)).toBeGreaterThan(PROCESSED_TTL_SECONDS - 60);
      // Done: skipped in either mode.
      await aProcess('refuse')(updateIn(chatId, updateId, type), step);
      await aProcess('wait')(updateIn(chatId, updateId, type), step);
      expect(handled).toBe(1);
    }
  });

  it('keeps a long handling’s claim and turn (and a drain lock) past HOLD_MS, and frees both when it ends', async () => {
    const [updateId, chatId] = [nextId++, 5004];
    const key = updateClaimKey(prefix, 42, updateId);
    const [first, second] = [aProcess('refuse'), aProcess('wait')];
    const log: string[] = [];
    let next: Promise<void> | undefined;
    // A lease of its own (a drain of kept updates, update-parking.ts), renewed the same way meanwhile.
    const drainLock = `${prefix}:parked-drain:${chatId}`;
    await redis.set(drainLock, 'drainer', 'PX', HOLD_MS);
    const stopRenewing = renewLease({ redis, logger }, drainLock, 'drainer', 'drain lock lost');
    await first(updateIn(chatId, updateId), async () => {
      await sleep(HOLD_MS + 1500);
      expect(await redis.get(drainLock)).toBe('drainer');
      stopRenewing();
      // Renewed while in hand: a duplicate now is still refused, and the chat is still this update's.
      await expect(first(updateIn(chatId, updateId), async () => undefined)).rejects.toBeInstanceOf(
        UpdateInProgressError,
      );
      expect(await redis.get(key)).toMatch(/^p:/);
      next = second(updateIn(chatId, nextId++), async () => {
        log.push('next update');
      });
      await sleep(300);
      log.push('long update ends');
    });
    await next;
    expect(log).toEqual(['long update ends', 'next update']);
    expect(await redis.get(key)).toBe('1');
    expect(await redis.exists(chatTurnKey(prefix, chatId))).toBe(0);
  }, 20_000);
});

/** A long-polling process's deduplicator (it journals the updates in hand). */
const journalling = () =>
  createUpdateDeduplicator({ redis, prefix, logger, whenInProgress: 'wait', journal: true });

describe('the journal of updates in hand (long polling)', () => {
  it('holds an update while it is handled, and lets it go once it is done or has failed', async () => {
    const polling = aProcess('wait', true);
    const deduplicator = journalling();
    const botId = 42;
    const inHandIds = async () => (await deduplicator.inHand(botId)).map((update) => update.update_id);
    for (const type of ['private', 'group']) {
      const chatId = type === 'private' ? 5005 : -5005;
      const [done, failed] = [nextId++, nextId++];
      await polling(updateIn(chatId, done, type), async () => {
        expect(await inHandIds()).toContain(done);
      });
      expect(await inHandIds()).not.toContain(done);
      await expect(
        polling(updateIn(chatId, failed, type), async () => {
          expect(await inHandIds()).toContain(failed);
          throw new Error('the step failed');
        }),
      ).rejects.toThrow('the step failed');
      expect(await inHandIds()).not.toContain(failed);
    }
  });

  it('lists what a killed process left in hand, oldest first', async () => {
    const deduplicator = journalling();
    const botId = 43;
    const [later, earlier] = [nextId + 1, nextId];
    nextId += 2;
    for (const updateId of [later, earlier])
      await deduplicator.claim(botId, { update_id: updateId } as Update, 'killed');
    expect((await deduplicator.inHand(botId)).map((update) => update.update_id)).toEqual([earlier, later]);
  });
});
