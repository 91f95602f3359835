import { setTimeout as sleep } from 'node:timers/promises';
import { and, sql as drizzleSql, eq, inArray } from 'drizzle-orm';
import { familyMembers, notifications, outbox, requests } from '../../src/db/schema/index.js';
import { createAnnouncement } from '../../src/features/announcements/index.js';
import { notificationKinds } from '../../src/features/routing/index.js';
import type { Emulator } from '../../src/sandbox/emulator.js';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { districtByCode } from '../helpers/routing-factories.js';
import { BENCH_BOT_TOKEN, type ScenarioEnv, scenarioEnv } from './bench-env.js';
import { type StartedChild, startServiceChild } from './bot-child.js';
import type { ResultRow, ScenarioResult } from './report.js';
import { type SeededFamily, seedFamilies } from './seed.js';
import { fmt, inParallel, ms, percentile, waitUntil } from './stats.js';
import { requestDialogue, walk } from './walks.js';

const confirmStep = requestDialogue[requestDialogue.length - 1]!;
const upToSummary = requestDialogue.slice(0, -1);

/** One run of the scenario: presses per second, and to how many families an announcement is going out. */
export interface CuratorRun {
  rate: number;
  /** How long it presses: rate × seconds presses, the samples its percentiles are taken over. */
  seconds: number;
  /** Families (of another district, one chat each) an announcement is sent to as the run starts. */
  announcement?: number;
  /** The p99 target (ms) of the card. */
  p99TargetMs: number;
  /** The p99 target (ms) of the family's own answer to its press, when there is one. */
  answerP99TargetMs?: number;
}

/**
 * Time to the curator: families wait on the summary («Всё верно?»); at a steady rate each presses
 * «Отправить», and we time from that press (the update handed to the webhook queue) to the request card
 * arriving in the chat of the family's curator at the emulator, which enforces Telegram's limits (30/s in
 * total, 1/s per chat). Every family has its own curator, so the 1/s per chat never holds a card back; the
 * 30/s every bot gets does: each press needs the card and the family's own answer. A run with
 * `announcement` first sends an announcement (issue 16 §2: the lowest send class, through `/announce`'s own
 * use case and the service's relay) to that many families of another district, and times the cards and the
 * families' answers while it goes out.
 */
export async function curatorScenario(options: { runs: CuratorRun[] }): Promise<ScenarioResult> {
  const env = await scenarioEnv('curator');
  // Telegram's limits, with the short burst a person's chat allows (README, «Emulator»).
  const emulator = createEmulator({
    token: BENCH_BOT_TOKEN,
    limits: { global: 30, perChat: 1, perChatBurst: 5 },
  });
  await emulator.start();
  let child: StartedChild | undefined;
  const arrivals = new Map<number, number>();
  // The family's own answer to «Отправить» (its request accepted), by the family's chat: the summary they
  // pressed, edited to say so (or a message of its own where the edit was refused).
  const answers = new Map<number, number>();
  const stopListening = emulator.onEvent((event) => {
    if ((event.type !== 'message' && event.type !== 'edit') || !event.message.from?.is_bot) return;
    if (event.type === 'message' && !arrivals.has(event.chatId)) arrivals.set(event.chatId, Date.now());
    if (!answers.has(event.chatId) && (event.message.text ?? '').includes(confirmStep.expect))
      answers.set(event.chatId, Date.now());
  });
  try {
    const total = options.runs.reduce((sum, run) => sum + run.rate * run.seconds, 0);
    const families = await seedFamilies(env.db, emulator, WARM_UP + total, { curatorEach: true });
    child = await startServiceChild(env, emulator.url, 'all');
    await inParallel(families, 50, async (family) => {
      await walk(emulator, family.userId, upToSummary);
    });
    await sleep(1000);

    const rows: ResultRow[] = [];
    const notes: string[] = [await warmUp(emulator, families.slice(0, WARM_UP), arrivals)];
    let offset = WARM_UP;
    for (const run of options.runs) {
      const batch = families.slice(offset, offset + run.rate * run.seconds);
      offset += batch.length;
      const bulkSent = run.announcement ? await sendAnnouncement(env, emulator, run.announcement) : undefined;
      const refusedBefore = emulator.stats().tooManyRequests;
      const pressedAt = await pressAtRate(emulator, batch, run.rate);
      await waitUntil(
        () => batch.every((family) => arrivals.has(family.curatorChat)),
        120_000 + (batch.length / 20) * 1000,
        `${batch.length} cards at ${run.rate}/s`,
      );
      const latencies = batch.map(
        (family) => arrivals.get(family.curatorChat)! - pressedAt.get(family.userId)!,
      );
      const stages = await stageTimes(env.db, batch, pressedAt, arrivals);
      const p99 = percentile(latencies, 99);
      const withBulk = run.announcement ? ` during an announcement to ${fmt(run.announcement)} families` : '';
      rows.push({
        scenario: `2 time to the curator (${batch.length} requests)`,
        metric: `confirm → card p50 / p95 / p99 at ${run.rate}/s${withBulk}`,
        value: `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 95))} / ${ms(p99)}`,
        target: `p99 ≤ ${fmt(run.p99TargetMs)} ms`,
        met: p99 <= run.p99TargetMs,
      });
      if (run.answerP99TargetMs !== undefined) {
        const answered = batch.map((family) => answers.get(family.userId)! - pressedAt.get(family.userId)!);
        const answerP99 = percentile(answered, 99);
        rows.push({
          scenario: `2 time to the curator (${batch.length} requests)`,
          metric: `confirm → the family's answer p50 / p95 / p99 at ${run.rate}/s${withBulk}`,
          value: `${ms(percentile(answered, 50))} / ${ms(percentile(answered, 95))} / ${ms(answerP99)}`,
          target: `p99 ≤ ${fmt(run.answerP99TargetMs)} ms`,
          met: answerP99 <= run.answerP99TargetMs,
        });
      }
      notes.push(
        `At ${run.rate}/s${withBulk}: the card's stages (press → the request's transaction begun → outbox row ` +
          `dispatched → routing transaction begun → card sent; «Method» 2): p50 ${stageLine(stages.p50)}, the ` +
          `slowest card (${ms(Math.max(...latencies))}) ${stageLine(stages.slowest)}` +
          (bulkSent ? `; ${fmt(bulkSent())} of the announcement's copies had gone out by then` : '') +
          `; ${emulator.stats().tooManyRequests - refusedBefore} sends answered 429 meanwhile.`,
      );
    }
    return { rows, notes };
  } finally {
    stopListening();
    await child?.stop();
    await emulator.stop();
    await env.close();
  }
}

/**
 * Families that press first, alone, one a second, before the runs (not counted): the process's first
 * requests after its start take the paths no request has taken yet (statements prepared on each pooled
 * connection, code compiled on first use), as the intake scenario's first family does. Their cards'
 * times are in the notes.
 */
const WARM_UP = 3;

async function warmUp(emulator: Emulator, warming: SeededFamily[], arrivals: Map<number, number>) {
  const pressedAt = await pressAtRate(emulator, warming, 1);
  await waitUntil(
    () => warming.every((family) => arrivals.has(family.curatorChat)),
    60_000,
    'the warm-up cards',
  );
  const times = warming.map((family) =>
    ms(arrivals.get(family.curatorChat)! - pressedAt.get(family.userId)!),
  );
  return `Warm-up (not counted): the process's first ${warming.length} cards after its start, pressed one a second, came ${times.join(', ')} after their presses.`;
}

/** Presses «Отправить» for each family of the batch at `rate` per second; when each was pressed. */
async function pressAtRate(emulator: Emulator, batch: SeededFamily[], rate: number) {
  const pressedAt = new Map<number, number>();
  const started = Date.now();
  for (const [index, family] of batch.entries()) {
    const wait = started + (index * 1000) / rate - Date.now();
    if (wait > 0) await sleep(wait);
    pressedAt.set(family.userId, Date.now());
    emulator.pressButtonByText(family.userId, undefined, confirmStep.value);
  }
  return pressedAt;
}

/**
 * An announcement to `count` families of another district (one chat each), made by its use case as
 * `/announce` makes it; the service's relay and routing put its copies in their lanes. Returns a reader of
 * how many have reached the emulator, once they flow.
 */
async function sendAnnouncement(env: ScenarioEnv, emulator: Emulator, count: number) {
  const district = await districtByCode(env.db, 'gryazi');
  const audience = await seedFamilies(env.db, emulator, count, {
    curatorEach: false,
    districtCode: 'gryazi',
  });
  const created = await createAnnouncement(
    { db: env.db, timeZone: 'Europe/Moscow' },
    {
      content: { text: 'Объявление: с 1 сентября школьникам положено бесплатное питание.' },
      audience: { districtIds: [district.id], filters: [] },
      paidBroadcast: false,
    },
  );
  if (!created.ok) throw new Error(`the announcement was not made: ${created.reason}`);
  const chats = audience.map((family) => family.userId);
  const got = () => chats.reduce((sum, chat) => sum + emulator.messages(chat, { from: 'bot' }).length, 0);
  // The cards wait behind nothing: start pressing once the announcement is flowing.
  await waitUntil(() => got() > 0, 30_000, 'the announcement flowing');
  return got;
}

/** The stages of a card, in ms (see stageTimes). */
interface CardStages {
  begun: number;
  relayed: number;
  routing: number;
  sent: number;
}

const stageLine = (stages: CardStages | undefined) =>
  stages
    ? [stages.begun, stages.relayed, stages.routing, stages.sent].map((stage) => fmt(stage)).join(' / ') +
      ' ms'
    : 'not known';

/**
 * Where the time goes, from PostgreSQL's timestamps (one machine, one clock), for the curator's card only
 * (the request's other notifications — the family's «доставлена», a psychologist offer — are not the card).
 * A row's `created_at` is its transaction's start (`now()`), so the request's save and the routing
 * transaction each show in the stage after their start; `dispatched_at` and `sent_at` are the relay's and
 * the sender's clock when they wrote. The p50 of each stage, and the stages of the slowest card.
 */
async function stageTimes(
  db: Awaited<ReturnType<typeof scenarioEnv>>['db'],
  batch: SeededFamily[],
  pressedAt: Map<number, number>,
  arrivals: Map<number, number>,
) {
  const familyIds = batch.map((family) => family.familyId);
  const rows = await db
    .select({
      telegramId: familyMembers.telegramId,
      chatId: notifications.chatId,
      created: requests.createdAt,
      dispatched: outbox.dispatchedAt,
      routed: notifications.createdAt,
      sent: notifications.sentAt,
    })
    .from(requests)
    .innerJoin(familyMembers, eq(familyMembers.familyId, requests.familyId))
    .innerJoin(
      notifications,
      and(eq(notifications.requestId, requests.id), eq(notifications.kind, notificationKinds.requestCard)),
    )
    .innerJoin(
      outbox,
      and(
        eq(outbox.kind, 'request_created'),
        eq(drizzleSql`(${outbox.payload}->>'requestId')::bigint`, requests.id),
      ),
    )
    .where(inArray(requests.familyId, familyIds));
  const cards: Array<CardStages & { total: number }> = [];
  for (const row of rows) {
    const pressed = pressedAt.get(Number(row.telegramId));
    const arrived = arrivals.get(Number(row.chatId));
    if (pressed === undefined || arrived === undefined || !row.dispatched || !row.sent) continue;
    cards.push({
      begun: row.created.getTime() - pressed,
      relayed: row.dispatched.getTime() - row.created.getTime(),
      routing: row.routed.getTime() - row.dispatched.getTime(),
      sent: row.sent.getTime() - row.routed.getTime(),
      total: arrived - pressed,
    });
  }
  const p50 = (stage: keyof CardStages) =>
    percentile(
      cards.map((card) => card[stage]),
      50,
    );
  return {
    p50: {
      begun: p50('begun'),
      relayed: p50('relayed'),
      routing: p50('routing'),
      sent: p50('sent'),
    },
    slowest: cards.reduce<(typeof cards)[number] | undefined>(
      (slowest, card) => (slowest && slowest.total >= card.total ? slowest : card),
      undefined,
    ),
  };
}
