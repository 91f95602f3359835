import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createSendSlots } from './send-slots.js';

describe('send slots shared through Redis', () => {
  const redis = new Redis(process.env.REDIS_URL!);
  afterAll(() => redis.disconnect());
  let serial = 0;
  const slotsFor = (limits: Parameters<typeof createSendSlots>[0]['limits']) => {
    serial += 1;
    return createSendSlots({ redis, prefix: `${process.env.REDIS_PREFIX}:slots${serial}`, limits });
  };

  it('holds a chat while a send is in flight and for the gap after it, other chats go on', async () => {
    const slots = slotsFor({ globalPerWindow: 30, windowMs: 1000, perChatGapMs: 400, inFlightHoldMs: 5000 });
    expect(await slots.acquire(1)).toEqual({ kind: 'granted' });
    const busy = await slots.acquire(1);
    expect(busy.kind).toBe('chat_busy');
    expect(busy.kind === 'chat_busy' && busy.waitMs).toBeGreaterThan(4000);
    expect(await slots.acquire(2)).toEqual({ kind: 'granted' });

    await slots.release(1);
    const afterSend = await slots.acquire(1);
    expect(afterSend.kind).toBe('chat_busy');
    expect(afterSend.kind === 'chat_busy' && afterSend.waitMs).toBeLessThanOrEqual(400);
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
});
