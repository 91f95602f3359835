import { describe, expect, it } from 'vitest';
import { watchBacklog } from '../helpers/relayed-backlog.js';

/**
 * What a backlog costs Redis: the curators' chats that come due together go as one batched turn, and the
 * send slots its chats ask for (telegram/send-slots.ts, one script each) go to Redis in one round trip, not
 * one each (the worker's lanes and slots are on the client that pipelines the commands of one tick).
 */
describe('a batched delivery turn and Redis', () => {
  const deliver = watchBacklog({ curators: 3, familiesEach: 1, messagesEach: 2 });

  it('asks for the send slots of its chats in one round trip', async () => {
    const { copies, trips, asks } = await deliver();
    expect(asks.length).toBeGreaterThanOrEqual(copies);
    // The first turn took the three chats together: their asks went in one write.
    expect(Math.max(...trips.map((trip) => trip.length))).toBeGreaterThanOrEqual(2);
    expect(trips.length).toBeLessThan(asks.length);
  });
});
