import { afterAll, describe, expect, it } from 'vitest';
import { freshRedisPrefix } from '../helpers/env.js';
import { eventually } from '../helpers/pipeline.js';
import { useDeliveryPipeline, writeRelayedBacklog } from '../helpers/relayed-backlog.js';
import { watchRedisRoundTrips } from '../helpers/round-trips.js';
import { notificationStatusCounts } from '../helpers/routing-factories.js';

/**
 * A backlog's chats each wait out their gap (Telegram's one message a second per chat), and their turns are
 * taken a little before it ends (delivery.worker.ts TAKE_AHEAD_MS). Each waits until its chat is due before
 * asking for its send slot: asked sooner, the slot would only say how long to wait, and be asked again.
 */
describe("a chat's send slot in a backlog", () => {
  const harness = useDeliveryPipeline();
  const prefix = freshRedisPrefix();
  const redis = watchRedisRoundTrips();
  afterAll(() => redis.restore());

  it('is asked for once its gap is over, about once a copy', async () => {
    const { db } = harness;
    const { copies } = await writeRelayedBacklog(db, harness.emulator, {
      curators: 3,
      familiesEach: 1,
      messagesEach: 3,
    });
    const mark = redis.mark();

    await harness.start(prefix);
    await eventually(
      async () => (await notificationStatusCounts(db)).sent === copies,
      60_000,
      'every copy sent',
    );

    // The slot script's calls: EVALSHA with the chat's slot key first (send-slots.ts ACQUIRE). Each chat's
    // first copy is due at once; before, most later copies asked twice (a `chat_busy` wait, then again).
    const isSlotAsk = ({ name, args }: { name: string; args: string[] }) =>
      name === 'evalsha' && args[1] === '7' && args[2]?.startsWith(`${prefix}:tg:c:`) === true;
    const asks = redis
      .since(mark, isSlotAsk)
      .flat()
      .filter(isSlotAsk);
    expect(asks.length).toBeGreaterThanOrEqual(copies);
    expect(asks.length).toBeLessThanOrEqual(copies + 2);
  });
});
