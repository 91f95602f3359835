import { randomUUID } from 'node:crypto';
import type { Db, DbOrTx } from '../db/client.js';
import {
  createNotificationsRepository,
  type Notification,
  type NotificationContent,
  type NotificationRegistry,
  retractionKind,
  sentStepsOf,
} from '../features/delivery/index.js';
import { rerouteAfterUnreachable } from '../features/routing/index.js';
import type { Logger } from '../logger.js';
import type { SendSlots, SlotDecision } from '../telegram/send-slots.js';
import {
  type PlannedStep,
  planSteps,
  type SendOutcome,
  type TelegramSender,
} from '../telegram/telegram-sender.js';

/** After this many failed sends (5xx, network) a notification is given up as `failed`. */
export const MAX_SEND_ATTEMPTS = 8;

/** How long a send may wait in hand for room in the global window before its chat is put back. */
const MAX_IN_HAND_WAIT_MS = 3000;

/**
 * A chat's turn is taken a little before its gap ends, so that reading and rendering overlap the gap: a
 * wait this short for the chat's own slot is waited out in hand rather than putting the chat back.
 */
const MAX_CHAT_WAIT_IN_HAND_MS = 400;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SendDeps {
  db: Db;
  notifications: NotificationRegistry;
  sender: TelegramSender;
  slots: SendSlots;
  logger: Logger;
}

/** What one turn of a notification came to (see sendClaimed). */
export type SendResult =
  | { step: 'not_ours' }
  /** No longer pending (sent, or given up): it only leaves its lane. */
  | { step: 'gone' }
  /** Nothing to send for its kind: recorded as failed. */
  | { step: 'unrenderable' }
  /** Not to go before its `notBefore` (an album's last items): its chat waits with it. */
  | { step: 'settling'; waitMs: number }
  | { step: 'withdrawn' }
  | { step: 'wait'; slot: Exclude<SlotDecision, { kind: 'granted' }> }
  | { step: 'partial' }
  | { step: 'sent'; produced: number[] }
  | { step: 'flood'; retryAfterMs: number }
  | { step: 'blocked'; produced: number[] }
  | { step: 'rejected'; reason: string }
  | { step: 'retry'; attempts: number }
  | { step: 'gave_up' };

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
): Promise<SendResult> {
  const repository = createNotificationsRepository({ db: tx });
  const ids = [...done.flat(), ...last];
  const first = ids[0];
  if (first === undefined) {
    await repository.markFailed(notification.id, 'nothing was sent');
    return { step: 'rejected', reason: 'nothing was sent' };
  }
  // One after another: concurrent statements in one transaction saved a round trip but no CPU the backlog
  // bench could see, and a dropped connection may leave one of them unsettled (postgres.js #1186; not
  // reproduced here).
  // A message of several steps keeps every step's ids: a reply to any of its parts finds it.
  if (done.length > 0) await repository.recordStep(notification.id, last);
  await repository.markSent(notification.id, first, new Date(), content.sentWith?.(ids));
  if (content.afterSent) await content.afterSent(tx, ids);
  const produced = content.followUps ? await content.followUps(tx, ids) : [];
  return { step: 'sent', produced };
}

/** Records what Telegram answered, in the sending transaction. */
async function record(
  tx: DbOrTx,
  notification: Notification,
  content: NotificationContent,
  outcome: SendOutcome,
  plan: { steps: PlannedStep[] | undefined; done: number[][]; planned: PlannedStep | undefined },
): Promise<SendResult> {
  const repository = createNotificationsRepository({ db: tx });
  switch (outcome.kind) {
    case 'sent': {
      const { steps, done, planned } = plan;
      const made = outcome.messageIds ?? [outcome.messageId];
      const own = planned && !planned.counts ? [] : made;
      if (steps && done.length < steps.length - 1) {
        // Recorded in the step that learns the message ids; the next step takes a slot of its own.
        // A heading's ids are kept apart: a reply threads on the copy, but an erasure takes both back.
        await repository.recordStep(notification.id, own, own.length === 0 ? made : []);
        return { step: 'partial' };
      }
      return finish(tx, notification, content, done, own.length > 0 ? own : made);
    }
    case 'flood':
      await repository.recordWait(notification.id, outcome.reason);
      return { step: 'flood', retryAfterMs: outcome.retryAfterMs };
    case 'blocked':
      return { step: 'blocked', produced: await markBlocked(tx, notification, outcome.reason, content) };
    case 'rejected':
      await repository.markFailed(notification.id, outcome.reason);
      return { step: 'rejected', reason: outcome.reason };
    case 'transient': {
      const attempts = (await repository.recordRetry(notification.id, outcome.reason)) ?? MAX_SEND_ATTEMPTS;
      if (await givenUp(repository, notification.id, attempts, outcome.reason)) return { step: 'gave_up' };
      return { step: 'retry', attempts };
    }
  }
}

/**
 * After a failed attempt (already counted: `attempts`): whether the notification is given up, marked
 * `failed` with the reason, because it has had MAX_SEND_ATTEMPTS. A send that failed and a send whose
 * recording failed (delivery.worker.ts) count alike.
 */
export async function givenUp(
  repository: Pick<ReturnType<typeof createNotificationsRepository>, 'giveUp'>,
  notificationId: number,
  attempts: number,
  reason: string,
): Promise<boolean> {
  if (attempts < MAX_SEND_ATTEMPTS) return false;
  await repository.giveUp(notificationId, `gave up after ${attempts} attempts: ${reason}`);
  return true;
}

/** A send slot for the chat, waited for in hand when it comes soon (the window, a chat's short gap). */
async function takeSlot(deps: SendDeps, chatId: number, kind: string) {
  const sendClass = deps.notifications.sendClassOf(kind);
  const waiter = randomUUID();
  let slot = await deps.slots.acquire(chatId, sendClass, waiter);
  // The global window frees up within a second, and a chat taken early within its gap: wait for them in
  // hand rather than putting the chat back.
  const short = (decision: SlotDecision): decision is Exclude<SlotDecision, { kind: 'granted' }> =>
    decision.kind === 'global_full' ||
    (decision.kind === 'chat_busy' && decision.waitMs <= MAX_CHAT_WAIT_IN_HAND_MS);
  for (let waited = 0; short(slot) && waited < MAX_IN_HAND_WAIT_MS; ) {
    await sleep(slot.waitMs);
    waited += slot.waitMs;
    slot = await deps.slots.acquire(chatId, sendClass, waiter);
  }
  // A slot granted a moment ahead: the send goes when it comes, not before.
  if (slot.kind === 'granted' && slot.afterMs) await sleep(slot.afterMs);
  return slot;
}

/** The notification's next Bot API call: its planned step, or its plain text. */
async function sendStepOf(
  deps: SendDeps,
  chatId: number,
  content: NotificationContent,
  planned: PlannedStep | undefined,
) {
  if (!planned) {
    return deps.sender.sendText(
      chatId,
      content.text,
      content.replyMarkup ? { replyMarkup: content.replyMarkup } : {},
    );
  }
  if (!deps.sender.sendStep)
    return { kind: 'rejected', reason: 'this sender cannot send this message' } as const;
  return deps.sender.sendStep(chatId, planned.step);
}

/**
 * Sends one notification's next step: claims the row (FOR UPDATE SKIP LOCKED), takes a send slot right
 * before the HTTP call, sends and records the outcome in one transaction. PostgreSQL, not Redis, decides who
 * sends: a second sender of the same notification (Redis wiped while this one was sending, a lane lease
 * that ran out) finds the row locked and comes back later, by when it is `sent`. Between the send and the
 * `sent` mark nothing else happens; a crash exactly there is the one way a message can go out twice. A
 * message made of several Bot API calls (a long text in parts, a label before a copy) sends one call per
 * turn and send slot, recording each before the next, so the same bound holds per call.
 */
export function createClaimedSend(deps: SendDeps) {
  const notificationsOnPool = createNotificationsRepository({ db: deps.db });

  /**
   * One turn of the notification: its row is claimed (and read: the claim is the turn's only read of it),
   * its content made by `render`, and its next step sent. `prepared` is called when the turn comes to its
   * send slot (the time a turn takes to get there sets how early the next is taken), `answered` when the
   * Bot API call has returned (from then on a failure may leave a message out but unrecorded), with the id
   * the message went out as when it was the whole message and Telegram took it.
   */
  return async function sendClaimed(
    notificationId: number,
    render: (notification: Notification) => Promise<NotificationContent | undefined>,
    prepared?: () => void,
    answered?: (sentAs?: number) => void,
  ): Promise<SendResult> {
    return deps.db.transaction(async (tx) => {
      const repository = createNotificationsRepository({ db: tx });
      const claimed = await repository.claimPending(notificationId);
      if (!claimed) {
        // Locked by another sender right now (it stays pending until that send ends), or no longer pending.
        const row = await notificationsOnPool.find(notificationId);
        return row?.status === 'pending' ? { step: 'not_ours' } : { step: 'gone' };
      }
      const { notification } = claimed;
      // A staff member deactivated since it was made gets nothing more (a message taking a family's data
      // back from their chat still goes: it shows nothing new).
      if (claimed.toInactiveStaff && notification.kind !== retractionKind) {
        await repository.markWithdrawn(notification.id);
        return { step: 'withdrawn' };
      }
      const content = await render(notification);
      if (!content) {
        await repository.markFailed(notificationId, `cannot render notification kind ${notification.kind}`);
        return { step: 'unrenderable' };
      }
      // An album waits a moment for its last items to arrive, then goes as one; its chat waits with it.
      const settleMs = content.notBefore ? content.notBefore.getTime() - Date.now() : 0;
      if (settleMs > 0) return { step: 'settling', waitMs: settleMs };
      if (content.stillWanted && !(await content.stillWanted(tx))) {
        await repository.markWithdrawn(notification.id);
        return { step: 'withdrawn' };
      }
      // A message of several steps goes one step per send slot; the steps already sent are read under the
      // lock, so a second sender never repeats one.
      const steps = content.outgoing ? planSteps(content.outgoing) : undefined;
      const done = sentStepsOf(notification.payload);
      const planned = steps?.[done.length];
      if (steps && !planned) return finish(tx, notification, content, done, []);

      prepared?.();
      const slot = await takeSlot(deps, notification.chatId, notification.kind);
      if (slot.kind !== 'granted') return { step: 'wait', slot };
      const outcome = await sendStepOf(deps, notification.chatId, content, planned);
      const whole = done.length === 0 && (!steps || steps.length === 1) && (!planned || planned.counts);
      answered?.(
        outcome.kind === 'sent' && whole ? (outcome.messageIds?.[0] ?? outcome.messageId) : undefined,
      );
      await deps.slots
        .release(notification.chatId, outcome.kind === 'flood' ? outcome.retryAfterMs : undefined)
        .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not release a chat slot'));
      return record(tx, notification, content, outcome, { steps, done, planned });
    });
  };
}
