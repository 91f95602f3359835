import type { Db } from '../db/client.js';
import { type DatabaseWatch, isDatabaseOutage } from '../db/database-outage.js';
import {
  createNotificationsRepository,
  type DeliveryLanes,
  type LaneHead,
  type Notification,
  type NotificationRegistry,
  type UnrecordedSends,
} from '../features/delivery/index.js';
import type { I18n } from '../i18n.js';
import type { Logger } from '../logger.js';
import type { DeliveryMetrics } from '../metrics/delivery.metrics.js';
import { lowSendClasses, type SendSlots } from '../telegram/send-slots.js';
import type { TelegramSender } from '../telegram/telegram-sender.js';
import {
  type BatchEntry,
  createBatchSend,
  createClaimedSend,
  givenUp,
  MAX_SEND_ATTEMPTS,
  type SendResult,
} from './delivery.send.js';

export { MAX_SEND_ATTEMPTS } from './delivery.send.js';

/**
 * Sends one worker process runs at once. A batched turn gives a chat's turn back once its send went out,
 * while the batch waits for its others to record them all: when a process dies, at most this many sends in
 * flight and those of its open batches (each held open by one of these) can go out again.
 */
export const DELIVERY_CONCURRENCY = 10;

/**
 * How long a chat taken from the schedule stays this process's (a send, its wait for the global window and
 * Telegram's 10 s timeout fit in it); a process that dies leaves its chats to others after this.
 */
export const LANE_LEASE_MS = 20_000;

/** The most a chat's next turn is taken before its gap ends (see createDeliveryProcessor). */
const MAX_PREPARE_AHEAD_MS = 300;

/**
 * Turns a dispatcher keeps for a person's reply and urgent cards (relayed messages, new requests): ordinary
 * notices and digests waiting in hand for the global budget never take all of them, so such a card is taken
 * as soon as it is due rather than after one of theirs ends.
 */
export const TURNS_KEPT_FOR_URGENT = 3;

/**
 * How soon a chat may be due to be taken already: the chats of a backlog, each one gap after its last send,
 * come due a pace or a few apart, and are taken together (a batched turn, one transaction and one `sent`
 * statement for all); each waits for its own send slot in hand (delivery.send.ts waits up to 400 ms for a
 * chat's gap).
 */
const TAKE_AHEAD_MS = 350;

/** Outcomes whose wait is a pause to keep (a retry's backoff, Telegram's retry_after, an album settling). */
const kept = new Set(['retry', 'error', 'flood', 'settling']);

/**
 * When the chat's next turn is due in its lane: a chat is taken up to TAKE_AHEAD_MS early (its send slot
 * then keeps the per-chat gap), so a pause that nothing else keeps is scored that much later.
 */
const laneDelayOf = (turn: Turn) => (kept.has(turn.outcome) ? turn.nextInMs + TAKE_AHEAD_MS : turn.nextInMs);

/**
 * How often a dispatcher with nothing due looks at the schedule for what other processes added (what this
 * process adds wakes it at once; a chat due sooner wakes it when due). Other processes add to the lanes
 * only in a deployment of several worker processes (when this one's turns are all in hand, another takes
 * the chat) and after a Redis wipe (the reconciler): a look every 200 ms cost the dispatcher five Redis
 * calls a second while the chats of a backlog waited out their gaps.
 */
const IDLE_POLL_MS = 1000;

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
  metrics: DeliveryMetrics;
  logger: Logger;
  /** Sends whose recording is late, noted for a reply to them (unrecorded-sends.ts). */
  unrecorded?: UnrecordedSends;
}

/**
 * One turn of a chat's lane: what became of its head. `done`: the head leaves the lane (sent, or given up
 * for good); `nextInMs`: when the chat's next send may go; `pauseMs`: the whole process waits this long
 * (Telegram's global limit); `produced`: notifications made by this one (a card's files), to queue.
 */
export interface Turn {
  outcome: string;
  done: boolean;
  nextInMs: number;
  pauseMs?: number;
  produced?: number[];
}

/** What a turn's result means for the lane, and the metrics it counts. */
function turnOf(
  result: SendResult,
  gapMs: number,
  deps: DeliveryDeps,
  kind: string,
  notificationId: number,
): Turn {
  switch (result.step) {
    case 'not_ours':
      // Being sent by another process right now: look again after a gap.
      return { outcome: 'busy', done: false, nextInMs: gapMs };
    case 'gone':
      return { outcome: 'nothing to do', done: true, nextInMs: 0 };
    case 'unrenderable':
      deps.metrics.notificationsFailed.inc({ reason: 'unrenderable' });
      return { outcome: 'failed', done: true, nextInMs: 0 };
    case 'settling':
      return { outcome: 'settling', done: false, nextInMs: result.waitMs };
    case 'wait':
      if (result.slot.kind === 'chat_busy')
        return { outcome: 'chat busy', done: false, nextInMs: result.slot.waitMs };
      return {
        outcome: 'global full',
        done: false,
        nextInMs: result.slot.waitMs,
        pauseMs: result.slot.waitMs,
      };
    case 'partial':
      // The chat's slot is held for the gap after this send: the next step comes after it.
      return { outcome: 'partial', done: false, nextInMs: gapMs };
    case 'sent':
      deps.metrics.notificationsSent.inc({ kind });
      return { outcome: 'sent', done: true, nextInMs: gapMs, produced: result.produced };
    case 'flood':
      // Honour retry_after: this chat is closed until then (the slot release), and so is this process,
      // since Telegram does not say whether the chat or the bot hit the limit.
      deps.metrics.telegramTooManyRequests.inc();
      return { outcome: 'flood', done: false, nextInMs: result.retryAfterMs, pauseMs: result.retryAfterMs };
    case 'blocked':
      deps.metrics.notificationsFailed.inc({ reason: 'unreachable' });
      deps.logger.warn(
        { notificationId, kind, produced: result.produced.length },
        'recipient blocked the bot; notification unreachable',
      );
      return { outcome: 'unreachable', done: true, nextInMs: gapMs, produced: result.produced };
    case 'withdrawn':
      deps.metrics.notificationsFailed.inc({ reason: 'withdrawn' });
      deps.logger.info({ notificationId, kind }, 'notification withdrawn unsent');
      return { outcome: 'withdrawn', done: true, nextInMs: 0 };
    case 'rejected':
      deps.metrics.notificationsFailed.inc({ reason: 'rejected' });
      deps.logger.warn({ notificationId, reason: result.reason }, 'Telegram refused a notification');
      return { outcome: 'failed', done: true, nextInMs: gapMs };
    case 'gave_up':
      deps.metrics.notificationsFailed.inc({ reason: 'gave_up' });
      return { outcome: 'failed', done: true, nextInMs: gapMs };
    case 'retry':
      // The chat waits with it: the messages after it keep their order.
      deps.metrics.telegramRetries.inc();
      return { outcome: 'retry', done: false, nextInMs: retryDelayMs(result.attempts) };
  }
}

/**
 * One turn of a chat: its head notification is claimed in PostgreSQL (so a head already `sent` — the lane
 * rebuilt after a wipe, another process faster — only leaves the lane), rendered and sent one step.
 */
export function createDeliveryProcessor(deps: DeliveryDeps) {
  const sendClaimed = createClaimedSend(deps);
  const render = (notification: Notification) => deps.notifications.render(deps, notification);
  const renderMany = (notifications: readonly Notification[]) =>
    deps.notifications.renderMany(deps, notifications);
  // How long a turn takes to come to its send (reading and rendering), on average: the chat's next turn
  // is taken that much before its gap ends, so that the send goes when the gap does (delivery.send.ts
  // waits out the rest in hand).
  let preparingMs = 0;
  const gapOf = (chatId: number) => {
    const gap =
      chatId < 0
        ? (deps.slots.limits.groupGapMs ?? deps.slots.limits.perChatGapMs)
        : deps.slots.limits.perChatGapMs;
    return Math.max(0, gap - Math.min(preparingMs, MAX_PREPARE_AHEAD_MS));
  };

  const sendBatch = createBatchSend(deps);

  const one = async (notificationId: number, dueAt?: number): Promise<Turn> => {
    const started = Date.now();
    let chatId = 0;
    let kind = '';
    let answered = false;
    let sentAs: number | undefined;
    let result: SendResult;
    try {
      result = await sendClaimed(
        notificationId,
        (notification) => {
          chatId = notification.chatId;
          kind = notification.kind;
          return render(notification);
        },
        () => {
          preparingMs = preparingMs * 0.8 + (Date.now() - started) * 0.2;
        },
        (id) => {
          answered = true;
          sentAs = id;
        },
        dueAt,
      );
    } catch (error) {
      // Before the send (a render, Redis away): nothing went out; the chat comes back (runTurn).
      if (!answered || isDatabaseOutage(error)) throw error;
      return failedRecord(deps, { notificationId, sentAs, gapMs: gapOf(chatId) }, error);
    }
    return turnOf(result, gapOf(chatId), deps, kind, notificationId);
  };

  return Object.assign(one, {
    /**
     * A batched turn of several chats' heads: each one's turn, its error, or `single` — to go by the single
     * path (`one`), after this batch has committed.
     */
    async batch(
      ids: readonly number[],
      sendDone?: (notificationId: number) => void,
      dueAt?: ReadonlyMap<number, number>,
    ): Promise<BatchTurn[]> {
      const entries = await sendBatch(ids, renderMany, sendDone, dueAt);
      return Promise.all(
        entries.map(async (entry): Promise<BatchTurn> => {
          if (entry.single) return { notificationId: entry.notificationId, single: true };
          try {
            return {
              notificationId: entry.notificationId,
              turn: await turnOfEntry(deps, entry, gapOf(entry.chatId)),
            };
          } catch (error) {
            return { notificationId: entry.notificationId, error };
          }
        }),
      );
    },
  });
}

/** A batch entry's turn (see createBatchSend); throws what ended it before its send, or an outage. */
async function turnOfEntry(deps: DeliveryDeps, entry: BatchEntry, gapMs: number): Promise<Turn> {
  const { notificationId, sentAs } = entry;
  if (!entry.result) {
    if (!entry.answered || isDatabaseOutage(entry.error)) throw entry.error;
    return failedRecord(deps, { notificationId, sentAs, gapMs }, entry.error);
  }
  const turn = turnOf(entry.result, gapMs, deps, entry.kind, notificationId);
  // The batch ended after its last send: a chat's next turn counts from its own answer.
  if (entry.answeredAt !== undefined)
    turn.nextInMs = Math.max(0, turn.nextInMs - (Date.now() - entry.answeredAt));
  return turn;
}

/** What a batched turn came to for one of its heads (createDeliveryProcessor's `batch`). */
export interface BatchTurn {
  notificationId: number;
  turn?: Turn;
  error?: unknown;
  single?: boolean;
}

/**
 * A send whose recording failed with an error that is not an outage (a feature's write in the sending
 * transaction that always fails, say): rolled back, so the notification is still pending although its
 * message may have gone. It counts as an attempt and is tried again with the same growing pause as a failed
 * send. If a whole message went out (`sentAs`) and its recording fails a second time, it is marked `sent`
 * on its own, without what the feature writes with it (a copy's ids for replies, a card's files), and an
 * error is logged: the person does not get it again. Otherwise it is `failed` after MAX_SEND_ATTEMPTS.
 */
async function failedRecord(
  deps: DeliveryDeps,
  turn: { notificationId: number; sentAs: number | undefined; gapMs: number },
  error: unknown,
): Promise<Turn> {
  const { notificationId, sentAs } = turn;
  const reason = `recording the send failed: ${error instanceof Error ? error.name : 'unknown error'}`;
  deps.logger.warn({ err: error, notificationId }, 'could not record a send');
  try {
    const repository = createNotificationsRepository({ db: deps.db });
    const attempts = await repository.recordRetry(notificationId, reason);
    if (attempts === undefined) return { outcome: 'nothing to do', done: true, nextInMs: 0 };
    if (sentAs !== undefined && attempts >= 2 && (await repository.markSent(notificationId, sentAs))) {
      deps.metrics.notificationsFailed.inc({ reason: 'recorded_plainly' });
      deps.logger.error(
        { notificationId, attempts },
        'a sent message could not be recorded with its follow-ups; marked sent without them',
      );
      return { outcome: 'sent', done: true, nextInMs: turn.gapMs };
    }
    if (!(await givenUp(repository, notificationId, attempts, reason)))
      return { outcome: 'error', done: false, nextInMs: retryDelayMs(attempts) };
    deps.metrics.notificationsFailed.inc({ reason: 'gave_up' });
    deps.logger.error({ notificationId, attempts }, 'delivery turn kept failing; notification given up');
    return { outcome: 'failed', done: true, nextInMs: 0 };
  } catch (recording) {
    if (isDatabaseOutage(recording)) throw recording;
    // Not even the attempt could be written: the longest pause, so a broken row is not sent every second.
    return { outcome: 'error', done: false, nextInMs: retryDelayMs(MAX_SEND_ATTEMPTS) };
  }
}

export interface DeliveryWorker {
  /** Stops taking chats; resolves when the turns in hand have ended (at once with `force`). */
  close(force?: boolean): Promise<void>;
}

type WorkerDeps = DeliveryDeps & {
  lanes: DeliveryLanes;
  concurrency?: number;
  /** A turn that meets a PostgreSQL outage: the dispatcher waits for it to answer (database-outage.ts). */
  database?: DatabaseWatch;
};

/**
 * A sleep that `wake()` ends early, or `wakeIn(ms)` sooner than planned (one sleeper at a time: the loop).
 * A wake that comes while the loop is awake (waiting for Redis to answer a take) is kept for its next
 * sleep, so an addition or a chat put back meanwhile is not slept past.
 */
function createNap() {
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let endsAt = 0;
  /** Set while awake: the next sleep ends at once (a wake) or by this time (a `wakeIn`). */
  let keptWakeAt: number | undefined;
  return {
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        const now = Date.now();
        const kept = keptWakeAt;
        keptWakeAt = undefined;
        const wait = kept === undefined ? ms : Math.min(ms, Math.max(0, kept - now));
        if (wait <= 0) {
          resolve();
          return;
        }
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        endsAt = now + wait;
        timer = setTimeout(done, wait);
        wake = done;
      }),
    wake: () => {
      if (wake) wake();
      else keptWakeAt = Date.now();
    },
    /** Ends the sleep in `ms` if it would end later. */
    wakeIn(ms: number) {
      const at = Date.now() + ms;
      const done = wake;
      if (!done) {
        keptWakeAt = Math.min(keptWakeAt ?? at, at);
        return;
      }
      if (at >= endsAt) return;
      clearTimeout(timer);
      endsAt = at;
      timer = setTimeout(done, Math.max(0, ms));
    },
  };
}

/**
 * One turn of a chat, then the chat back in the lanes for its next: what the turn produced (a card's
 * files) joins its lanes first. Returns how long the whole process should pause (Telegram's global limit)
 * and when the chat is due again.
 */
async function runTurn(
  deps: WorkerDeps,
  processHead: ReturnType<typeof createDeliveryProcessor>,
  head: LaneHead,
): Promise<{ pauseMs: number; nextInMs: number }> {
  let result: Turn;
  try {
    result = await processHead(head.notificationId, head.dueAt);
  } catch (error) {
    result = errorTurn(deps, head.notificationId, error);
  }
  try {
    if (result.produced?.length) await deps.lanes.add(result.produced);
    await deps.lanes.finish(head, result.done, laneDelayOf(result));
  } catch (error) {
    // Redis away: the lease runs out and the chat comes back; the reconciler re-adds what was produced.
    deps.logger.warn({ err: error }, 'could not put a chat back in its lane');
  }
  return { pauseMs: result.pauseMs ?? 0, nextInMs: result.nextInMs };
}

/** A turn that ended in an error before its send (or in an outage): the chat comes back in a second. */
function errorTurn(deps: WorkerDeps, notificationId: number, error: unknown): Turn {
  if (isDatabaseOutage(error)) deps.database?.markDown();
  else deps.logger.warn({ err: error, notificationId }, 'delivery turn failed');
  return { outcome: 'error', done: false, nextInMs: 1000 };
}

/**
 * A batched turn of several chats (createBatchSend), their chats back in the lanes in one round trip; the
 * heads left to the single path then take their turns as runTurn does. Returns each chat's pause and due.
 */
async function runBatch(
  deps: WorkerDeps,
  processHead: ReturnType<typeof createDeliveryProcessor>,
  heads: LaneHead[],
  sendDone?: (notificationId: number) => void,
): Promise<Array<{ pauseMs: number; nextInMs: number }>> {
  let outcomes: BatchTurn[];
  try {
    const dueAt = new Map(
      heads.flatMap((head) => (head.dueAt === undefined ? [] : [[head.notificationId, head.dueAt] as const])),
    );
    outcomes = await processHead.batch(
      heads.map((head) => head.notificationId),
      sendDone,
      dueAt,
    );
  } catch (error) {
    outcomes = heads.map((head) => ({ notificationId: head.notificationId, error }));
  }
  const byId = new Map(outcomes.map((outcome) => [outcome.notificationId, outcome]));
  const finished: Array<{ head: LaneHead; turn: Turn }> = [];
  const singles: LaneHead[] = [];
  for (const head of heads) {
    const outcome = byId.get(head.notificationId);
    if (outcome?.single) singles.push(head);
    else
      finished.push({
        head,
        turn: outcome?.turn ?? errorTurn(deps, head.notificationId, outcome?.error),
      });
  }
  try {
    const produced = finished.flatMap(({ turn }) => turn.produced ?? []);
    if (produced.length > 0) await deps.lanes.add(produced);
    await deps.lanes.finishMany(
      finished.map(({ head, turn }) => ({ head, done: turn.done, nextInMs: laneDelayOf(turn) })),
    );
  } catch (error) {
    // Redis away: the leases run out and the chats come back; the reconciler re-adds what was produced.
    deps.logger.warn({ err: error }, 'could not put chats back in their lanes');
  }
  const alone = await Promise.all(singles.map((head) => runTurn(deps, processHead, head)));
  return [...finished.map(({ turn }) => ({ pauseMs: turn.pauseMs ?? 0, nextInMs: turn.nextInMs })), ...alone];
}

type TurnsOf = Promise<Array<{ pauseMs: number; nextInMs: number }>>;

/**
 * The turns a dispatcher has in hand, of how many chats, how many of them of the low classes (see
 * TURNS_KEPT_FOR_URGENT), and until when Telegram's global limit pauses the process.
 */
function createHands(concurrency: number, nap: ReturnType<typeof createNap>) {
  const inHand = new Set<Promise<void>>();
  const running = new Set<Promise<void>>();
  let lowInHand = 0;
  const lowCap = Math.max(1, concurrency - TURNS_KEPT_FOR_URGENT);
  let pausedUntil = 0;
  // When the last take said the next chat it could take is due (none taken since then is counted).
  let nextDueAt = 0;

  /**
   * A head's place among the turns in hand; the function returned gives it back (once): `early`, a batch's
   * send that went out while its batch goes on.
   */
  function hold(head: LaneHead) {
    const low = lowSendClasses.includes(head.sendClass);
    let release = () => {};
    const hand = new Promise<void>((resolve) => {
      release = resolve;
    });
    inHand.add(hand);
    if (low) lowInHand += 1;
    return (early = false) => {
      if (!inHand.has(hand)) return;
      // The loop looks at the schedule at once when it waited for a free hand (or a low class's place);
      // for a batch's send, only once what the last take left is due: a chat that becomes due otherwise
      // (put back, added) wakes the loop itself, and a look per send found nothing (a Redis call a copy).
      const lowWaited = low && lowInHand >= lowCap;
      const wasFull = inHand.size >= concurrency || lowWaited;
      inHand.delete(hand);
      if (low) lowInHand -= 1;
      release();
      if (!wasFull) return;
      if (!early || lowWaited) nap.wake();
      else nap.wakeIn(Math.max(0, nextDueAt - Date.now()));
    };
  }

  return {
    free: () => concurrency - inHand.size,
    lowRoom: () => Math.max(0, lowCap - lowInHand),
    pausedForMs: () => pausedUntil - Date.now(),
    running: () => [...running],
    /** What the last take said: nothing it could take is due for this long. */
    nextDueIn(ms: number) {
      nextDueAt = Date.now() + ms;
    },
    /**
     * Turns of these heads, run by `run` (one, or one batch): each head holds a turn in hand until they end,
     * or until `sendDone` says its send is over (a batch's, whose commit waits for its last send). Then,
     * unless a hand was awaited, the loop looks at the schedule when the first chat is due, if that is
     * before its own timer ends — not right after every turn, which found nothing due (a Redis call a copy).
     */
    begin(heads: LaneHead[], run: (sendDone: (notificationId: number) => void) => TurnsOf) {
      const hands = new Map(heads.map((head) => [head.notificationId, hold(head)]));
      let dueInMs = 0;
      const ended = run((notificationId) => hands.get(notificationId)?.(true))
        .then((results) => {
          for (const { pauseMs } of results)
            if (pauseMs > 0) pausedUntil = Math.max(pausedUntil, Date.now() + pauseMs);
          dueInMs = Math.min(...results.map((turn) => turn.nextInMs));
        })
        .catch(() => undefined);
      running.add(ended);
      void ended.finally(() => {
        running.delete(ended);
        for (const giveBack of hands.values()) giveBack();
        // A few ms after: the lane scored it by Redis's clock when the chat was put back, a moment later.
        nap.wakeIn(dueInMs + 5);
      });
    },
  };
}

/**
 * The delivery dispatcher of one process: takes the due chats from the lanes (highest class first, up to
 * `concurrency` at once), runs one turn of each and puts the chat back for its next turn. Nothing runs for
 * a chat between its turns; a dispatcher wakes when a chat is due, when this process adds to a lane, or
 * every `IDLE_POLL_MS` for what others added.
 */
export function startDeliveryWorker(deps: WorkerDeps): DeliveryWorker {
  const processHead = createDeliveryProcessor(deps);
  const nap = createNap();
  const hands = createHands(deps.concurrency ?? DELIVERY_CONCURRENCY, nap);
  let stopping = false;
  deps.lanes.onAdded(nap.wake);

  /**
   * The heads a take returned: several of one class (not a person's own replies) go as one batched turn
   * (runBatch), so an urgent card never waits for notices' sends; the rest one by one.
   */
  function startAll(heads: LaneHead[]) {
    const byClass = new Map<string, LaneHead[]>();
    for (const head of heads) byClass.set(head.sendClass, [...(byClass.get(head.sendClass) ?? []), head]);
    for (const [sendClass, together] of byClass) {
      if (sendClass !== 'interactive' && together.length >= 2) {
        hands.begin(together, (sendDone) => runBatch(deps, processHead, together, sendDone));
        continue;
      }
      for (const head of together)
        hands.begin([head], () => runTurn(deps, processHead, head).then((turn) => [turn]));
    }
  }

  async function loop() {
    while (!stopping) {
      if (deps.database?.isDown()) await deps.database.whenUp();
      const pause = hands.pausedForMs();
      const free = hands.free();
      if (pause > 0 || free <= 0) {
        await nap.sleep(pause > 0 ? pause : IDLE_POLL_MS);
        continue;
      }
      try {
        const { heads, nextDueMs } = await deps.lanes.take(
          free,
          LANE_LEASE_MS,
          hands.lowRoom(),
          TAKE_AHEAD_MS,
        );
        hands.nextDueIn(nextDueMs ?? IDLE_POLL_MS);
        startAll(heads);
        // Fewer than it could take: nothing else is due before `nextDueMs` (a look at once found nothing,
        // one Redis call per copy); a turn ending sooner or an add in this process wakes the loop.
        if (heads.length < free) await nap.sleep(Math.min(nextDueMs ?? IDLE_POLL_MS, IDLE_POLL_MS));
      } catch (error) {
        deps.logger.warn({ err: error }, 'could not take chats from the delivery lanes');
        await nap.sleep(1000);
      }
    }
  }

  const looping = loop();
  return {
    async close(force = false) {
      stopping = true;
      nap.wake();
      if (force) return;
      await looping;
      await Promise.all(hands.running());
    },
  };
}
