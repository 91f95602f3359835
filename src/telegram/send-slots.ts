import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Telegram's flood limits, shared by every worker process through Redis: at most `globalPerWindow` sends
 * in any sliding window (all chats together) and one send at a time per chat with a gap after it.
 * Redis's clock (TIME) is used so processes on different machines agree.
 */
export interface SendSlotLimits {
  /** Sends allowed in one sliding window, all chats together (Telegram: about 30 per second). */
  globalPerWindow: number;
  /**
   * The sliding window. A quarter second over Telegram's one second absorbs the jitter between taking a
   * slot here and the request reaching Telegram (a busy event loop, a slow network), at ~24 sends/s.
   */
  windowMs: number;
  /** Time between the end of one send to a chat and the start of the next (Telegram: 1 per second). */
  perChatGapMs: number;
  /** A chat is held this long while a send is in flight (a crashed sender frees it after this). */
  inFlightHoldMs: number;
}

export const telegramSendLimits: SendSlotLimits = {
  globalPerWindow: 30,
  windowMs: 1250,
  perChatGapMs: 1100,
  inFlightHoldMs: 15_000,
};

export type SlotDecision =
  | { kind: 'granted' }
  | { kind: 'chat_busy'; waitMs: number }
  | { kind: 'global_full'; waitMs: number };

const acquireScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local busyUntil = tonumber(redis.call('GET', KEYS[1]) or '0')
if busyUntil > now then return {1, busyUntil - now} end
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {2, math.max(1, tonumber(oldest[2]) + window - now)}
end
redis.call('ZADD', KEYS[2], now, ARGV[4])
redis.call('PEXPIRE', KEYS[2], window * 2)
redis.call('SET', KEYS[1], now + tonumber(ARGV[3]), 'PX', tonumber(ARGV[3]))
return {0, 0}
`;

const releaseScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hold = tonumber(ARGV[1])
redis.call('SET', KEYS[1], now + hold, 'PX', hold)
return 0
`;

export function createSendSlots({
  redis,
  prefix,
  limits = telegramSendLimits,
}: {
  redis: Redis;
  prefix: string;
  limits?: SendSlotLimits;
}) {
  const chatKey = (chatId: number) => `${prefix}:tg:chat:${chatId}`;
  const globalKey = `${prefix}:tg:global`;
  return {
    limits,
    /** Takes the chat and a place in the global window, or says how long to wait. */
    async acquire(chatId: number): Promise<SlotDecision> {
      const [code, waitMs] = (await redis.eval(
        acquireScript,
        2,
        chatKey(chatId),
        globalKey,
        limits.windowMs,
        limits.globalPerWindow,
        limits.inFlightHoldMs,
        randomUUID(),
      )) as [number, number];
      if (code === 1) return { kind: 'chat_busy', waitMs };
      if (code === 2) return { kind: 'global_full', waitMs };
      return { kind: 'granted' };
    },
    /** After a send: the chat stays closed for the gap, or for Telegram's `retry_after` when longer. */
    async release(chatId: number, holdMs = limits.perChatGapMs): Promise<void> {
      await redis.eval(releaseScript, 1, chatKey(chatId), Math.max(holdMs, limits.perChatGapMs));
    },
  };
}

export type SendSlots = ReturnType<typeof createSendSlots>;
