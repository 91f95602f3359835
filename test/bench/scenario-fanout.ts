import { and, eq, sql } from 'drizzle-orm';
import { notifications } from '../../src/db/schema/index.js';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { createConfirmedRequestsInBulk } from '../helpers/routing-factories.js';
import { BENCH_BOT_TOKEN, scenarioEnv } from './bench-env.js';
import { type StartedChild, startServiceChild } from './bot-child.js';
import type { ScenarioResult } from './report.js';
import { seedFamilies } from './seed.js';
import { busiestWindow, fmt, percentile, waitUntil } from './stats.js';

/**
 * Fan-out: N request cards to M curators' chats (N/M each), committed at once, with the emulator enforcing
 * Telegram's limits (30/s in total, 1/s per chat, 429 with retry_after beyond them). The service runs as
 * one process (`--role=all`); figures from the emulator's own record of accepted sends.
 */
export async function fanOutScenario(options: {
  notifications: number;
  chats: number;
}): Promise<ScenarioResult> {
  const env = await scenarioEnv('fanout');
  const emulator = createEmulator({ token: BENCH_BOT_TOKEN, limits: { global: 30, perChat: 1 } });
  await emulator.start();
  let child: StartedChild | undefined;
  const sends: Array<{ chatId: number; at: number }> = [];
  const stopListening = emulator.onEvent((event) => {
    if (event.type === 'message' && event.message.from?.is_bot)
      sends.push({ chatId: event.chatId, at: Date.now() });
  });
  try {
    const families = await seedFamilies(env.db, emulator, options.chats, { curatorEach: true });
    child = await startServiceChild(env, emulator.url, 'all');
    const committedAt = Date.now();
    await createConfirmedRequestsInBulk(
      env.db,
      families.map((family) => family.familyId),
      options.notifications,
    );
    await waitUntil(
      async () => {
        const [row] = await env.db
          .select({ n: sql<number>`count(*)::int` })
          .from(notifications)
          .where(and(eq(notifications.status, 'sent'), eq(notifications.kind, 'request_card')));
        return (row?.n ?? 0) >= options.notifications;
      },
      60_000 + (options.notifications / 20) * 1000,
      `${options.notifications} request cards sent`,
    );
    const stats = emulator.stats();
    const times = sends.map((send) => send.at).sort((a, b) => a - b);
    const first = times[0]!;
    const last = times[times.length - 1]!;
    const overall = (times.length - 1) / ((last - first) / 1000);
    // Sustained: the middle 90 % of the sends, without the start-up ramp and the tail of the last chats.
    const from = percentile(times, 5);
    const to = percentile(times, 95);
    const middle = times.filter((at) => at >= from && at <= to).length;
    const sustained = (middle - 1) / ((to - from) / 1000);
    const byChat = new Map<number, number[]>();
    for (const send of sends) byChat.set(send.chatId, [...(byChat.get(send.chatId) ?? []), send.at]);
    const busiestChat = Math.max(...[...byChat.values()].map((chatTimes) => busiestWindow(chatTimes, 1000)));
    const name = `3 fan-out (${fmt(options.notifications)} to ${fmt(options.chats)} chats)`;
    return {
      rows: [
        {
          scenario: name,
          metric: 'messages/s sustained (middle 90 %) / overall',
          value: `${fmt(sustained, 1)} / ${fmt(overall, 1)}`,
          target: '≥ 29',
          met: sustained >= 29,
        },
        {
          scenario: name,
          metric: '429s received / most sends in 1 s, all chats / one chat',
          value: `${stats.tooManyRequests} / ${stats.maxSendsPerSecondGlobal} / ${stats.maxSendsPerSecondPerChat}`,
          target: '0 / ≤ 30 / ≤ 1',
          met:
            stats.tooManyRequests === 0 &&
            stats.maxSendsPerSecondGlobal <= 30 &&
            stats.maxSendsPerSecondPerChat <= 1,
        },
      ],
      notes: [
        `${fmt(stats.acceptedSends)} sends accepted by the emulator for ${fmt(options.notifications)} notifications, ` +
          `${byChat.size} chats reached (busiest 1-s window seen from outside: ${busiestChat} per chat); the first card ` +
          `${fmt((first - committedAt) / 1000, 1)} s after the commit, the last ${fmt((last - committedAt) / 1000, 1)} s after.`,
      ],
    };
  } finally {
    stopListening();
    await child?.stop();
    await emulator.stop();
    await env.close();
  }
}
