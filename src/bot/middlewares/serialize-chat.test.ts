import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { freshRedisPrefix } from '../../../test/helpers/env.js';
import { createLogger } from '../../logger.js';
import type { BotContext } from '../context.js';
import { createUpdateDeduplicator } from './deduplicate-updates.js';
import { chatTurnKey, createChatTurns } from './serialize-chat.js';

const redis = new Redis(process.env.REDIS_URL!);
const prefix = freshRedisPrefix();
const logger = createLogger({ level: 'silent' });
afterAll(() => redis.disconnect());

/** One bot process's chat turns (all share Redis, as processes behind a balancer do). */
function aProcess() {
  return createChatTurns({
    redis,
    prefix,
    logger,
    deduplicator: createUpdateDeduplicator({
      redis,
      prefix,
      logger,
      whenInProgress: 'refuse',
      journal: false,
    }),
    keptKey: (chatId) => `${prefix}:parked:${chatId}`,
    claimedBefore: () => false,
  });
}

let nextUpdateId = 1;
const updateIn = (chatId: number, updateId = nextUpdateId++) =>
  ({ chat: { id: chatId, type: 'private' }, update: { update_id: updateId }, me: { id: 42 } }) as BotContext;

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('a chat’s turn across bot processes', () => {
  it('lets one update of a chat at a time through, whichever process has it', async () => {
    const [first, second] = [aProcess(), aProcess()];
    const chatId = 1001;
    const log: string[] = [];
    const step = (name: string) => async () => {
      log.push(`${name} starts`);
      for (let i = 0; i < 5; i += 1) await tick();
      log.push(`${name} ends`);
    };
    await Promise.all([
      first(updateIn(chatId), step('a')),
      second(updateIn(chatId), step('b')),
      first(updateIn(chatId + 1), step('other chat')),
    ]);
    const ofChat = log.filter((line) => !line.startsWith('other'));
    // One update ends before the other starts.
    expect(ofChat).toHaveLength(4);
    expect(ofChat[1]).toBe(ofChat[0]!.replace('starts', 'ends'));
    expect(ofChat[3]).toBe(ofChat[2]!.replace('starts', 'ends'));
    expect(await redis.exists(chatTurnKey(prefix, chatId))).toBe(0);
  });

  it('handles an update delivered twice once, and again after it failed', async () => {
    const [first, second] = [aProcess(), aProcess()];
    const chatId = 1002;
    let handled = 0;
    const update = updateIn(chatId);
    await first(update, async () => {
      handled += 1;
    });
    await second(updateIn(chatId, update.update.update_id), async () => {
      handled += 1;
    });
    expect(handled).toBe(1);

    const failing = updateIn(chatId);
    await expect(
      first(failing, async () => {
        throw new Error('the step failed');
      }),
    ).rejects.toThrow('the step failed');
    // Telegram's retry of the failed update is handled.
    await second(updateIn(chatId, failing.update.update_id), async () => {
      handled += 1;
    });
    expect(handled).toBe(2);
    expect(await redis.exists(chatTurnKey(prefix, chatId))).toBe(0);
  });

  it('waits for a turn a crashed process held until its lease expires', async () => {
    const chatId = 1003;
    await redis.set(chatTurnKey(prefix, chatId), 'a crashed process', 'PX', 300);
    let handledWhileHeld: boolean | undefined;
    await aProcess()(updateIn(chatId), async () => {
      handledWhileHeld = (await redis.get(chatTurnKey(prefix, chatId))) === 'a crashed process';
    });
    expect(handledWhileHeld).toBe(false);
  });

  it('ends the turn with the dialogue state written in the same transaction, and says what waits behind', async () => {
    const chatId = 1004;
    const ctx = updateIn(chatId);
    let heldDuringWrite: number | undefined;
    await aProcess()(ctx, async () => {
      heldDuringWrite = await redis.exists(chatTurnKey(prefix, chatId));
      await redis.rpush(`${prefix}:parked:${chatId}`, 'an update kept behind');
      await ctx.chatTurn!.commit(redis.multi().set(`${prefix}:state:${chatId}`, 'the new step'));
      // Written, and the chat is free for its next update before this one has unwound.
      expect(await redis.get(`${prefix}:state:${chatId}`)).toBe('the new step');
      expect(await redis.exists(chatTurnKey(prefix, chatId))).toBe(0);
    });
    expect(heldDuringWrite).toBe(1);
    expect(ctx.chatTurn?.keptBehind).toBe(true);
  });
});
