import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createSendSlots, type SendClass, type SlotDecision } from './send-slots.js';

describe('send slots shared through Redis', () => {
  const redis = new Redis(process.env.REDIS_URL!);
  afterAll(() => redis.disconnect());
  let serial = 0;
  const slotsFor = (limits: Parameters<typeof createSendSlots>[0]['limits'], clock?: () => number) => {
    serial += 1;
    return createSendSlots({ redis, prefix: `${process.env.REDIS_PREFIX}:slots${serial}`, limits, clock });
  };
  /** A send answered at once: its slot, then its release at the same moment. */
  const sendNow = async (
    slots: ReturnType<typeof createSendSlots>,
    ...args: Parameters<ReturnType<typeof createSendSlots>['acquire']>
  ) => {
    const decision = await slots.acquire(...args);
    if (decision.kind === 'granted') await slots.release(args[0]);
    return decision;
  };
  const paced = {
    globalPerWindow: 30,
    windowMs: 1015,
    paceMs: 34,
    perChatGapMs: 1100,
    inFlightHoldMs: 15_000,
  };

  /**
   * A fixed clock stepping 1 ms for 3 s, a new chat asking for a slot at every millisecond; a slot granted
   * ahead is sent when it comes and answered at once. Returns when each send went.
   */
  const askEveryMs = async (
    limits: Parameters<typeof slotsFor>[0],
    classOf: (chat: number) => SendClass = () => 'notice',
    refused?: (decision: SlotDecision, now: number) => void,
  ) => {
    let now = 0;
    const slots = slotsFor(limits, () => now);
    const sent: number[] = [];
    for (let chat = 1; now < 3000; now += 1) {
      const decision = await slots.acquire(chat, classOf(chat));
      if (decision.kind !== 'granted') {
        refused?.(decision, now);
        continue;
      }
      const asked = now;
      now += decision.afterMs ?? 0;
      sent.push(now);
      await slots.release(chat);
      now = asked;
      chat += 1;
    }
    return sent;
  };
  const busiestSecond = (sent: number[]) =>
    Math.max(...sent.map((start) => sent.filter((t) => t >= start && t < start + 1000).length));

  it('holds a chat while a send is in flight and for the gap after it, other chats go on', async () => {
    const slots = slotsFor({ globalPerWindow: 30, windowMs: 1000, perChatGapMs: 400, inFlightHoldMs: 5000 });
    expect(await slots.acquire(1)).toEqual({ kind: 'granted' });
    // Another send in flight to the chat: asked again within 40 ms, not after the whole hold (5 s here, 15 s
    // in production), which only frees the chat of a sender that died mid-send. A family's «принята» that
    // met the worker's notice in flight once waited the full 15 s.
    const busy = await slots.acquire(1);
    expect(busy).toEqual({ kind: 'chat_busy', waitMs: 40 });
    expect(await slots.acquire(2)).toEqual({ kind: 'granted' });

    await slots.release(1);
    const afterSend = await slots.acquire(1);
    expect(afterSend.kind).toBe('chat_busy');
    expect(afterSend.kind === 'chat_busy' && afterSend.waitMs).toBeLessThanOrEqual(400);
  });

  it('a slot granted a pace ahead is in flight too: asked again soon, not held for the whole hold', async () => {
    let now = 0;
    const slots = slotsFor(paced, () => now);
    expect(await slots.acquire(1)).toEqual({ kind: 'granted' });
    // The next paced slot is 34 ms away: granted now, to go then (its refill time is in the future).
    expect(await slots.acquire(2)).toEqual({ kind: 'granted', afterMs: 34 });
    now = 1;
    expect(await slots.acquire(2, 'interactive')).toEqual({ kind: 'chat_busy', waitMs: 40 });
  });

  it("keeps a chat closed for Telegram's retry_after when it is longer than the gap", async () => {
    const slots = slotsFor({ globalPerWindow: 30, windowMs: 1000, perChatGapMs: 400, inFlightHoldMs: 5000 });
    await slots.acquire(7);
    await slots.release(7, 3000);
    const decision = await slots.acquire(7);
    expect(decision.kind === 'chat_busy' && decision.waitMs).toBeGreaterThan(2500);
  });

  it('lets at most the window limit through, all chats together, then says how long to wait', async () => {
    const slots = slotsFor({ globalPerWindow: 3, windowMs: 1000, perChatGapMs: 100, inFlightHoldMs: 5000 });
    const decisions = [];
    for (let chat = 100; chat < 105; chat += 1) decisions.push(await slots.acquire(chat));
    expect(decisions.map((decision) => decision.kind)).toEqual([
      'granted',
      'granted',
      'granted',
      'global_full',
      'global_full',
    ]);
    const full = decisions[3]!;
    expect(full.kind === 'global_full' && full.waitMs).toBeGreaterThan(0);
    expect(full.kind === 'global_full' && full.waitMs).toBeLessThanOrEqual(1000);
  });

  it('paces sends evenly, one every paceMs, never more than the window in any second', async () => {
    const sent = await askEveryMs(paced, undefined, (decision, now) => {
      expect(decision.kind).toBe('global_full');
      // Back a pace before the next slot, to be granted it ahead.
      expect(decision.kind === 'global_full' && (now + decision.waitMs - 34) % 34).toBe(0);
    });
    expect(sent.filter((at) => at < 3000)).toEqual(Array.from({ length: 89 }, (_, index) => index * 34));
    expect(busiestSecond(sent)).toBe(30);
  });

  it('an urgent card goes ahead of the notices already granted the next slots; the schedule moves on for them', async () => {
    let now = 0;
    const slots = slotsFor({ ...paced, urgentAheadPaces: 2 }, () => now);
    // Two notices: the first now, the second granted the next paced slot, 34 ms on.
    expect(await slots.acquire(1)).toEqual({ kind: 'granted' });
    now = 1;
    expect(await slots.acquire(2)).toEqual({ kind: 'granted', afterMs: 33 });
    // A curator's card comes: it goes now, not at 68 behind them.
    now = 2;
    expect(await slots.acquire(3, 'urgent')).toEqual({ kind: 'granted' });
    // The next notice waits one pace more (102 rather than 68): the card took a slot of the schedule.
    now = 3;
    expect(await slots.acquire(4)).toEqual({ kind: 'global_full', waitMs: 65 });
    // A person's reply goes ahead too, at most two paces before the schedule's next (102): at 34. Then an
    // urgent send finds the schedule at 136 and may go at 68: it asks again a pace before.
    expect(await slots.acquire(5, 'interactive')).toEqual({ kind: 'granted', afterMs: 31 });
    expect(await slots.acquire(6, 'urgent')).toEqual({ kind: 'global_full', waitMs: 31 });
  });

  it('urgent sends going ahead keep the average pace and the window: never more than the window in a second', async () => {
    const sent = await askEveryMs({ ...paced, urgentAheadPaces: 2 }, (chat) =>
      chat % 2 === 0 ? 'urgent' : 'notice',
    );
    // At most two more than the schedule's 89 in 3 s (the paces urgent sends may go ahead), and after the
    // start one per pace on average (59 in 2 s; one more where an urgent send and a notice swap places).
    expect(sent.filter((at) => at < 3000).length).toBeLessThanOrEqual(91);
    expect(sent.filter((at) => at >= 1000 && at < 3000).length).toBeLessThanOrEqual(60);
    expect(busiestSecond(sent)).toBeLessThanOrEqual(30);
  });

  it('a chat that is busy takes no global slot, and a slot taken a little late keeps the schedule', async () => {
    let now = 0;
    const slots = slotsFor(paced, () => now);
    expect(await slots.acquire(1)).toEqual({ kind: 'granted' });
    now = 40;
    expect(await slots.acquire(1)).toEqual({ kind: 'chat_busy', waitMs: 40 });
    expect(await slots.acquire(2)).toEqual({ kind: 'granted' });
    // Granted 6 ms after its slot (34): the next slot is still 68, not 74; it is granted a pace ahead.
    now = 33;
    expect(await slots.acquire(3)).toEqual({ kind: 'global_full', waitMs: 1 });
    now = 34;
    expect(await slots.acquire(3)).toEqual({ kind: 'granted', afterMs: 34 });
    // After the send, the chat waits for the gap from the release.
    now = 500;
    await slots.release(1);
    now = 1000;
    expect(await slots.acquire(1)).toEqual({ kind: 'chat_busy', waitMs: 600 });
  });

  it('the window still caps paced sends when the pace is faster than the window allows', async () => {
    let now = 0;
    const slots = slotsFor({ ...paced, globalPerWindow: 3, windowMs: 1000, paceMs: 10 }, () => now);
    const decisions = [];
    for (let chat = 1; chat <= 4; chat += 1, now += 10) decisions.push(await sendNow(slots, chat));
    // Back a pace before the first send leaves the window (at 1000), to be granted its place ahead.
    expect(decisions).toEqual([
      { kind: 'granted' },
      { kind: 'granted' },
      { kind: 'granted' },
      { kind: 'global_full', waitMs: 960 },
    ]);
    now = 990;
    expect(await slots.acquire(4)).toEqual({ kind: 'granted', afterMs: 10 });
    expect(await slots.acquire(5)).toEqual({ kind: 'global_full', waitMs: 5 });
  });

  it('a send counts in the window from its slot until its answer is back, then from the answer', async () => {
    let now = 0;
    const slots = slotsFor(
      { globalPerWindow: 2, windowMs: 1000, perChatGapMs: 100, inFlightHoldMs: 5000 },
      () => now,
    );
    expect(await slots.acquire(1)).toEqual({ kind: 'granted' });
    expect(await slots.acquire(2)).toEqual({ kind: 'granted' });
    // Both still in flight: however long they take, their places free a window after their answers.
    now = 3000;
    expect(await slots.acquire(3)).toEqual({ kind: 'global_full', waitMs: 1000 });
    now = 3400;
    await slots.release(1);
    now = 3600;
    await slots.release(2);
    // A window after the slots (and long after) is not enough: a window after the first answer is.
    expect(await slots.acquire(3)).toEqual({ kind: 'global_full', waitMs: 800 });
    now = 4399;
    expect(await slots.acquire(3)).toEqual({ kind: 'global_full', waitMs: 1 });
    now = 4400;
    expect(await slots.acquire(3)).toEqual({ kind: 'granted' });
    expect(await slots.acquire(4)).toEqual({ kind: 'global_full', waitMs: 200 });
  });

  it('a send whose sender is gone frees its place when its hold ends', async () => {
    let now = 0;
    const slots = slotsFor(
      { globalPerWindow: 1, windowMs: 1000, perChatGapMs: 100, inFlightHoldMs: 5000 },
      () => now,
    );
    expect(await slots.acquire(1)).toEqual({ kind: 'granted' });
    now = 5999;
    expect((await slots.acquire(2)).kind).toBe('global_full');
    now = 6000;
    expect(await slots.acquire(2)).toEqual({ kind: 'granted' });
  });

  it("a person's replies may go in a short burst; a notice needs a token and a gap after the last send", async () => {
    let now = 0;
    const slots = slotsFor(
      { globalPerWindow: 30, windowMs: 1000, perChatGapMs: 1000, perChatBurst: 3, inFlightHoldMs: 5000 },
      () => now,
    );
    for (let reply = 0; reply < 3; reply += 1) {
      expect(await slots.acquire(1, 'interactive')).toEqual({ kind: 'granted' });
      await slots.release(1);
    }
    expect(await slots.acquire(1, 'interactive')).toEqual({ kind: 'chat_busy', waitMs: 1000 });
    expect(await slots.acquire(1, 'notice')).toEqual({ kind: 'chat_busy', waitMs: 1000 });
    now = 1000;
    expect(await slots.acquire(1, 'interactive')).toEqual({ kind: 'granted' });
    await slots.release(1);
    // A notice to a quiet chat goes at once; the next one a gap later, though tokens are left.
    expect(await slots.acquire(2, 'notice')).toEqual({ kind: 'granted' });
    await slots.release(2);
    expect(await slots.acquire(2, 'notice')).toEqual({ kind: 'chat_busy', waitMs: 1000 });
  });

  it('while a reply waits for the global budget, notices and digests take nothing from it', async () => {
    let now = 0;
    const slots = slotsFor(
      { globalPerWindow: 2, windowMs: 1000, perChatGapMs: 1000, perChatBurst: 3, inFlightHoldMs: 5000 },
      () => now,
    );
    expect(await sendNow(slots, 10, 'bulk')).toEqual({ kind: 'granted' });
    expect(await sendNow(slots, 11, 'notice')).toEqual({ kind: 'granted' });
    expect(await slots.acquire(12, 'interactive', 'reply')).toEqual({ kind: 'global_full', waitMs: 1000 });
    now = 1001;
    // The window has room again, but the reply asked first: the notice and the card wait.
    expect((await slots.acquire(13, 'notice')).kind).toBe('global_full');
    expect((await slots.acquire(14, 'urgent')).kind).toBe('global_full');
    expect(await slots.acquire(12, 'interactive', 'reply')).toEqual({ kind: 'granted' });
    expect(await slots.acquire(14, 'urgent')).toEqual({ kind: 'granted' });
    expect((await slots.acquire(13, 'notice')).kind).toBe('global_full');
  });

  it('notices and digests leave the window places kept for replies and urgent cards', async () => {
    let now = 0;
    const slots = slotsFor(
      { globalPerWindow: 4, windowMs: 1000, perChatGapMs: 1000, inFlightHoldMs: 5000, keptForUrgent: 2 },
      () => now,
    );
    expect(await sendNow(slots, 20, 'bulk')).toEqual({ kind: 'granted' });
    now = 100;
    expect(await sendNow(slots, 21, 'notice')).toEqual({ kind: 'granted' });
    // Two of four places taken: a third notice waits until the first send leaves the window.
    expect(await slots.acquire(22, 'notice')).toEqual({ kind: 'global_full', waitMs: 900 });
    expect(await sendNow(slots, 23, 'urgent')).toEqual({ kind: 'granted' });
    expect(await sendNow(slots, 24, 'interactive')).toEqual({ kind: 'granted' });
    expect((await slots.acquire(25, 'urgent', 'card')).kind).toBe('global_full');
    now = 1001;
    expect(await sendNow(slots, 25, 'urgent', 'card')).toEqual({ kind: 'granted' });
    // Three in the window now (from 100 on): the notice waits for the one of 100 to leave.
    expect(await slots.acquire(22, 'notice')).toEqual({ kind: 'global_full', waitMs: 99 });
  });

  it('a group gets one message per group gap, with no burst', async () => {
    let now = 0;
    const slots = slotsFor(
      {
        globalPerWindow: 30,
        windowMs: 1000,
        perChatGapMs: 1000,
        perChatBurst: 3,
        groupGapMs: 3000,
        inFlightHoldMs: 5000,
      },
      () => now,
    );
    expect(await slots.acquire(-100, 'interactive')).toEqual({ kind: 'granted' });
    await slots.release(-100);
    expect(await slots.acquire(-100, 'interactive')).toEqual({ kind: 'chat_busy', waitMs: 3000 });
    now = 3000;
    expect(await slots.acquire(-100, 'interactive')).toEqual({ kind: 'granted' });
  });
});
