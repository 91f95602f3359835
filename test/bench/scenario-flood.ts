import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { floodWithOthers } from '../helpers/webhook-flood.js';
import { BENCH_BOT_TOKEN, scenarioEnv } from './bench-env.js';
import { type StartedChild, startServiceChild } from './bot-child.js';
import type { ScenarioResult } from './report.js';
import { seedFamilies } from './seed.js';
import { fmt, ms, percentile } from './stats.js';

/**
 * Fairness of the webhook under a flood: one person sends `floodSize` messages, posted like Telegram over 40
 * parallel connections, first come first served; `families` other registered families each send /help,
 * queued evenly among the flood. Their time = from the /help being queued (Telegram has it) to the bot's
 * answer to that webhook call, which comes after the update was handled. Production flood limit.
 */
export async function floodScenario(options: {
  floodSize: number;
  families: number;
}): Promise<ScenarioResult> {
  const env = await scenarioEnv('flood');
  const emulator = createEmulator({ token: BENCH_BOT_TOKEN });
  await emulator.start();
  let child: StartedChild | undefined;
  try {
    const families = await seedFamilies(env.db, emulator, options.families, { curatorEach: false });
    const flooder = emulator.createUser({ first_name: 'Флудер', language_code: 'ru' }).id;
    const secret = randomBytes(16).toString('hex');
    child = await startServiceChild(env, emulator.url, 'bot', {
      WEBHOOK_SECRET: secret,
      FLOOD_LIMIT: process.env.BENCH_FLOOD_LIMIT ?? '30',
      FLOOD_WINDOW_SECONDS: '10',
    });
    const url = `http://127.0.0.1:${child.httpPort}/telegram/webhook`;
    const started = performance.now();
    const { flood, help } = await floodWithOthers({
      url,
      secret,
      flooder,
      others: families.map((family) => family.userId),
      floodSize: options.floodSize,
    });
    const seconds = (performance.now() - started) / 1000;
    const load = loadavg()
      .map((value) => value.toFixed(1))
      .join(' / ');
    const helpMs = help.map((call) => call.ms);
    const floodMs = flood.map((call) => call.ms);
    const answered = families.filter((family) =>
      emulator
        .messages(family.userId, { from: 'bot' })
        .some((message) => (message.text ?? '').startsWith('Чем может помочь бот:')),
    ).length;
    const notices = emulator
      .messages(flooder, { from: 'bot' })
      .filter((message) => (message.text ?? '').startsWith('Вы отправляете очень много сообщений')).length;
    const failed = [...flood, ...help].filter((call) => call.status !== 200).length;
    const name = `7 flood (${options.floodSize} updates from one chat, 40 connections)`;
    const p99 = percentile(helpMs, 99);
    return {
      rows: [
        {
          scenario: name,
          metric: `another family's /help p50 / p99 (${options.families} families)`,
          value: `${ms(percentile(helpMs, 50))} / ${ms(p99)}`,
          target: 'p99 ≤ 1 s',
          met: p99 <= 1000,
        },
        {
          scenario: name,
          metric: 'its webhook call alone p50 / p99 (without the wait for a connection)',
          value: `${ms(
            percentile(
              help.map((call) => call.callMs),
              50,
            ),
          )} / ${ms(
            percentile(
              help.map((call) => call.callMs),
              99,
            ),
          )}`,
        },
        {
          scenario: name,
          metric: 'flooder’s calls answered p50 / p99',
          value: `${ms(percentile(floodMs, 50))} / ${ms(percentile(floodMs, 99))}`,
        },
      ],
      notes: [
        `${fmt(flood.length + help.length)} webhook calls in ${fmt(seconds, 1)} s, ${failed} answered other than 200; ` +
          `${answered} of ${options.families} families got their help; the flooder was told to slow down ${notices} time(s) ` +
          '(FLOOD_LIMIT 30 per 10 s: the rest of the flood answered at once and not handled). ' +
          `Load average (1/5/15 min) right after: ${load}.`,
      ],
    };
  } finally {
    await child?.stop();
    await emulator.stop();
    await env.close();
  }
}
