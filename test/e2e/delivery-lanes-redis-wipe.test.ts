import { describe, expect, it } from 'vitest';
import { freshRedisPrefix } from '../helpers/env.js';
import { eventually, wipeRedisPrefix } from '../helpers/pipeline.js';
import { useDeliveryPipeline, writeRelayedBacklog } from '../helpers/relayed-backlog.js';
import { notificationStatusCounts } from '../helpers/routing-factories.js';

const CURATORS = 3;
const FAMILIES_EACH = 2;
const MESSAGES_EACH = 6;
const TOTAL = CURATORS * FAMILIES_EACH * MESSAGES_EACH;

/**
 * A backlog waiting in the curators' lanes (SPEC §7): Redis is wiped while the copies go out one a second
 * per chat. The lanes are rebuilt from the pending rows in PostgreSQL, and every curator still reads each
 * family's messages once each, in the order the family wrote them.
 */
describe('the delivery lanes after a Redis wipe', () => {
  const harness = useDeliveryPipeline();
  const { db } = harness;
  const prefix = freshRedisPrefix();

  it('sends the rest of every lane once, in each conversation’s order', async () => {
    const emulator = harness.emulator;
    const { chats } = await writeRelayedBacklog(db, emulator, {
      curators: CURATORS,
      familiesEach: FAMILIES_EACH,
      messagesEach: MESSAGES_EACH,
    });

    const pipeline = await harness.start(prefix);
    await eventually(async () => ((await notificationStatusCounts(db)).sent ?? 0) >= 8, 60_000, '8 sent');
    expect(await wipeRedisPrefix(pipeline.config.redisUrl, prefix)).toBeGreaterThan(0);
    expect((await notificationStatusCounts(db)).pending ?? 0).toBeGreaterThan(0);

    await eventually(
      async () => (await notificationStatusCounts(db)).sent === TOTAL,
      90_000,
      'every copy sent after the wipe',
    );
    for (const chat of chats) {
      const received = emulator
        .messages(chat, { from: 'bot' })
        .map((message) => /Семья (\d+-\d+), сообщение (\d+)/.exec(message.text ?? ''))
        .map((match) => `${match?.[1]}:${match?.[2]}`);
      // Once each…
      expect(new Set(received).size).toBe(received.length);
      expect(received).toHaveLength(FAMILIES_EACH * MESSAGES_EACH);
      // …and each family's in the order written.
      for (let f = 0; f < FAMILIES_EACH; f += 1) {
        const family = received.filter((key) => key.split(':')[0]!.endsWith(`-${f}`));
        expect(family.map((key) => Number(key.split(':')[1]))).toEqual(
          Array.from({ length: MESSAGES_EACH }, (_, seq) => seq + 1),
        );
      }
    }
    // The wipe took the send slots' memory of the last sends too, so the first send to a chat after it may
    // meet Telegram's 429: it is waited out (the copy is not lost, not sent twice, not out of order).
  });
});
