/**
 * Telegram's flood control, emulated (README, «Emulator»): optionally refuses with 429 and retry_after a
 * send beyond `global` messages in any 1000 ms overall; to a private chat, beyond its token bucket of
 * `perChatBurst` messages refilled at `perChat` a second (a short burst, then about one a second); to a
 * group, beyond `perGroupPerMinute` in any 60 s. It always measures the busiest 1000 ms windows so tests
 * can check a bot stays within the limits even when they are not enforced.
 */
import { performance } from 'node:perf_hooks';
import { TelegramApiError } from './errors.js';
import type { ChatSendStats, RateLimits } from './types.js';

const WINDOW_MS = 1000;
const GROUP_WINDOW_MS = 60_000;

interface SendCounters {
  /** Times (ms, monotonic) of accepted sends within the last window, oldest first. */
  recent: number[];
  /** A group's accepted sends within the last minute. */
  minute: number[];
  /** A private chat's bucket: tokens when last counted, and when. */
  tokens?: number;
  countedAt?: number;
  stats: ChatSendStats;
}

export class SendLimiter {
  private global = SendLimiter.emptyCounters();
  private readonly perChat = new Map<number, SendCounters>();

  constructor(
    private limits: RateLimits | false,
    private readonly now: () => number = () => performance.now(),
  ) {}

  setLimits(limits: RateLimits | false): void {
    this.limits = limits;
  }

  getLimits(): RateLimits | false {
    return this.limits;
  }

  /**
   * Accounts for `count` messages about to be sent to `chatId`, or throws 429 without accounting them.
   * A burst larger than a limit is let through when nothing else was sent in the window, since it could
   * never be sent otherwise.
   */
  acquire(chatId: number, count: number): void {
    const now = this.now();
    const chat = this.countersOf(chatId);
    prune(this.global.recent, now);
    prune(chat.recent, now);
    prune(chat.minute, now, GROUP_WINDOW_MS);
    if (this.limits) {
      const wait = Math.max(
        waitBeforeRoom(this.global.recent, count, this.limits.global, now),
        chatId < 0
          ? waitBeforeRoom(chat.minute, count, this.limits.perGroupPerMinute ?? 20, now, GROUP_WINDOW_MS)
          : this.waitForTokens(chat, count, now),
      );
      if (wait > 0) {
        this.global.stats.tooManyRequests += 1;
        chat.stats.tooManyRequests += 1;
        const retryAfter = Math.max(1, Math.ceil(wait / 1000));
        throw new TelegramApiError(429, `Too Many Requests: retry after ${retryAfter}`, {
          retry_after: retryAfter,
        });
      }
    }
    if (this.limits && chatId > 0) {
      chat.tokens = this.tokensOf(chat, now) - count;
      chat.countedAt = now;
    }
    for (let i = 0; i < count; i += 1) chat.minute.push(now);
    for (const counters of [this.global, chat]) {
      for (let i = 0; i < count; i += 1) counters.recent.push(now);
      counters.stats.acceptedSends += count;
      counters.stats.maxSendsPerSecond = Math.max(counters.stats.maxSendsPerSecond, counters.recent.length);
    }
  }

  stats(): {
    acceptedSends: number;
    tooManyRequests: number;
    maxSendsPerSecondGlobal: number;
    maxSendsPerSecondPerChat: number;
    perChat: Record<string, ChatSendStats>;
  } {
    const perChat: Record<string, ChatSendStats> = {};
    let busiestChat = 0;
    for (const [chatId, counters] of this.perChat) {
      perChat[String(chatId)] = { ...counters.stats };
      busiestChat = Math.max(busiestChat, counters.stats.maxSendsPerSecond);
    }
    return {
      acceptedSends: this.global.stats.acceptedSends,
      tooManyRequests: this.global.stats.tooManyRequests,
      maxSendsPerSecondGlobal: this.global.stats.maxSendsPerSecond,
      maxSendsPerSecondPerChat: busiestChat,
      perChat,
    };
  }

  reset(): void {
    this.global = SendLimiter.emptyCounters();
    this.perChat.clear();
  }

  /** A private chat's tokens now: its bucket refills at `perChat` a second up to `perChatBurst`. */
  private tokensOf(chat: SendCounters, now: number): number {
    if (!this.limits) return 0;
    const capacity = this.limits.perChatBurst ?? this.limits.perChat;
    if (chat.tokens === undefined || chat.countedAt === undefined) return capacity;
    return Math.min(capacity, chat.tokens + ((now - chat.countedAt) / 1000) * this.limits.perChat);
  }

  /** Milliseconds until the chat's bucket holds `count` tokens; a full bucket lets any burst through. */
  private waitForTokens(chat: SendCounters, count: number, now: number): number {
    if (!this.limits) return 0;
    const capacity = this.limits.perChatBurst ?? this.limits.perChat;
    const tokens = this.tokensOf(chat, now);
    if (tokens >= count || tokens >= capacity) return 0;
    return Math.max(1, ((Math.min(count, capacity) - tokens) / this.limits.perChat) * 1000);
  }

  private countersOf(chatId: number): SendCounters {
    let counters = this.perChat.get(chatId);
    if (!counters) {
      counters = SendLimiter.emptyCounters();
      this.perChat.set(chatId, counters);
    }
    return counters;
  }

  private static emptyCounters(): SendCounters {
    return { recent: [], minute: [], stats: { acceptedSends: 0, tooManyRequests: 0, maxSendsPerSecond: 0 } };
  }
}

function prune(recent: number[], now: number, windowMs = WINDOW_MS): void {
  let expired = 0;
  while (expired < recent.length && (recent[expired] ?? 0) <= now - windowMs) expired += 1;
  recent.splice(0, expired);
}

/** Milliseconds until `count` more sends fit under `limit`; 0 when they fit now. */
function waitBeforeRoom(
  recent: readonly number[],
  count: number,
  limit: number,
  now: number,
  windowMs = WINDOW_MS,
): number {
  if (recent.length + count <= limit || recent.length === 0) return 0;
  const mustExpire = Math.min(recent.length, recent.length + count - limit);
  const lastToExpire = recent[mustExpire - 1] ?? now;
  return Math.max(1, lastToExpire + windowMs - now);
}
