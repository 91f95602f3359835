import { randomUUID } from 'node:crypto';
import type { Db, DbOrTx, Tx } from '../db/client.js';
import { isDatabaseOutage } from '../db/database-outage.js';
import {
  createNotificationsRepository,
  type Notification,
  type NotificationContent,
  type NotificationRegistry,
  retractionKind,
  sentStepsOf,
  type UnrecordedSends,
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
 * The same wait in a batched turn, whose sends are recorded when its last is answered: a message Telegram
 * already shows stays unrecorded no longer than this and the slowest answer; a chat whose slot is further
 * off is put back. (A reply to a message whose recording is late finds it all the same: a send still
 * unrecorded 0.3 s after its answer is noted in Redis, see watchUnrecorded.)
 */
const MAX_BATCH_WAIT_MS = 500;

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
  /** Where a send whose recording is late is noted, so that a reply to it finds it meanwhile. */
  unrecorded?: UnrecordedSends;
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
  // A message of several steps, or an album (one step, several messages), keeps every message's id: a reply
  // to any of its parts finds it, and taking it back (an erasure, a departure) reaches every part.
  if (done.length > 0 || last.length > 1) await repository.recordStep(notification.id, last);
  await repository.markSent(notification.id, first, new Date(), content.sentWith?.(ids));
  if (content.afterSent) await content.afterSent(tx, ids);
  const produced = content.followUps ? await content.followUps(tx, ids) : [];
  return { step: 'sent', produced };
}

/**
 * A staff member deactivated since it was made gets nothing more (a message taking a family's data back
 * from their chat still goes: it shows nothing new).
 */
const toLeaver = (claimed: { notification: Notification; toInactiveStaff: boolean }) =>
  claimed.toInactiveStaff && claimed.notification.kind !== retractionKind;

/** Nothing to send for its kind: recorded as failed. */
async function markUnrenderable(tx: DbOrTx, notification: Notification): Promise<SendResult> {
  await createNotificationsRepository({ db: tx }).markFailed(
    notification.id,
    `cannot render notification kind ${notification.kind}`,
  );
  return { step: 'unrenderable' };
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

/**
 * A send slot for the chat, waited for in hand when it comes soon (the window, a chat's short gap). A chat
 * taken from its lane before it is due (`dueAt`, its gap's end) waits until then before it asks: asked
 * sooner, the slot would only say how long to wait (one Redis call and one wake-up more per send).
 */
async function takeSlot(
  deps: SendDeps,
  chatId: number,
  kind: string,
  { maxWaitMs = MAX_IN_HAND_WAIT_MS, dueAt }: { maxWaitMs?: number; dueAt?: number } = {},
) {
  // A millisecond or two past it: the lane's and the slot's times are Redis's clock in whole ms.
  const untilDue = dueAt === undefined ? 0 : Math.min(dueAt + 2 - Date.now(), MAX_CHAT_WAIT_IN_HAND_MS);
  if (untilDue > 0) await sleep(untilDue);
  const sendClass = deps.notifications.sendClassOf(kind);
  const waiter = randomUUID();
  let slot = await deps.slots.acquire(chatId, sendClass, waiter);
  // The global window frees up within a second, and a chat taken early within its gap: wait for them in
  // hand rather than putting the chat back.
  const short = (decision: SlotDecision): decision is Exclude<SlotDecision, { kind: 'granted' }> =>
    decision.kind === 'global_full' ||
    (decision.kind === 'chat_busy' && decision.waitMs <= MAX_CHAT_WAIT_IN_HAND_MS);
  for (let waited = 0; short(slot) && waited < maxWaitMs; ) {
    await sleep(slot.waitMs);
    waited += slot.waitMs;
    slot = await deps.slots.acquire(chatId, sendClass, waiter);
  }
  // A slot granted a moment ahead: the send goes when it comes, not before.
  if (slot.kind === 'granted' && slot.afterMs) await sleep(slot.afterMs);
  return slot;
}

/**
 * A message Telegram took: noted in Redis if its recording is late (unrecorded-sends.ts), so that a reply to
 * it finds what it answers meanwhile. The function returned says it is recorded (the commit is done).
 */
function watchUnrecorded(deps: SendDeps, notification: Notification, outcome: SendOutcome) {
  if (outcome.kind !== 'sent' || !deps.unrecorded) return undefined;
  const { id: notificationId, chatId } = notification;
  return deps.unrecorded.watch({
    notificationId,
    chatId,
    messageIds: outcome.messageIds ?? [outcome.messageId],
  });
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
    dueAt?: number,
  ): Promise<SendResult> {
    // Stopped once the send is recorded; a recording that fails leaves the note (the message is shown).
    let recorded: (() => void) | undefined;
    const result = await deps.db.transaction(async (tx): Promise<SendResult> => {
      const repository = createNotificationsRepository({ db: tx });
      const claimed = await repository.claimPending(notificationId);
      if (!claimed) {
        // Locked by another sender right now (it stays pending until that send ends), or no longer pending.
        const row = await notificationsOnPool.find(notificationId);
        return row?.status === 'pending' ? { step: 'not_ours' } : { step: 'gone' };
      }
      const { notification } = claimed;
      if (toLeaver(claimed)) {
        await repository.markWithdrawn(notification.id);
        return { step: 'withdrawn' };
      }
      const content = await render(notification);
      if (!content) return markUnrenderable(tx, notification);
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
      const slot = await takeSlot(deps, notification.chatId, notification.kind, { dueAt });
      if (slot.kind !== 'granted') return { step: 'wait', slot };
      const outcome = await sendStepOf(deps, notification.chatId, content, planned);
      recorded = watchUnrecorded(deps, notification, outcome);
      const whole = done.length === 0 && (!steps || steps.length === 1) && (!planned || planned.counts);
      answered?.(
        outcome.kind === 'sent' && whole ? (outcome.messageIds?.[0] ?? outcome.messageId) : undefined,
      );
      await deps.slots
        .release(notification.chatId, outcome.kind === 'flood' ? outcome.retryAfterMs : undefined)
        .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not release a chat slot'));
      return record(tx, notification, content, outcome, { steps, done, planned });
    });
    recorded?.();
    return result;
  };
}

/**
 * One notification of a batched turn (createBatchSend): what became of it, or that it goes through the
 * single path after the batch (`single`: a message of several steps, a kind with hooks, or not claimed
 * here), or the error that ended its turn (`answered`: after its send, which may have gone out).
 */
export interface BatchEntry {
  notificationId: number;
  chatId: number;
  kind: string;
  single?: boolean;
  result?: SendResult;
  error?: unknown;
  answered?: boolean;
  /** When its answer came (Date.now()): the chat's next turn counts from it, not from the batch's end. */
  answeredAt?: number;
  /** When its chat is due (LaneHead's `dueAt`): its send slot is asked for then. */
  dueAt?: number;
  sentAs?: number;
}

/** A claimed notification of the batch that goes as one plain send, and what Telegram answered. */
interface BatchSend {
  entry: BatchEntry;
  notification: Notification;
  content: NotificationContent;
  planned: PlannedStep | undefined;
  outcome?: SendOutcome;
  /** Its send (sendOne), which never rejects. */
  sending?: Promise<void>;
  /** Says it is recorded (watchUnrecorded). */
  recorded?: () => void;
}

/** Whether a message goes as one Bot API call with nothing but its `sent` mark (and `sentWith`) after it. */
function plainSend(notification: Notification, content: NotificationContent) {
  if (content.afterSent || content.followUps || content.notBefore || content.stillWanted) return undefined;
  if (sentStepsOf(notification.payload).length > 0) return undefined;
  if (!content.outgoing) return { planned: undefined };
  const steps = planSteps(content.outgoing);
  const [only] = steps;
  return steps.length === 1 && only?.counts ? { planned: only } : undefined;
}

/** A batch's renderer: its notifications' contents together, one promise each (NotificationsRenderer). */
export type BatchRender = (
  notifications: readonly Notification[],
) => Array<Promise<NotificationContent | undefined>>;

/**
 * The claimed rows of a batch rendered together (one read for the copies of relayed messages): those that
 * go as plain sends are returned; a withdrawn, an unrenderable one is recorded (in the batch's
 * transaction), any other goes by the single path after it. Two copies of one relayed message go apart
 * (each writes its id on the message's row).
 */
async function prepareBatch(
  tx: DbOrTx,
  claimed: Map<number, { notification: Notification; toInactiveStaff: boolean }>,
  entries: Map<number, BatchEntry>,
  renderMany: BatchRender,
): Promise<BatchSend[]> {
  const repository = createNotificationsRepository({ db: tx });
  const rows = [...claimed.values()];
  for (const { notification } of rows) {
    const entry = entries.get(notification.id)!;
    entry.chatId = notification.chatId;
    entry.kind = notification.kind;
    entry.single = false;
  }
  const toRender = rows.filter((row) => !toLeaver(row)).map((row) => row.notification);
  const contents = new Map(
    renderMany(toRender).map((content, index) => [toRender[index]!.id, content] as const),
  );
  const rendered = await Promise.all(
    rows.map(async (row) => {
      const { notification } = row;
      const entry = entries.get(notification.id)!;
      if (toLeaver(row)) return { entry, notification, withdrawn: true };
      try {
        return { entry, notification, content: await contents.get(notification.id) };
      } catch (error) {
        entry.error = error;
        return undefined;
      }
    }),
  );
  const sends: BatchSend[] = [];
  const messages = new Set<unknown>();
  for (const item of rendered) {
    if (!item) continue;
    const { entry, notification, content } = item;
    if ('withdrawn' in item) {
      await repository.markWithdrawn(notification.id);
      entry.result = { step: 'withdrawn' };
    } else if (!content) {
      entry.result = await markUnrenderable(tx, notification);
    } else {
      const plain = plainSend(notification, content);
      const message = notification.payload.messageId;
      if (!plain || (message !== undefined && messages.has(message))) entry.single = true;
      else sends.push({ entry, notification, content, planned: plain.planned });
      if (message !== undefined) messages.add(message);
    }
  }
  return sends;
}

/** A plain send's plan as `record` reads it: its one step (if planned), none done before. */
const planOf = (send: BatchSend) => ({
  steps: send.planned ? [send.planned] : undefined,
  done: [],
  planned: send.planned,
});

/** A batch's plain send: its own slot (waited for in hand), the call, the slot back. */
async function sendOne(deps: SendDeps, send: BatchSend, onDone?: (notificationId: number) => void) {
  const { entry, notification, content, planned } = send;
  try {
    const slot = await takeSlot(deps, notification.chatId, notification.kind, {
      maxWaitMs: MAX_BATCH_WAIT_MS,
      dueAt: entry.dueAt,
    });
    if (slot.kind !== 'granted') {
      entry.result = { step: 'wait', slot };
      return;
    }
    const outcome = await sendStepOf(deps, notification.chatId, content, planned);
    send.recorded = watchUnrecorded(deps, notification, outcome);
    entry.answered = true;
    if (outcome.kind === 'sent') entry.sentAs = outcome.messageIds?.[0] ?? outcome.messageId;
    send.outcome = outcome;
    await deps.slots
      .release(notification.chatId, outcome.kind === 'flood' ? outcome.retryAfterMs : undefined)
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not release a chat slot'));
    // The chat's gap counts from the release (its slot's clock), so its lane's next due is not before it.
    entry.answeredAt = Date.now();
    // Sent: its dispatcher's turn may take another chat while the batch waits for its other sends (a 429's
    // pause, any other outcome, is only known to the dispatcher when the batch ends: its turn waits).
    if (outcome.kind === 'sent') onDone?.(entry.notificationId);
  } catch (error) {
    if (!entry.answered) entry.error = error;
  }
}

/** A send Telegram took as one message (not an album of several, whose every id the single path keeps). */
const sentAsOne = (send: BatchSend) =>
  send.outcome?.kind === 'sent' && (send.outcome.messageIds?.length ?? 1) <= 1;

/**
 * What Telegram answered for a batch, in its transaction: every whole message sent marked in one statement
 * (with what each writes with it), any other answer as the single path records it — an album too, so that
 * each of its messages' ids is kept (a reply to any item finds it, an erasure takes back every item).
 */
async function recordBatch(tx: DbOrTx, sends: BatchSend[]) {
  const answered = sends.filter((send) => send.outcome !== undefined);
  const sent = answered.filter(sentAsOne);
  const repository = createNotificationsRepository({ db: tx });
  await repository.markSentMany(
    sent.map(({ entry, content, outcome }) => {
      const ids = outcome?.kind === 'sent' ? (outcome.messageIds ?? [outcome.messageId]) : [];
      return { id: entry.notificationId, telegramMessageId: ids[0]!, also: content.sentWith?.(ids) };
    }),
  );
  for (const { entry } of sent) entry.result = { step: 'sent', produced: [] };
  for (const send of answered) {
    if (sentAsOne(send)) continue;
    send.entry.result = await record(tx, send.notification, send.content, send.outcome!, planOf(send));
  }
}

/**
 * Records a batch's answers (recordBatch) in a savepoint. If that fails (not an outage), the batch goes back
 * to the savepoint and records each send in a savepoint of its own, so one notification's failure does not
 * take back the others' `sent` marks; one that fails again keeps its error (the worker's failedRecord counts
 * it, after the commit). The batch keeps its rows locked all along: a rollback of its transaction would free
 * them before they are recorded, and a withdrawal waiting for one (retraction.ts) would take a message
 * Telegram already shows for one never sent, or another sender would send it again.
 */
async function recordSends(deps: SendDeps, tx: Tx, sends: BatchSend[]) {
  if (!sends.some((send) => send.outcome !== undefined)) return;
  try {
    await tx.transaction((savepoint) => recordBatch(savepoint, sends));
    return;
  } catch (error) {
    if (isDatabaseOutage(error)) throw error;
    deps.logger.warn({ err: error }, 'could not record a batch of sends; recording them one by one');
  }
  await recordEach(
    sends,
    (send, outcome) =>
      tx.transaction((savepoint) =>
        record(savepoint, send.notification, send.content, outcome, planOf(send)),
      ),
    { outageEnds: true },
  );
}

/**
 * Each answered send of a batch recorded on its own by `recordOne`; one that fails keeps its error (the
 * worker's failedRecord). `outageEnds`: a lost database ends the whole batch instead.
 */
async function recordEach(
  sends: BatchSend[],
  recordOne: (send: BatchSend, outcome: SendOutcome) => Promise<SendResult>,
  { outageEnds }: { outageEnds: boolean },
) {
  for (const send of sends) {
    if (send.outcome === undefined) continue;
    const { entry } = send;
    entry.result = undefined;
    try {
      entry.result = await recordOne(send, send.outcome);
    } catch (error) {
      if (outageEnds && isDatabaseOutage(error)) throw error;
      entry.error = error;
    }
  }
}

/**
 * A batch whose transaction failed after its sends (not in its recording, which recordSends mends under
 * the batch's locks: at its commit, say), rolled back: each answered send recorded in a transaction of its
 * own. Its rows were unlocked in between: one that another transaction took meanwhile (a withdrawal that
 * waited for it, a sender whose lane was rebuilt) is waited for, and left to it if it is no longer pending.
 */
async function recordOneByOne(deps: SendDeps, sends: BatchSend[]) {
  await recordEach(
    sends,
    (send, outcome) =>
      deps.db.transaction(async (tx) => {
        const repository = createNotificationsRepository({ db: tx });
        const claimed = await repository.claimPendingWhenFree(send.entry.notificationId);
        if (!claimed) return { step: 'gone' } as const;
        return record(tx, claimed.notification, send.content, outcome, planOf(send));
      }),
    { outageEnds: false },
  );
}

/**
 * A batch that failed: an outage, or a failure before anything went out, ends each turn in it (as it would
 * alone); any other failure after its sends (its commit) records them one by one (recordOneByOne).
 */
async function afterFailedBatch(
  deps: SendDeps,
  error: unknown,
  batch: { entries: Map<number, BatchEntry>; sends: BatchSend[] },
) {
  const { entries, sends } = batch;
  // Every outcome known first: a chat whose send is still in flight must not come back for its next turn.
  await Promise.all(sends.map((send) => send.sending));
  if (isDatabaseOutage(error) || !sends.some((send) => send.outcome !== undefined)) {
    for (const entry of entries.values())
      if (!entry.single || entry.result) Object.assign(entry, { result: undefined, error, single: false });
    return;
  }
  deps.logger.warn({ err: error }, 'a batch of sends failed after its sends; recording them one by one');
  // What the rolled-back transaction recorded besides the sends (a withdrawal): looked at again next turn.
  const sending = new Set(sends.map((send) => send.entry));
  for (const entry of entries.values())
    if (entry.result && !sending.has(entry))
      Object.assign(entry, { result: undefined, error: new Error('batch rolled back') });
  await recordOneByOne(deps, sends);
}

/**
 * A batched turn: the heads of several chats that came due together claimed in one statement, each
 * rendered and sent as one plain message with its own send slot (in parallel), every `sent` mark in one
 * statement and one commit. A send answered long before the batch's last (a batch-mate Telegram answers only
 * at its timeout) is noted in Redis meanwhile (watchUnrecorded): a reply to it finds its thread at once. As
 * in the single path, only a crash between a send and the commit can make a message go out twice; a
 * recording that fails is retried one by one under the batch's locks
 * (recordSends), so no send is taken back for another's failure. Anything but a plain send is left for the
 * single path (`single`).
 */
export function createBatchSend(deps: SendDeps) {
  return async function sendBatch(
    ids: readonly number[],
    renderMany: BatchRender,
    /** A send of the batch went out: its dispatcher's turn may take another chat (see sendOne). */
    sendDone?: (notificationId: number) => void,
    /** When each one's chat is due (see takeSlot), by notification id. */
    dueAt?: ReadonlyMap<number, number>,
  ): Promise<BatchEntry[]> {
    const entries = new Map<number, BatchEntry>(
      ids.map((id) => [id, { notificationId: id, chatId: 0, kind: '', single: true, dueAt: dueAt?.get(id) }]),
    );
    let sends: BatchSend[] = [];
    try {
      await deps.db.transaction(async (tx) => {
        const claimed = await createNotificationsRepository({ db: tx }).claimPendingMany(ids);
        sends = await prepareBatch(tx, claimed, entries, renderMany);
        for (const send of sends) send.sending = sendOne(deps, send, sendDone);
        await Promise.all(sends.map((send) => send.sending));
        await recordSends(deps, tx, sends);
      });
      for (const send of sends) send.recorded?.();
    } catch (error) {
      await afterFailedBatch(deps, error, { entries, sends });
    }
    return [...entries.values()];
  };
}
