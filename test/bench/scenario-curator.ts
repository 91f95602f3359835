import { setTimeout as sleep } from 'node:timers/promises';
import { eq, inArray } from 'drizzle-orm';
import { familyMembers, notifications, requests } from '../../src/db/schema/index.js';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { BENCH_BOT_TOKEN, scenarioEnv } from './bench-env.js';
import { type StartedChild, startServiceChild } from './bot-child.js';
import type { ResultRow, ScenarioResult } from './report.js';
import { type SeededFamily, seedFamilies } from './seed.js';
import { fmt, inParallel, ms, percentile, waitUntil } from './stats.js';
import { requestDialogue, walk } from './walks.js';

const confirmStep = requestDialogue[requestDialogue.length - 1]!;
const upToSummary = requestDialogue.slice(0, -1);

/**
 * Time to the curator: families wait on the summary («Всё верно?»); at a steady rate each presses
 * «Отправить», and we time from that press (the update handed to the webhook queue) to the request card
 * arriving in the chat of the family's curator at the emulator. Every family has its own curator, so
 * Telegram's 1/s per chat never holds a card back; the service's own 30-per-1.25-s send window does.
 */
export async function curatorScenario(options: {
  rates: number[];
  seconds: number;
}): Promise<ScenarioResult> {
  const env = await scenarioEnv('curator');
  const emulator = createEmulator({ token: BENCH_BOT_TOKEN });
  await emulator.start();
  let child: StartedChild | undefined;
  const arrivals = new Map<number, number>();
  const stopListening = emulator.onEvent((event) => {
    if (event.type === 'message' && event.message.from?.is_bot && !arrivals.has(event.chatId)) {
      arrivals.set(event.chatId, Date.now());
    }
  });
  try {
    const total = options.rates.reduce((sum, rate) => sum + rate * options.seconds, 0);
    const families = await seedFamilies(env.db, emulator, total, { curatorEach: true });
    child = await startServiceChild(env, emulator.url, 'all');
    await inParallel(families, 50, async (family) => {
      await walk(emulator, family.userId, upToSummary);
    });
    await sleep(1000);

    const rows: ResultRow[] = [];
    const notes: string[] = [];
    let offset = 0;
    for (const rate of options.rates) {
      const batch = families.slice(offset, offset + rate * options.seconds);
      offset += batch.length;
      const pressedAt = new Map<number, number>();
      const started = Date.now();
      for (const [index, family] of batch.entries()) {
        const due = started + (index * 1000) / rate;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
        pressedAt.set(family.userId, Date.now());
        emulator.pressButtonByText(family.userId, undefined, confirmStep.value);
      }
      const sendSeconds = (Date.now() - started) / 1000;
      await waitUntil(
        () => batch.every((family) => arrivals.has(family.curatorChat)),
        120_000 + (batch.length / 20) * 1000,
        `${batch.length} cards at ${rate}/s`,
      );
      const latencies = batch.map(
        (family) => arrivals.get(family.curatorChat)! - pressedAt.get(family.userId)!,
      );
      const stages = await stageTimes(env.db, batch, pressedAt);
      const p99 = percentile(latencies, 99);
      rows.push({
        scenario: `2 time to the curator (${batch.length} requests)`,
        metric: `confirm → card p50 / p95 / p99 at ${rate}/s`,
        value: `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 95))} / ${ms(p99)}`,
        target: rate === 100 ? 'p99 ≤ 250 ms' : undefined,
        met: rate === 100 ? p99 <= 250 : undefined,
      });
      notes.push(
        `At ${rate}/s: ${batch.length} presses over ${fmt(sendSeconds, 1)} s; p50 of the stages: press → request ` +
          `saved ${ms(stages.saved)}, saved → notification row (relay + routing) ${ms(stages.routed)}, ` +
          `notification row → card at the emulator (delivery queue + send window + HTTP) ${ms(stages.delivered)}; ` +
          `the last card came ${fmt(Math.max(...latencies) / 1000, 1)} s after its press.`,
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

/** Where the time goes, from PostgreSQL's timestamps (one machine, one clock). */
async function stageTimes(
  db: Awaited<ReturnType<typeof scenarioEnv>>['db'],
  batch: SeededFamily[],
  pressedAt: Map<number, number>,
) {
  const familyIds = batch.map((family) => family.familyId);
  const rows = await db
    .select({
      telegramId: familyMembers.telegramId,
      created: requests.createdAt,
      routed: notifications.createdAt,
      sent: notifications.sentAt,
    })
    .from(requests)
    .innerJoin(familyMembers, eq(familyMembers.familyId, requests.familyId))
    .innerJoin(notifications, eq(notifications.requestId, requests.id))
    .where(inArray(requests.familyId, familyIds));
  const saved: number[] = [];
  const routed: number[] = [];
  const delivered: number[] = [];
  for (const row of rows) {
    const pressed = pressedAt.get(Number(row.telegramId));
    if (pressed === undefined) continue;
    saved.push(row.created.getTime() - pressed);
    routed.push(row.routed.getTime() - row.created.getTime());
    if (row.sent) delivered.push(row.sent.getTime() - row.routed.getTime());
  }
  return {
    saved: percentile(saved, 50),
    routed: percentile(routed, 50),
    delivered: percentile(delivered, 50),
  };
}
