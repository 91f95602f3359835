import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redisScript } from '../queue/redis-script.js';

/**
 * Telegram's flood limits, shared by every process that talks to Telegram (bot replies, dialogues, the
 * delivery worker) through Redis. All chats together: one send every `paceMs` (a shared "next free time",
 * so they go out evenly rather than in bursts), never more than `globalPerWindow` in any sliding window.
 * Per chat: one send at a time, and a token bucket refilled one token every `perChatGapMs` (a group: every
 * `groupGapMs`). Redis's clock (TIME) is used so processes on different machines agree.
 *
 * Priority: a person's own replies (`interactive`) may use the chat's burst; everything else goes one per
 * gap and needs a token too, so it never adds to a burst. When the global budget is
 * short, a class takes nothing while a higher class is waiting for it: replies first, then urgent staff
 * cards and relayed messages, then ordinary notices, then digests.
 */
export interface SendSlotLimits {
  /** Sends allowed in one sliding window, all chats together (Telegram: about 30 per second). */
  globalPerWindow: number;
  /**
   * The sliding window: a hard guard on top of the pacing. A send is in it from its slot until the answer
   * to it is back (`release`), then counts from that moment: Telegram took it in between, so a slot taken a
   * window after the answer reaches Telegram at least a window after it, however late either request left
   * (a busy event loop, a slow network). A few ms over Telegram's one second only absorb whole-ms clocks.
   */
  windowMs: number;
  /**
   * One global send every this many ms (0 or absent: no pacing, only the window). A slot taken late by
   * up to half of it does not push the next one back, so the average stays at one per `paceMs`. A slot
   * (of the pace or of the window) is granted up to this long before it comes, the caller waiting for it
   * in hand, so that the send goes when it comes rather than a round trip to Redis after.
   */
  paceMs?: number;
  /**
   * One token of a private chat's bucket comes back this long after the end of the last send (Telegram:
   * about one message per second to a chat). Anything but a reply also waits this long after the chat's
   * last send: notices go one at a time, never in a burst.
   */
  perChatGapMs: number;
  /** Tokens of a private chat's bucket: how many replies may go at once (Telegram tolerates short bursts). */
  perChatBurst?: number;
  /** A group's gap (Telegram: 20 messages a minute in a group); groups have no burst. */
  groupGapMs?: number;
  /** A chat is held this long while a send is in flight (a crashed sender frees it after this). */
  inFlightHoldMs: number;
  /**
   * Places of the window that ordinary notices and digests leave free (0 or absent: none), so that a
   * person's reply or an urgent card finds room at once rather than after the oldest send leaves it.
   */
  keptForUrgent?: number;
  /**
   * How many paces a person's reply or an urgent card may go ahead of the pacing's schedule (0 or absent:
   * none): it goes at once rather than behind the notices already granted the next slots, and the schedule
   * moves on by one pace as for any send, so the notices after it wait that much longer and the average
   * stays one send per `paceMs`. At most this many more go together (a burst of `1 + this`); the window
   * caps every second as before.
   */
  urgentAheadPaces?: number;
}

/**
 * Paced at 29.4 sends/s, at most 30 in any 1,005 ms counted from each answer (see `windowMs`). A window
 * counted from the slots instead needed 1,100 ms (27.3/s): with 1,030 ms, under CPU load, 31 sends reached
 * the emulator within one second (test/e2e/delivery-limits.test.ts, 3 December). A chat: replies may go
 * 4 at once, then one every 1.1 s; the emulator allows 5 and one a second (README, «Emulator»), so a reply
 * sent a little late never meets a full bucket there. A reply or an urgent card may go up to two paces ahead
 * of the schedule: with a request's three sends (the family's «принята», the curator's card, the family's
 * «доставлена») at 10 requests a second the budget is full, and a card waited behind the notices already
 * granted the next two slots.
 */
export const telegramSendLimits: SendSlotLimits = {
  globalPerWindow: 30,
  windowMs: 1005,
  paceMs: 34,
  perChatGapMs: 1100,
  perChatBurst: 4,
  groupGapMs: 3100,
  inFlightHoldMs: 15_000,
  keptForUrgent: 3,
  urgentAheadPaces: 2,
};

/** For a Bot API without flood limits: no pacing, no bursts to wait out; one send at a time per chat stays. */
export const noSendLimits: SendSlotLimits = {
  globalPerWindow: 1_000_000,
  windowMs: 1100,
  paceMs: 0,
  perChatGapMs: 1,
  perChatBurst: 1_000_000,
  groupGapMs: 1,
  inFlightHoldMs: 15_000,
};

/** The limits `TELEGRAM_SEND_LIMITS` names. */
export const sendLimitsFor = (setting: 'telegram' | 'off') =>
  setting === 'off' ? noSendLimits : telegramSendLimits;

/** Who a send is for, highest priority first (see SendSlotLimits). */
export const sendClasses = ['interactive', 'urgent', 'notice', 'bulk'] as const;
export type SendClass = (typeof sendClasses)[number];
/** The classes that leave room to the others (ordinary notices and digests): in the window, and in turns. */
export const lowSendClasses: readonly SendClass[] = ['notice', 'bulk'];
const LOW_CLASS_FROM = sendClasses.indexOf('notice');

/** How soon a chat with a send in flight is asked for again (the send is usually done within tens of ms). */
const IN_FLIGHT_POLL_MS = 40;

export type SlotDecision =
  /** `afterMs`: the send may go this long from now, not before (the caller waits for it in hand). */
  | { kind: 'granted'; afterMs?: number }
  | { kind: 'chat_busy'; waitMs: number }
  | { kind: 'global_full'; waitMs: number };

// KEYS: 1 the chat (hash: t tokens, ts when counted, busy until, sent: its send in the window), 2 the window,
// 3 the next paced slot, 4..7 who waits for the global budget, per class. ARGV[5] is a fixed clock for tests
// (empty: Redis TIME); ARGV[11]: places of the window that classes from `notice` down leave free;
// ARGV[12]: how many paces a class above `notice` may go ahead of the pacing's schedule.
// The chat is checked first and nothing global is taken (or waited for) for a chat that is not ready.
// A send enters the window dated its hold's end (in flight: it stays until RELEASE dates it by its answer,
// or, its sender gone, until the hold ends); a place held by a send in flight frees a window after now at
// the earliest.
const ACQUIRE = redisScript<[number, number]>(
  'patronazhAcquireSendSlot',
  3 + sendClasses.length,
  `local now
if ARGV[5] ~= '' then now = tonumber(ARGV[5]) else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local window = tonumber(ARGV[1])
local pace = tonumber(ARGV[6])
local class = tonumber(ARGV[7])
local cap = tonumber(ARGV[8])
local refill = tonumber(ARGV[9])
local hold = tonumber(ARGV[3])
local chat = redis.call('HMGET', KEYS[1], 't', 'ts', 'busy', 'sent')
local busy = tonumber(chat[3] or '0')
if busy > now then
  -- A send in flight (\`sent\` until its release; another process's, usually done within tens of ms — the
  -- hold only frees a crashed sender's chat): ask again soon. Closed by a 429: until its retry_after.
  if chat[4] then return {1, math.min(busy - now, ${IN_FLIGHT_POLL_MS})} end
  return {1, busy - now}
end
local tokens = cap
if chat[1] then tokens = math.min(cap, tonumber(chat[1]) + math.max(0, now - tonumber(chat[2])) / refill) end
local wait = 0
if tokens < 1 then wait = math.ceil((1 - tokens) * refill) end
-- Anything but a person's own reply: also one gap after the chat's last send (no burst of notices).
if class > 0 and chat[2] then wait = math.max(wait, refill - (now - tonumber(chat[2]))) end
if wait > 0 then return {1, wait} end
for k = 0, class - 1 do
  redis.call('ZREMRANGEBYSCORE', KEYS[4 + k], '-inf', now)
  if redis.call('ZCARD', KEYS[4 + k]) > 0 then return {2, math.max(10, pace)} end
end
local want = KEYS[4 + class]
local function queue(ms)
  redis.call('ZADD', want, now + ms + 250, ARGV[10])
  redis.call('PEXPIRE', want, window * 2 + ms)
  return {2, ms}
end
-- The send may go at \`at\`: now, or up to one pace ahead (the caller waits for it in hand), so that the slot
-- is taken when it comes rather than a round trip after; further ahead, the caller comes back a pace early.
-- A reply or an urgent card may take its slot up to ARGV[12] paces before the schedule's next.
local ahead = pace
local at = now
local nextAt = tonumber(redis.call('GET', KEYS[3]) or '0')
local dueAt = nextAt
if class < ${LOW_CLASS_FROM} then dueAt = nextAt - pace * tonumber(ARGV[12]) end
if pace > 0 and dueAt > now then
  if dueAt - now > ahead then return queue(dueAt - now - ahead) end
  at = dueAt
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
local room = tonumber(ARGV[2])
if class >= ${LOW_CLASS_FROM} then room = math.max(1, room - tonumber(ARGV[11])) end
local over = redis.call('ZCARD', KEYS[2]) - room
if over >= 0 then
  local leaving = tonumber(redis.call('ZRANGE', KEYS[2], over, over, 'WITHSCORES')[2])
  if leaving > now then return queue(window) end
  if leaving + window > at then
    if leaving + window - now > ahead then return queue(leaving + window - now - ahead) end
    at = leaving + window
  end
end
redis.call('ZREM', want, ARGV[10])
redis.call('ZADD', KEYS[2], at + hold, ARGV[4])
redis.call('PEXPIRE', KEYS[2], hold + window * 2)
if pace > 0 then
  local slack = math.floor(pace / 2)
  redis.call('SET', KEYS[3], math.max(nextAt, at - slack) + pace, 'PX', window * 2)
end
redis.call('HSET', KEYS[1], 't', tostring(tokens - 1), 'ts', at, 'busy', at + hold, 'sent', ARGV[4])
redis.call('PEXPIRE', KEYS[1], hold + cap * refill)
return {0, at - now}`,
);

// After a send the bucket refills from its end; after a 429 the chat is closed for retry_after, empty.
// KEYS: 1 the chat, 2 the window: the send's place there is dated now, when its answer is back (a 429 and a
// failed request too: the request may have reached Telegram).
const RELEASE = redisScript<number>(
  'patronazhReleaseSendSlot',
  2,
  `local now
if ARGV[2] ~= '' then now = tonumber(ARGV[2]) else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local flood = tonumber(ARGV[1])
local keep = tonumber(ARGV[3])
local sent = redis.call('HGET', KEYS[1], 'sent')
if sent then
  redis.call('ZADD', KEYS[2], 'XX', now, sent)
  redis.call('HDEL', KEYS[1], 'sent')
end
if flood > 0 then
  redis.call('HSET', KEYS[1], 't', '0', 'ts', now + flood, 'busy', now + flood)
  redis.call('PEXPIRE', KEYS[1], flood + keep)
else
  redis.call('HSET', KEYS[1], 'ts', now, 'busy', 0)
  redis.call('PEXPIRE', KEYS[1], keep)
end
return 0`,
);

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
  const chatKey = (chatId: number) => `${prefix}:tg:c:${chatId}`;
  const globalKey = `${prefix}:tg:global`;
  const paceKey = `${prefix}:tg:next`;
  const wantKeys = sendClasses.map((name) => `${prefix}:tg:want:${name}`);
  const now = () => (clock ? String(clock()) : '');
  /** Groups (negative ids) get one send per group gap; private chats their burst. */
  const bucketOf = (chatId: number) =>
    chatId < 0
      ? { capacity: 1, refillMs: limits.groupGapMs ?? limits.perChatGapMs }
      : { capacity: Math.max(1, limits.perChatBurst ?? 1), refillMs: limits.perChatGapMs };
  return {
    limits,
    /**
     * Takes the chat and a token of its bucket, then the next paced global slot and a place in the window,
     * or says how long to wait. `waiter` names one caller across its retries (its place among the waiting).
     */
    async acquire(
      chatId: number,
      sendClass: SendClass = 'notice',
      waiter: string = randomUUID(),
    ): Promise<SlotDecision> {
      const bucket = bucketOf(chatId);
      const [code, ms] = await ACQUIRE.run(
        redis,
        chatKey(chatId),
        globalKey,
        paceKey,
        ...wantKeys,
        limits.windowMs,
        limits.globalPerWindow,
        limits.inFlightHoldMs,
        randomUUID(),
        now(),
        limits.paceMs ?? 0,
        sendClasses.indexOf(sendClass),
        bucket.capacity,
        bucket.refillMs,
        waiter,
        limits.keptForUrgent ?? 0,
        limits.urgentAheadPaces ?? 0,
      );
      if (code === 1) return { kind: 'chat_busy', waitMs: ms };
      if (code === 2) return { kind: 'global_full', waitMs: ms };
      return ms > 0 ? { kind: 'granted', afterMs: ms } : { kind: 'granted' };
    },
    /**
     * After a send, once its answer is back: the send counts in the window from now, and the chat's bucket
     * refills from now, or the chat stays closed for Telegram's `retry_after`.
     */
    async release(chatId: number, floodHoldMs?: number): Promise<void> {
      const bucket = bucketOf(chatId);
      await RELEASE.run(
        redis,
        chatKey(chatId),
        globalKey,
        floodHoldMs && floodHoldMs > 0 ? Math.ceil(floodHoldMs) : 0,
        now(),
        bucket.capacity * bucket.refillMs + 1000,
      );
    },
  };
}

export type SendSlots = ReturnType<typeof createSendSlots>;

export interface SendTurn {
  /** After the send; with Telegram's retry_after (ms) when it answered 429. */
  release(floodHoldMs?: number): Promise<void>;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/**
 * Waits until this send may go (see createSendSlots): the caller sends, then releases the turn. After
 * `maxWaitMs` it goes anyway rather than leave a person without an answer; Telegram's retry_after is still
 * honoured by the caller then.
 */
export async function waitForTurn(
  slots: SendSlots,
  chatId: number,
  sendClass: SendClass,
  options: { maxWaitMs?: number; signal?: AbortSignal } = {},
): Promise<SendTurn> {
  const waiter = randomUUID();
  const deadline = Date.now() + (options.maxWaitMs ?? 60_000);
  for (;;) {
    const decision = await slots.acquire(chatId, sendClass, waiter);
    if (decision.kind === 'granted') {
      if (decision.afterMs) await sleep(decision.afterMs);
      return { release: (hold) => slots.release(chatId, hold) };
    }
    const left = deadline - Date.now();
    if (left <= 0 || options.signal?.aborted) return { release: async () => undefined };
    await sleep(Math.min(decision.waitMs, left), options.signal);
  }
}
