/**
 * Where updates wait for the bot: handed out by long-polling getUpdates, or pushed to a webhook one at a
 * time per chat, retried with backoff while the webhook fails (like Telegram) and given up after a while.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Update, WebhookInfo } from 'grammy/types';
import { TelegramApiError } from './errors.js';
import { isRecord } from './params.js';
import type { RawUpdate, WebhookAnswer, WebhookFailure } from './types.js';
import { unixTime } from './world.js';

export type UpdateKind = Exclude<keyof Update, 'update_id'>;

export interface WebhookSettings {
  url: string;
  secretToken?: string;
  maxConnections: number;
}

export interface PollRequest {
  offset?: number;
  limit?: number;
  /** Seconds to hold the request open while there is nothing to return. */
  timeout?: number;
  allowedUpdates?: UpdateKind[];
}

/** Updates Telegram does not send unless a bot asks for them in allowed_updates. */
const OPT_IN_UPDATE_KINDS: ReadonlySet<string> = new Set([
  'chat_member',
  'message_reaction',
  'message_reaction_count',
]);

const RETRY_FIRST_DELAY_MS = 100;
const RETRY_MAX_DELAY_MS = 2000;

interface QueuedUpdate {
  update: Update;
  /** Returned by getUpdates at least once, so a greater offset confirms it. */
  handedOut: boolean;
  inFlight: boolean;
}

interface PendingPoll {
  limit: number;
  finish(outcome: Update[] | TelegramApiError): void;
}

type WebhookReplyHandler = (method: string, params: Record<string, unknown>) => Promise<void>;

export class UpdateHub {
  private nextUpdateId: number;
  private queue: QueuedUpdate[] = [];
  /** Every update ever enqueued, so tests can look one up and deliver it again. */
  private history: Update[] = [];
  private poll: PendingPoll | undefined;
  private webhook: WebhookSettings | undefined;
  private allowedUpdates: UpdateKind[] | undefined;
  private readonly deliveries = new Map<QueuedUpdate, AbortController>();
  private readonly busyChats = new Set<string>();
  private lastError: { date: number; message: string } | undefined;
  private deliveredCount = 0;
  private failures: WebhookFailure[] = [];
  private closed = false;

  constructor(
    private readonly giveUpMs: number,
    /** Runs a method call a webhook answered with (Telegram's "reply to webhook" feature). */
    private readonly onWebhookReply: WebhookReplyHandler,
    firstUpdateId = 1,
    private readonly onWebhookAnswered?: (answer: WebhookAnswer) => void,
  ) {
    this.nextUpdateId = firstUpdateId;
  }

  /** Queues an update and returns its id; a given update_id is kept, so tests can repeat an update. */
  enqueue(raw: RawUpdate): number {
    const updateId = raw.update_id ?? this.nextUpdateId;
    this.nextUpdateId = Math.max(this.nextUpdateId, updateId + 1);
    const { update_id: _ignored, ...body } = raw;
    const update = { update_id: updateId, ...body } as Update;
    this.history.push(update);
    if (!this.isAllowed(update)) return updateId; // Telegram never stores updates the bot opted out of
    this.queue.push({ update, handedOut: false, inFlight: false });
    this.answerPendingPoll();
    this.pump();
    return updateId;
  }

  getUpdates(request: PollRequest, signal?: AbortSignal): Promise<Update[]> {
    if (this.webhook) {
      throw new TelegramApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    if (request.allowedUpdates && request.allowedUpdates.length > 0) {
      this.allowedUpdates = request.allowedUpdates;
    }
    this.confirm(request.offset ?? 0);
    this.poll?.finish(
      new TelegramApiError(
        409,
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      ),
    );
    const limit = Math.min(100, Math.max(1, request.limit ?? 100));
    const ready = this.takeForPolling(limit);
    const timeoutMs = Math.max(0, request.timeout ?? 0) * 1000;
    if (ready.length > 0 || timeoutMs === 0 || this.closed || signal?.aborted) return Promise.resolve(ready);
    return new Promise<Update[]>((resolve, reject) => {
      const poll: PendingPoll = {
        limit,
        finish: (outcome) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if (this.poll === poll) this.poll = undefined;
          if (outcome instanceof TelegramApiError) reject(outcome);
          else resolve(outcome);
        },
      };
      const onAbort = (): void => poll.finish([]);
      const timer = setTimeout(() => poll.finish([]), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.poll = poll;
    });
  }

  setWebhook(
    settings: WebhookSettings,
    allowedUpdates: UpdateKind[] | undefined,
    dropPending: boolean,
  ): void {
    this.abortDeliveries();
    if (dropPending) this.queue = [];
    this.webhook = settings;
    if (allowedUpdates && allowedUpdates.length > 0) this.allowedUpdates = allowedUpdates;
    this.lastError = undefined;
    this.poll?.finish(
      new TelegramApiError(
        409,
        'Conflict: terminated by setWebhook request; getUpdates is no longer available',
      ),
    );
    this.pump();
  }

  /** Returns whether a webhook was set. */
  deleteWebhook(dropPending: boolean): boolean {
    const hadWebhook = this.webhook !== undefined;
    this.abortDeliveries();
    this.webhook = undefined;
    this.lastError = undefined;
    if (dropPending) this.queue = [];
    return hadWebhook;
  }

  webhookInfo(): WebhookInfo {
    return {
      url: this.webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: this.queue.length,
      ...(this.webhook ? { max_connections: this.webhook.maxConnections, ip_address: '127.0.0.1' } : {}),
      ...(this.lastError
        ? { last_error_date: this.lastError.date, last_error_message: this.lastError.message }
        : {}),
      ...(this.allowedUpdates ? { allowed_updates: [...this.allowedUpdates] } : {}),
    };
  }

  stats(): { pendingUpdates: number; webhook: { delivered: number; failures: WebhookFailure[] } } {
    return {
      pendingUpdates: this.queue.length,
      webhook: { delivered: this.deliveredCount, failures: structuredClone(this.failures) },
    };
  }

  injectedUpdates(): Update[] {
    return structuredClone(this.history);
  }

  /** Forgets queued updates, the webhook and delivery records; a waiting getUpdates keeps waiting. */
  reset(): void {
    this.abortDeliveries();
    this.queue = [];
    this.history = [];
    this.webhook = undefined;
    this.allowedUpdates = undefined;
    this.lastError = undefined;
    this.deliveredCount = 0;
    this.failures = [];
  }

  /** Accepts deliveries again after close() (the emulator restarted). */
  reopen(): void {
    this.closed = false;
    this.pump();
  }

  close(): void {
    this.closed = true;
    this.abortDeliveries();
    this.poll?.finish([]);
  }

  // --- polling ---

  private isAllowed(update: Update): boolean {
    const kind = updateKind(update);
    if (kind === undefined) return true;
    return this.allowedUpdates ? this.allowedUpdates.includes(kind) : !OPT_IN_UPDATE_KINDS.has(kind);
  }

  /**
   * Telegram forgets updates once getUpdates is called with a greater offset. Only updates already handed
   * out are forgotten here, so an update re-injected with an old update_id still reaches the bot.
   */
  private confirm(offset: number): void {
    if (offset < 0) {
      this.queue = this.queue.slice(offset);
      return;
    }
    if (offset === 0) return;
    this.queue = this.queue.filter((item) => !(item.handedOut && item.update.update_id < offset));
  }

  private takeForPolling(limit: number): Update[] {
    const taken = this.queue.slice(0, limit);
    for (const item of taken) item.handedOut = true;
    return taken.map((item) => item.update);
  }

  private answerPendingPoll(): void {
    if (!this.poll) return;
    const ready = this.takeForPolling(this.poll.limit);
    if (ready.length > 0) this.poll.finish(ready);
  }

  // --- webhook ---

  /** Starts deliveries: the oldest queued update of each chat that has none in flight. */
  private pump(): void {
    const webhook = this.webhook;
    if (!webhook || this.closed) return;
    for (const item of this.queue) {
      if (this.deliveries.size >= webhook.maxConnections) return;
      const chatKey = chatKeyOf(item.update);
      if (item.inFlight || this.busyChats.has(chatKey)) continue;
      this.busyChats.add(chatKey);
      void this.deliver(item, chatKey, webhook);
    }
  }

  private async deliver(item: QueuedUpdate, chatKey: string, webhook: WebhookSettings): Promise<void> {
    const controller = new AbortController();
    item.inFlight = true;
    this.deliveries.set(item, controller);
    const deadline = Date.now() + this.giveUpMs;
    let attempts = 0;
    let outcome: 'delivered' | 'given_up' | 'aborted' = 'aborted';
    let lastError = '';
    try {
      for (;;) {
        attempts += 1;
        const error = await this.post(item.update, webhook, controller.signal, deadline);
        if (controller.signal.aborted) break;
        if (error === undefined) {
          outcome = 'delivered';
          break;
        }
        lastError = error;
        this.lastError = { date: unixTime(), message: error };
        const delay = Math.min(RETRY_MAX_DELAY_MS, RETRY_FIRST_DELAY_MS * 2 ** (attempts - 1));
        if (Date.now() + delay >= deadline) {
          outcome = 'given_up';
          break;
        }
        await sleep(delay, undefined, { signal: controller.signal }).catch(() => undefined);
        if (controller.signal.aborted) break;
      }
    } finally {
      item.inFlight = false;
      this.deliveries.delete(item);
      this.busyChats.delete(chatKey);
    }
    if (outcome !== 'aborted') {
      this.queue = this.queue.filter((queued) => queued !== item);
      if (outcome === 'delivered') this.deliveredCount += 1;
      else
        this.failures.push({
          update_id: item.update.update_id,
          url: webhook.url,
          attempts,
          last_error: lastError,
        });
    }
    this.pump();
  }

  /** POSTs one update; returns why it failed, or undefined on a 2xx answer. */
  private async post(
    update: Update,
    webhook: WebhookSettings,
    cancel: AbortSignal,
    deadline: number,
  ): Promise<string | undefined> {
    const startedAt = performance.now();
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(webhook.secretToken ? { 'x-telegram-bot-api-secret-token': webhook.secretToken } : {}),
        },
        body: JSON.stringify(update),
        signal: AbortSignal.any([cancel, AbortSignal.timeout(Math.max(1000, deadline - Date.now()))]),
      });
      const body = await response.text();
      this.onWebhookAnswered?.({
        update_id: update.update_id,
        ms: performance.now() - startedAt,
        ok: response.ok,
      });
      if (!response.ok) return `Wrong response from the webhook: ${response.status} ${response.statusText}`;
      await this.runWebhookReply(body);
      return undefined;
    } catch (error) {
      if (cancel.aborted) return 'delivery cancelled';
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
      return `Connection failed: ${cause ?? (error instanceof Error ? error.message : String(error))}`;
    }
  }

  private async runWebhookReply(body: string): Promise<void> {
    if (!body.trim().startsWith('{')) return;
    let reply: unknown;
    try {
      reply = JSON.parse(body);
    } catch {
      return;
    }
    if (!isRecord(reply) || typeof reply.method !== 'string') return;
    const { method, ...params } = reply;
    // Like Telegram, the outcome of a webhook reply is not reported to anyone.
    await this.onWebhookReply(method, params).catch(() => undefined);
  }

  private abortDeliveries(): void {
    for (const controller of this.deliveries.values()) controller.abort();
  }
}

export function updateKind(update: Update | RawUpdate): UpdateKind | undefined {
  return Object.keys(update).find((key): key is UpdateKind => key !== 'update_id');
}

/** Updates of one chat are delivered in order; different chats in parallel. */
function chatKeyOf(update: Update): string {
  const kind = updateKind(update);
  const payload: unknown = kind ? update[kind] : undefined;
  if (!isRecord(payload)) return 'global';
  const idOf = (value: unknown): unknown => (isRecord(value) ? value.id : undefined);
  const id =
    idOf(payload.chat) ??
    (isRecord(payload.message) ? idOf(payload.message.chat) : undefined) ??
    idOf(payload.from);
  return id === undefined ? 'global' : String(id);
}
