import { DelayedError, type Job, type Queue, RateLimitError, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../db/client.js';
import type { DeliveryMetrics } from '../features/delivery/delivery.metrics.js';
import { renderNotification } from '../features/delivery/notification-content.js';
import {
  createNotificationsRepository,
  type Notification,
} from '../features/delivery/notifications.repository.js';
import { rerouteAfterUnreachable } from '../features/routing/routing.usecases.js';
import type { I18n } from '../i18n.js';
import type { Logger } from '../logger.js';
import { deliveryJob, deliveryJobSchema } from '../queue/jobs.js';
import { queueNames } from '../queue/names.js';
import type { SendSlots } from '../telegram/send-slots.js';
import type { TelegramSender } from '../telegram/telegram-sender.js';

/** After this many failed sends (5xx, network) a notification is given up as `failed`. */
export const MAX_SEND_ATTEMPTS = 8;

/** Sends one worker process runs at once (and so the most it can have in flight when it dies). */
export const DELIVERY_CONCURRENCY = 10;

/** How long a job may wait in hand for room in the global window before it is put back. */
const MAX_IN_JOB_WAIT_MS = 3000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function retryDelayMs(attempts: number): number {
  const base = Math.min(60_000, 1000 * 2 ** Math.max(0, attempts - 1));
  return base + Math.floor(Math.random() * 250);
}

export interface DeliveryDeps {
  db: Db;
  i18n: I18n;
  timeZone: string;
  sender: TelegramSender;
  slots: SendSlots;
  deliveryQueue: Queue;
  metrics: DeliveryMetrics;
  logger: Logger;
}

/**
 * Sends one notification. Reads its state from PostgreSQL first, so a job that runs again (reconciler,
 * stalled job, Redis wiped) for a notification already `sent` does nothing. Between the send and the
 * `sent` mark nothing else happens; a crash exactly there is the one way a message can go out twice.
 */
export function createDeliveryProcessor(deps: DeliveryDeps) {
  const notifications = createNotificationsRepository({ db: deps.db });

  async function delay(job: Job, token: string | undefined, waitMs: number): Promise<never> {
    await job.moveToDelayed(Date.now() + waitMs, token);
    throw new DelayedError();
  }

  async function handleBlocked(notification: Notification, reason: string) {
    const rerouted = await deps.db.transaction(async (tx) => {
      const repository = createNotificationsRepository({ db: tx });
      const marked = await repository.markUnreachable(notification.id, reason);
      if (!marked) return [];
      if (marked.recipientMemberId !== null) await repository.flagMemberBlocked(marked.recipientMemberId);
      if (marked.recipientStaffId === null) return [];
      await repository.flagStaffBlocked(marked.recipientStaffId);
      return rerouteAfterUnreachable(tx, {
        notificationId: marked.id,
        kind: marked.kind,
        requestId: marked.requestId,
        staffId: marked.recipientStaffId,
      });
    });
    deps.metrics.notificationsFailed.inc({ reason: 'unreachable' });
    deps.logger.warn(
      { notificationId: notification.id, kind: notification.kind, produced: rerouted.length },
      'recipient blocked the bot; notification unreachable',
    );
    if (rerouted.length > 0) await deps.deliveryQueue.addBulk(rerouted.map(deliveryJob));
  }

  return async (job: Job, token?: string) => {
    const { notificationId } = deliveryJobSchema.parse(job.data);
    const notification = await notifications.find(notificationId);
    if (notification?.status !== 'pending') return 'nothing to do';
    const content = await renderNotification(deps, notification);
    if (!content) {
      await notifications.markFailed(notificationId, `cannot render notification kind ${notification.kind}`);
      deps.metrics.notificationsFailed.inc({ reason: 'unrenderable' });
      throw new UnrecoverableError('notification cannot be rendered');
    }

    let slot = await deps.slots.acquire(notification.chatId);
    // The global window frees up within a second: wait for it in the job rather than bouncing the job
    // through Redis, which would only burn job starts. A long wait hands the job back instead.
    for (let waited = 0; slot.kind === 'global_full' && waited < MAX_IN_JOB_WAIT_MS; ) {
      await sleep(slot.waitMs);
      waited += slot.waitMs;
      slot = await deps.slots.acquire(notification.chatId);
    }
    // A chat held for a send in flight frees up when that send ends, usually long before the hold runs
    // out: look again after one gap rather than sleeping through the whole hold.
    if (slot.kind === 'chat_busy')
      return delay(job, token, Math.min(slot.waitMs, deps.slots.limits.perChatGapMs));
    if (slot.kind === 'global_full') {
      await deps.deliveryQueue.rateLimit(slot.waitMs);
      throw new RateLimitError();
    }

    const outcome = await deps.sender.sendText(notification.chatId, content.text);
    await deps.slots
      .release(notification.chatId, outcome.kind === 'flood' ? outcome.retryAfterMs : undefined)
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not release a chat slot'));

    switch (outcome.kind) {
      case 'sent':
        await notifications.markSent(notificationId, outcome.messageId);
        deps.metrics.notificationsSent.inc({ kind: notification.kind });
        return 'sent';
      case 'flood':
        // Honour retry_after: this chat is closed until then (release above), and so is the whole queue,
        // since Telegram does not say whether the chat or the bot hit the limit.
        deps.metrics.telegramTooManyRequests.inc();
        await notifications.recordWait(notificationId, outcome.reason);
        await deps.deliveryQueue.rateLimit(outcome.retryAfterMs);
        throw new RateLimitError();
      case 'blocked':
        await handleBlocked(notification, outcome.reason);
        return 'unreachable';
      case 'rejected':
        await notifications.markFailed(notificationId, outcome.reason);
        deps.metrics.notificationsFailed.inc({ reason: 'rejected' });
        deps.logger.warn({ notificationId, reason: outcome.reason }, 'Telegram refused a notification');
        return 'failed';
      case 'transient': {
        const attempts =
          (await notifications.recordRetry(notificationId, outcome.reason)) ?? MAX_SEND_ATTEMPTS;
        if (attempts >= MAX_SEND_ATTEMPTS) {
          await notifications.markFailed(
            notificationId,
            `gave up after ${attempts} attempts: ${outcome.reason}`,
          );
          deps.metrics.notificationsFailed.inc({ reason: 'gave_up' });
          return 'failed';
        }
        deps.metrics.telegramRetries.inc();
        return delay(job, token, retryDelayMs(attempts));
      }
    }
  };
}

export function startDeliveryWorker(
  deps: DeliveryDeps & { connection: Redis; prefix: string; concurrency?: number },
) {
  const worker = new Worker(queueNames.delivery, createDeliveryProcessor(deps), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: deps.concurrency ?? DELIVERY_CONCURRENCY,
    // A coarse bound on job starts; the exact limits are the Redis slots. Also what makes rateLimit() work.
    limiter: { max: deps.slots.limits.globalPerWindow, duration: 1000 },
    // A worker killed mid-job: its jobs come back within seconds rather than the default 30 s.
    lockDuration: 10_000,
    stalledInterval: 5_000,
  });
  worker.on('error', (error) => deps.logger.error({ err: error }, 'delivery worker error'));
  worker.on('failed', (job, error) =>
    deps.logger.warn({ err: error, jobId: job?.id }, 'delivery job failed'),
  );
  return worker;
}
