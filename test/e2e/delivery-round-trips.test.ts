import { afterAll, describe, expect, it } from 'vitest';
import { freshRedisPrefix } from '../helpers/env.js';
import { eventually } from '../helpers/pipeline.js';
import { useDeliveryPipeline, writeRelayedBacklog } from '../helpers/relayed-backlog.js';
import { watchRedisRoundTrips } from '../helpers/round-trips.js';
import { notificationStatusCounts } from '../helpers/routing-factories.js';

/**
 * What a backlog costs Redis: the curators' chats that come due together go as one batched turn, and the
 * send slots its chats ask for (telegram/send-slots.ts, one script each) go to Redis in one round trip, not
 * one each (the worker's lanes and slots are on the client that pipelines the commands of one tick).
 */
describe('a batched delivery turn and Redis', () => {
  const harness = useDeliveryPipeline();
  const prefix = freshRedisPrefix();
  const redis = watchRedisRoundTrips();
  afterAll(() => redis.restore());

  it('asks for the send slots of its chats in one round trip', async () => {
    const { db } = harness;
    const { copies } = await writeRelayedBacklog(db, harness.emulator, {
      curators: 3,
      familiesEach: 1,
      messagesEach: 2,
    });
    const mark = redis.mark();

    await harness.start(prefix);
    await eventually(
      async () => (await notificationStatusCounts(db)).sent === copies,
      60_000,
      'every copy sent',
    );

    // The slot script's calls: EVALSHA with the chat's slot key first (send-slots.ts ACQUIRE).
    const isSlotAsk = ({ name, args }: { name: string; args: string[] }) =>
      name === 'evalsha' && args[1] === '7' && args[2]?.startsWith(`${prefix}:tg:c:`) === true;
    const trips = redis.since(mark, isSlotAsk);
    const asks = trips.flat().filter(isSlotAsk);
    expect(asks.length).toBeGreaterThanOrEqual(copies);
    // The first turn took the three chats together: their asks went in one write.
    expect(Math.max(...trips.map((trip) => trip.filter(isSlotAsk).length))).toBeGreaterThanOrEqual(2);
    expect(trips.length).toBeLessThan(asks.length);
  });
});
