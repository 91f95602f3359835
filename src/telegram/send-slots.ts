import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Telegram's flood limits, shared by every worker process through Redis: sends all chats together are
 * paced one every `paceMs` (a shared "next free time", so they go out evenly rather than in bursts), never
 * more than `globalPerWindow` in any sliding window, and one send at a time per chat with a gap after it.
 * Redis's clock (TIME) is used so processes on different machines agree.
 */
export interface SendSlotLimits {
  /** Sends allowed in one sliding window, all chats together (Telegram: about 30 per second). */
  globalPerWindow: number;
  /**
   * The sliding window: a hard guard on top of the pacing. A little over Telegram's one second, so that
   * any 31 sends are at least this far apart when their slots are taken; the margin absorbs the jitter
   * between taking a slot here and the request reaching Telegram (a busy event loop, a slow network).
   */
  windowMs: number;
  /**
   * One global send every this many ms (0 or absent: no pacing, only the window). A slot taken late by
   * up to half of it does not push the next one back, so the average stays at one per `paceMs`.
   */
  paceMs?: number;
  /** Time between the end of one send to a chat and the start of the next (Telegram: 1 per second). */
  perChatGapMs: number;
  /** A chat is held this long while a send is in flight (a crashed sender frees it after this). */
  inFlightHoldMs: number;
}

/**
 * Paced at 29.4 sends/s, but at most 30 in any 1,100 ms (27.3/s): 31 sends reaching Telegram within one
 * second would need 100 ms of jitter between them. With a 1,015–1,030 ms window fan-out reached 29.4/s,
 * but under CPU load 31 sends in one second reached the emulator (test/e2e/delivery-limits.test.ts).
 */
export const telegramSendLimits: SendSlotLimits = {
  globalPerWindow: 30,
  windowMs: 1100,
  paceMs: 34,
  perChatGapMs: 1100,
  inFlightHoldMs: 15_000,
};

export type SlotDecision =
  | { kind: 'granted' }
  | { kind: 'chat_busy'; waitMs: number }
  | { kind: 'global_full'; waitMs: number };

// The chat is checked first and nothing global is taken for a busy chat. ARGV[5] is a fixed clock for
// tests (empty: Redis TIME).
const acquireScript = `
local now
if ARGV[5] ~= '' then now = tonumber(ARGV[5]) else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local busyUntil = tonumber(redis.call('GET', KEYS[1]) or '0')
if busyUntil > now then return {1, busyUntil - now} end
local window = tonumber(ARGV[1])
local pace = tonumber(ARGV[6])
local nextAt = tonumber(redis.call('GET', KEYS[3]) or '0')
if pace > 0 and nextAt > now then return {2, nextAt - now} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {2, math.max(1, tonumber(oldest[2]) + window - now)}
end
redis.call('ZADD', KEYS[2], now, ARGV[4])
redis.call('PEXPIRE', KEYS[2], window * 2)
if pace > 0 then
  local slack = math.floor(pace / 2)
  redis.call('SET', KEYS[3], math.max(nextAt, now - slack) + pace, 'PX', window * 2)
end
redis.call('SET', KEYS[1], now + tonumber(ARGV[3]), 'PX', tonumber(ARGV[3]))
return {0, 0}
`;

const releaseScript = `
local now
if ARGV[2] ~= '' then now = tonumber(ARGV[2]) else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local hold = tonumber(ARGV[1])
redis.call('SET', KEYS[1], now + hold, 'PX', hold)
return 0
`;

export function createSendSlots({
  redis,
  prefix,
  limits = telegramSendLimits,
  clock,
}: {
  redis: Redis;
  prefix: string;
  limits?: SendSlotLimits;
  /** Tests only: a fixed clock (ms) instead of Redis TIME. */
  clock?: () => number;
}) {
  const chatKey = (chatId: number) => `${prefix}:tg:chat:${chatId}`;
  const globalKey = `${prefix}:tg:global`;
  const paceKey = `${prefix}:tg:next`;
  const now = () => (clock ? String(clock()) : '');
  return {
    limits,
    /** Takes the chat, then the next paced global slot and a place in the window, or says how long to wait. */
    async acquire(chatId: number): Promise<SlotDecision> {
      const [code, waitMs] = (await redis.eval(
        acquireScript,
        3,
        chatKey(chatId),
        globalKey,
        paceKey,
        limits.windowMs,
        limits.globalPerWindow,
        limits.inFlightHoldMs,
        randomUUID(),
        now(),
        limits.paceMs ?? 0,
      )) as [number, number];
      if (code === 1) return { kind: 'chat_busy', waitMs };
      if (code === 2) return { kind: 'global_full', waitMs };
      return { kind: 'granted' };
    },
    /** After a send: the chat stays closed for the gap, or for Telegram's `retry_after` when longer. */
    async release(chatId: number, holdMs = limits.perChatGapMs): Promise<void> {
      await redis.eval(releaseScript, 1, chatKey(chatId), Math.max(holdMs, limits.perChatGapMs), now());
    },
  };
}

export type SendSlots = ReturnType<typeof createSendSlots>;
