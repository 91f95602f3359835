import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { floodWithOthers, textUpdate, webhookPoster } from '../helpers/webhook-flood.js';
import { BENCH_BOT_TOKEN, scenarioEnv } from './bench-env.js';
import { type StartedChild, startServiceChild } from './bot-child.js';
import type { ScenarioResult } from './report.js';
import { seedFamilies } from './seed.js';
import { busiestWindow, fmt, ms, percentile } from './stats.js';

/** Telegram's ceiling: 30 messages a second for a bot, so the k-th of replies queued at once goes no sooner. */
const TELEGRAM_MS_PER_SEND = 1000 / 30;

/**
 * Each family's time beyond what Telegram's ceiling imposes when their replies are all wanted at once: the
 * k-th answered (k from 0) could not have had its reply before k × 1000/30 ms, whoever the bot served first.
 */
export function beyondCeiling(times: number[]): number[] {
  return [...times].sort((a, b) => a - b).map((ms, k) => Math.max(0, ms - k * TELEGRAM_MS_PER_SEND));
}

/**
 * Fairness of the webhook under a flood: one person sends `floodSize` messages, posted like Telegram over 40
 * parallel connections, first come first served; `families` other registered families each send /help,
 * queued evenly among the flood. Their time = from the /help being queued (Telegram has it) to the bot's
 * answer to that webhook call, which comes after the update was handled. Production flood limit. Three runs
 * against one bot process (warmed up by each family's /help, one at a time), each with a flooder of its own:
 * the /help alone at their times (the control), the flood arriving at 100 updates/s with the /help among
 * it, and everything queued at once (a backlog).
 */
export async function floodScenario(options: {
  floodSize: number;
  families: number;
}): Promise<ScenarioResult> {
  const env = await scenarioEnv('flood');
  const emulator = createEmulator({ token: BENCH_BOT_TOKEN });
  await emulator.start();
  let child: StartedChild | undefined;
  // When the bot's messages reached the emulator: how fast its replies went, against Telegram's ceiling.
  const sentAt: number[] = [];
  const stopListening = emulator.onEvent((event) => {
    if (event.type === 'message' && event.message.from?.is_bot) sentAt.push(performance.now());
  });
  try {
    const families = await seedFamilies(env.db, emulator, options.families, { curatorEach: false });
    const secret = randomBytes(16).toString('hex');
    child = await startServiceChild(env, emulator.url, 'bot', {
      WEBHOOK_SECRET: secret,
      FLOOD_LIMIT: process.env.BENCH_FLOOD_LIMIT ?? '30',
      FLOOD_WINDOW_SECONDS: '10',
    });
    const url = `http://127.0.0.1:${child.httpPort}/telegram/webhook`;
    const others = families.map((family) => family.userId);
    const helpAnswers = () =>
      families.map(
        (family) =>
          emulator
            .messages(family.userId, { from: 'bot' })
            .filter((message) => (message.text ?? '').startsWith('Чем может помочь бот:')).length,
      );
    /** One run with a flooder of its own (a fresh count); the families' /help answers it brought. */
    const run = async (pace: { floodPerSecond?: number; withoutFlood?: boolean }) => {
      const flooder = emulator.createUser({ first_name: 'Флудер', language_code: 'ru' }).id;
      const before = helpAnswers();
      const started = performance.now();
      const sentBefore = sentAt.length;
      const calls = await floodWithOthers({
        url,
        secret,
        flooder,
        others,
        floodSize: options.floodSize,
        ...pace,
      });
      const seconds = (performance.now() - started) / 1000;
      // The webhook answers after handling: each family's answer is in its chat by now.
      const answered = helpAnswers().filter((count, index) => count > before[index]!).length;
      const notices = emulator
        .messages(flooder, { from: 'bot' })
        .filter((message) => (message.text ?? '').startsWith('Вы отправляете очень много сообщений')).length;
      const failed = [...calls.flood, ...calls.help].filter((call) => call.status !== 200).length;
      const sends = sentAt.slice(sentBefore);
      return { ...calls, seconds, answered, notices, failed, sends };
    };
    const perSecond = 100;
    // Warm-up: every family's /help once, one at a time, so that no run pays for loading code.
    const warmUp = webhookPoster(url, secret, 1);
    for (const other of others) await warmUp.send(textUpdate(other, '/help'));
    const control = await run({ floodPerSecond: perSecond, withoutFlood: true });
    const paced = await run({ floodPerSecond: perSecond });
    const backlog = await run({});
    const load = loadavg()
      .map((value) => value.toFixed(1))
      .join(' / ');
    const name = `7 flood (${options.floodSize} updates from one chat, 40 connections)`;
    const spread = (values: number[]) => `${ms(percentile(values, 50))} / ${ms(percentile(values, 99))}`;
    const helpRate = (perSecond * options.families) / options.floodSize;
    const pacedP99 = percentile(
      paced.help.map((call) => call.ms),
      99,
    );
    const backlogP99 = percentile(beyondCeiling(backlog.help.map((call) => call.ms)), 99);
    const describe = (label: string, result: Awaited<ReturnType<typeof run>>) =>
      `${label}: ${fmt(result.flood.length + result.help.length)} webhook calls in ${fmt(result.seconds, 1)} s, ` +
      `${result.failed} answered other than 200, ${result.answered} of ${options.families} families got their help` +
      (result.flood.length > 0 ? `, the flooder was told to slow down ${result.notices} time(s)` : '') +
      `, the bot's messages ${result.sends.length} (most in any second ${busiestWindow(result.sends, 1000)})`;
    return {
      rows: [
        {
          scenario: name,
          metric: `another family's /help p50 / p99 (${options.families} families at ${fmt(helpRate)}/s, flood arriving at ${perSecond}/s)`,
          value: spread(paced.help.map((call) => call.ms)),
          target: 'p99 ≤ 1 s',
          met: pacedP99 <= 1000,
        },
        {
          scenario: name,
          metric: 'the same /help without the flood p50 / p99',
          value: spread(control.help.map((call) => call.ms)),
        },
        {
          scenario: name,
          metric: `/help p50 / p99 when all ${options.floodSize + options.families} are queued at once (a backlog)`,
          value: spread(backlog.help.map((call) => call.ms)),
        },
        {
          scenario: name,
          metric: `the same, beyond Telegram's ceiling (the k-th of ${options.families} replies queued at once goes no sooner than k / 30 s)`,
          value: spread(beyondCeiling(backlog.help.map((call) => call.ms))),
          target: 'p99 ≤ 1 s',
          met: backlogP99 <= 1000,
        },
        {
          scenario: name,
          metric: 'a backlogged /help’s webhook call alone p50 / p99 (without the wait for a connection)',
          value: spread(backlog.help.map((call) => call.callMs)),
        },
        {
          scenario: name,
          metric: 'flooder’s calls answered p50 / p99 (arriving at 100/s; backlog)',
          value: `${spread(paced.flood.map((call) => call.ms))}; ${spread(backlog.flood.map((call) => call.ms))}`,
        },
      ],
      notes: [
        `${describe('Flood arriving at 100/s', paced)}; ${describe('without it', control)}; ${describe('backlog', backlog)} ` +
          '(FLOOD_LIMIT 30 per 10 s: the rest of the flood answered at once and not handled). ' +
          `Load average (1/5/15 min) right after: ${load}.`,
      ],
    };
  } finally {
    stopListening();
    await child?.stop();
    await emulator.stop();
    await env.close();
  }
}
