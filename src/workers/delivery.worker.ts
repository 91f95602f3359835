import { randomUUID } from 'node:crypto';
import { DelayedError, type Job, type Queue, RateLimitError, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db, DbOrTx } from '../db/client.js';
import type { DatabaseWatch } from '../db/database-outage.js';
import type { DeliveryMetrics } from '../features/delivery/delivery.metrics.js';
import type {
  NotificationContent,
  NotificationRegistry,
} from '../features/delivery/notification-registry.js';
import {
  createNotificationsRepository,
  type Notification,
  sentStepsOf,
  withdrawnReason,
} from '../features/delivery/notifications.repository.js';
import { rerouteAfterUnreachable } from '../features/routing/routing.usecases.js';
import type { I18n } from '../i18n.js';
import type { Logger } from '../logger.js';
import { deliveryJob, deliveryJobSchema } from '../queue/jobs.js';
import { queueNames } from '../queue/names.js';
import type { SendSlots } from '../telegram/send-slots.js';
import { planSteps, type TelegramSender } from '../telegram/telegram-sender.js';
import { withDatabaseWait } from './wait-for-database.js';

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
  /** Every feature's notification kinds and renderers, registered when the app is composed. */
  notifications: NotificationRegistry;
  sender: TelegramSender;
  slots: SendSlots;
  deliveryQueue: Queue;
  metrics: DeliveryMetrics;
  logger: Logger;
}

/**
 * Sends one notification. Reads its state from PostgreSQL first, so a job that runs again (reconciler,
 * stalled job, Redis wiped) for a notification already `sent` does nothing. Between the send and the
 * `sent` mark nothing else happens; a crash exactly there is the one way a message can go out twice. A
 * message made of several Bot API calls (a long text in parts, a label before a copy) sends one call per
 * job run and send slot, recording each before the next, so the same bound holds per call.
 */
export function createDeliveryProcessor(deps: DeliveryDeps) {
  const notifications = createNotificationsRepository({ db: deps.db });

  async function delay(job: Job, token: string | undefined, waitMs: number): Promise<never> {
    await job.moveToDelayed(Date.now() + waitMs, token);
    throw new DelayedError();
  }

  /** Flags the recipient and, for a request card, routes it on — in the sending transaction. */
  async function markBlocked(
    tx: DbOrTx,
    notification: Notification,
    reason: string,
    content?: NotificationContent,
  ) {
    const repository = createNotificationsRepository({ db: tx });
    const marked = await repository.markUnreachable(notification.id, reason);
    if (!marked) return [];
    // A relayed message that did not arrive: its sender is told (relay.content.ts).
    const told = content?.onUnreachable ? await content.onUnreachable(tx) : [];
    if (marked.recipientMemberId !== null) await repository.flagMemberBlocked(marked.recipientMemberId);
    if (marked.recipientStaffId === null) return told;
    await repository.flagStaffBlocked(marked.recipientStaffId);
    const rerouted = await rerouteAfterUnreachable(tx, {
      notificationId: marked.id,
      kind: marked.kind,
      requestId: marked.requestId,
      staffId: marked.recipientStaffId,
    });
    return [...told, ...rerouted];
  }

  /**
   * Claims the notification row (FOR UPDATE SKIP LOCKED), takes a send slot, sends and records the outcome
   * in one transaction. PostgreSQL, not Redis, decides who sends: a second job for the same notification
   * (Redis wiped while this one was sending, or a job BullMQ thought stalled) finds the row locked and
   * comes back later, by when it is `sent`.
   */
  async function sendClaimed(notification: Notification, content: NotificationContent) {
    const steps = content.outgoing ? planSteps(content.outgoing) : undefined;
    return deps.db.transaction(async (tx) => {
      const repository = createNotificationsRepository({ db: tx });
      const claimed = await repository.claimPending(notification.id);
      if (!claimed) return { step: 'not_ours' } as const;
      if (content.stillWanted && !(await content.stillWanted(tx))) {
        await repository.markFailed(notification.id, withdrawnReason);
        return { step: 'withdrawn' } as const;
      }
      // A message of several steps goes one step per send slot; the steps already sent are read under the
      // lock, so a second job for it never repeats one.
      const done = sentStepsOf(claimed.payload);
      const planned = steps?.[done.length];
      if (steps && !planned) return finish(tx, notification, content, done, []);

      const sendClass = deps.notifications.sendClassOf(notification.kind);
      const waiter = randomUUID();
      let slot = await deps.slots.acquire(notification.chatId, sendClass, waiter);
      // The global window frees up within a second: wait for it in the job rather than bouncing the job
      // through Redis, which would only burn job starts. A long wait hands the job back instead.
      for (let waited = 0; slot.kind === 'global_full' && waited < MAX_IN_JOB_WAIT_MS; ) {
        await sleep(slot.waitMs);
        waited += slot.waitMs;
        slot = await deps.slots.acquire(notification.chatId, sendClass, waiter);
      }
      if (slot.kind !== 'granted') return { step: 'wait', slot } as const;

      const outcome = planned
        ? deps.sender.sendStep
          ? await deps.sender.sendStep(notification.chatId, planned.step)
          : ({ kind: 'rejected', reason: 'this sender cannot send this message' } as const)
        : await deps.sender.sendText(
            notification.chatId,
            content.text,
            content.replyMarkup ? { replyMarkup: content.replyMarkup } : {},
          );
      await deps.slots
        .release(notification.chatId, outcome.kind === 'flood' ? outcome.retryAfterMs : undefined)
        .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not release a chat slot'));
      switch (outcome.kind) {
        case 'sent': {
          const made = outcome.messageIds ?? [outcome.messageId];
          const own = planned && !planned.counts ? [] : made;
          if (steps && done.length < steps.length - 1) {
            // Recorded in the step that learns the message ids; the next step takes a slot of its own.
            // A heading's ids are kept apart: a reply threads on the copy, but an erasure takes both back.
            await repository.recordStep(notification.id, own, own.length === 0 ? made : []);
            return { step: 'partial' } as const;
          }
          return finish(tx, notification, content, done, own.length > 0 ? own : made);
        }
        case 'flood':
          await repository.recordWait(notification.id, outcome.reason);
          return { step: 'flood', retryAfterMs: outcome.retryAfterMs } as const;
        case 'blocked':
          return {
            step: 'blocked',
            produced: await markBlocked(tx, notification, outcome.reason, content),
          } as const;
        case 'rejected':
          await repository.markFailed(notification.id, outcome.reason);
          return { step: 'rejected', reason: outcome.reason } as const;
        case 'transient': {
          const attempts =
            (await repository.recordRetry(notification.id, outcome.reason)) ?? MAX_SEND_ATTEMPTS;
          if (attempts < MAX_SEND_ATTEMPTS) return { step: 'retry', attempts } as const;
          await repository.markFailed(
            notification.id,
            `gave up after ${attempts} attempts: ${outcome.reason}`,
          );
          return { step: 'gave_up' } as const;
        }
      }
    });
  }

  /**
   * The last step went out: the notification is `sent` with the id of its first own message, and what must
   * follow it (a relayed copy's ids on its messages row, a card's attachments) is written in the same
   * commit. Only a crash before this commit can make the last step go out again.
   */
  async function finish(
    tx: DbOrTx,
    notification: Notification,
    content: NotificationContent,
    done: number[][],
    last: number[],
  ) {
    const repository = createNotificationsRepository({ db: tx });
    const ids = [...done.flat(), ...last];
    const first = ids[0];
    if (first === undefined) {
      await repository.markFailed(notification.id, 'nothing was sent');
      return { step: 'rejected', reason: 'nothing was sent' } as const;
    }
    // A message of several steps keeps every step's ids: a reply to any of its parts finds it.
    if (done.length > 0) await repository.recordStep(notification.id, last);
    await repository.markSent(notification.id, first);
    if (content.afterSent) await content.afterSent(tx, ids);
    const produced = content.followUps ? await content.followUps(tx, ids) : [];
    return { step: 'sent', produced } as const;
  }

  return async (job: Job, token?: string) => {
    const { notificationId } = deliveryJobSchema.parse(job.data);
    const notification = await notifications.find(notificationId);
    if (notification?.status !== 'pending') return 'nothing to do';
    const content = await deps.notifications.render(deps, notification);
    if (!content) {
      await notifications.markFailed(notificationId, `cannot render notification kind ${notification.kind}`);
      deps.metrics.notificationsFailed.inc({ reason: 'unrenderable' });
      throw new UnrecoverableError('notification cannot be rendered');
    }
    // An album waits a moment for its last items to arrive, then goes as one.
    const settleMs = content.notBefore ? content.notBefore.getTime() - Date.now() : 0;
    if (settleMs > 0) return delay(job, token, settleMs);

    const result = await sendClaimed(notification, content);
    switch (result.step) {
      case 'not_ours':
        // Being sent by another job right now, or finished meanwhile: look again in a moment.
        return delay(job, token, deps.slots.limits.perChatGapMs);
      case 'wait':
        if (result.slot.kind === 'chat_busy') {
          // A chat held for a send in flight frees up when that send ends, usually long before the hold
          // runs out: look again after one gap rather than sleeping through the whole hold.
          return delay(job, token, Math.min(result.slot.waitMs, deps.slots.limits.perChatGapMs));
        }
        await deps.deliveryQueue.rateLimit(result.slot.waitMs);
        throw new RateLimitError();
      case 'partial':
        // The chat's slot is held for the gap after this send: the next step comes after it.
        return delay(job, token, deps.slots.limits.perChatGapMs);
      case 'sent':
        deps.metrics.notificationsSent.inc({ kind: notification.kind });
        // What had to follow this message (its attachments): rows committed with the `sent` mark; if this
        // process dies before the add, the reconciler queues them.
        if (result.produced.length > 0) await deps.deliveryQueue.addBulk(result.produced.map(deliveryJob));
        return 'sent';
      case 'flood':
        // Honour retry_after: this chat is closed until then (the slot release), and so is the whole
        // queue, since Telegram does not say whether the chat or the bot hit the limit.
        deps.metrics.telegramTooManyRequests.inc();
        await deps.deliveryQueue.rateLimit(result.retryAfterMs);
        throw new RateLimitError();
      case 'blocked':
        deps.metrics.notificationsFailed.inc({ reason: 'unreachable' });
        deps.logger.warn(
          { notificationId, kind: notification.kind, produced: result.produced.length },
          'recipient blocked the bot; notification unreachable',
        );
        if (result.produced.length > 0) await deps.deliveryQueue.addBulk(result.produced.map(deliveryJob));
        return 'unreachable';
      case 'withdrawn':
        deps.metrics.notificationsFailed.inc({ reason: 'withdrawn' });
        deps.logger.info({ notificationId, kind: notification.kind }, 'notification withdrawn unsent');
        return 'withdrawn';
      case 'rejected':
        deps.metrics.notificationsFailed.inc({ reason: 'rejected' });
        deps.logger.warn({ notificationId, reason: result.reason }, 'Telegram refused a notification');
        return 'failed';
      case 'gave_up':
        deps.metrics.notificationsFailed.inc({ reason: 'gave_up' });
        return 'failed';
      case 'retry':
        deps.metrics.telegramRetries.inc();
        return delay(job, token, retryDelayMs(result.attempts));
    }
  };
}

export function startDeliveryWorker(
  deps: DeliveryDeps & {
    connection: Redis;
    prefix: string;
    concurrency?: number;
    /** Jobs that meet a PostgreSQL outage wait for it to answer (wait-for-database.ts). */
    database?: DatabaseWatch;
  },
) {
  const worker = new Worker(
    queueNames.delivery,
    withDatabaseWait(createDeliveryProcessor(deps), deps.database),
    {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: deps.concurrency ?? DELIVERY_CONCURRENCY,
      // The exact limits are the Redis slots. This limiter is what makes rateLimit() work and only a loose
      // bound on job starts: a job that finds its chat busy is put back and starts again, and if starts were
      // capped at Telegram's 30/s those would take starts from sendable jobs (about 24 sends/s measured).
      limiter: { max: deps.slots.limits.globalPerWindow * 10, duration: 1000 },
      // A worker killed mid-job: its jobs come back within seconds rather than the default 30 s.
      lockDuration: 10_000,
      stalledInterval: 5_000,
    },
  );
  worker.on('error', (error) => deps.logger.error({ err: error }, 'delivery worker error'));
  worker.on('failed', (job, error) =>
    deps.logger.warn({ err: error, jobId: job?.id }, 'delivery job failed'),
  );
  return worker;
}
