import { describe, expect, it } from 'vitest';
import { watchBacklog } from '../helpers/relayed-backlog.js';

/**
 * A backlog's chats each wait out their gap (Telegram's one message a second per chat), and their turns are
 * taken a little before it ends (delivery.worker.ts TAKE_AHEAD_MS). Each waits until its chat is due before
 * asking for its send slot: asked sooner, the slot would only say how long to wait, and be asked again.
 */
describe("a chat's send slot in a backlog", () => {
  const deliver = watchBacklog({ curators: 3, familiesEach: 1, messagesEach: 3 });

  it('is asked for once its gap is over, about once a copy', async () => {
    const { copies, asks } = await deliver();
    // Each chat's first copy is due at once; before, most later copies asked twice (told to wait, then again).
    expect(asks.length).toBeGreaterThanOrEqual(copies);
    expect(asks.length).toBeLessThanOrEqual(copies + 2);
  });
});
