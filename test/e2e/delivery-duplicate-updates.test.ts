import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/sandbox/emulator.js';
import { freshRedisPrefix, TEST_BOT_TOKEN, TEST_BOT_USERNAME, testEnv } from '../helpers/env.js';
import { eventually } from '../helpers/pipeline.js';
import { freePort } from '../helpers/ports.js';
import { type SpawnedProcess, spawnEntry } from '../helpers/spawn.js';

const secret = 'webhook-secret-for-two-bots_01';
const isStarted = (line: Record<string, unknown>) => line.msg === 'started';

function startUpdate(updateId: number, userId: number) {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private', first_name: 'Ольга' },
      from: { id: userId, is_bot: false, first_name: 'Ольга', language_code: 'ru' },
      text: '/start',
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    },
  };
}

/**
 * Two bot processes behind a balancer (webhook mode, one Redis): Telegram retrying an update may hit the
 * other process. The same update_id posted to both is answered once.
 */
describe('two webhook bot processes receiving the same update', () => {
  let emulator: Emulator;
  const bots: { process: SpawnedProcess; webhookUrl: string }[] = [];

  beforeAll(async () => {
    emulator = createEmulator({ token: TEST_BOT_TOKEN, botUsername: TEST_BOT_USERNAME });
    await emulator.start();
    const redisPrefix = freshRedisPrefix();
    for (let i = 0; i < 2; i += 1) {
      const port = await freePort();
      const webhookUrl = `http://127.0.0.1:${port}/telegram/webhook`;
      const process = spawnEntry(
        'src/main.ts',
        ['--role=bot'],
        testEnv({
          TELEGRAM_API_ROOT: emulator.url,
          REDIS_PREFIX: redisPrefix,
          WEBHOOK_URL: webhookUrl,
          WEBHOOK_SECRET: secret,
          HTTP_PORT: String(port),
        }),
      );
      bots.push({ process, webhookUrl });
    }
    await Promise.all(bots.map((bot) => bot.process.waitForLog(isStarted, 60_000)));
  });

  afterAll(async () => {
    await Promise.all(bots.map((bot) => bot.process.stop('SIGKILL')));
    await emulator?.stop();
  });

  const post = (webhookUrl: string, update: unknown) =>
    fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: JSON.stringify(update),
    });

  it('is answered by one of them only', async () => {
    // What one /start produces, delivered to one process only.
    const single = emulator.createUser({ first_name: 'Ольга' });
    expect((await post(bots[0]!.webhookUrl, startUpdate(910_001, single.id))).status).toBe(200);
    const answersToOne = emulator.messages(single.id, { from: 'bot' }).length;
    expect(answersToOne).toBeGreaterThan(0);

    // The same update to both at once. Each webhook call returns after its update was handled (or skipped).
    const twice = emulator.createUser({ first_name: 'Ольга' });
    const update = startUpdate(910_002, twice.id);
    const responses = await Promise.all(bots.map((bot) => post(bot.webhookUrl, update)));
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(emulator.messages(twice.id, { from: 'bot' })).toHaveLength(answersToOne);
    // One of them logged the skip (its stdout may reach us a moment after its HTTP answer).
    const skipped = () =>
      bots.flatMap((bot) => bot.process.logs().filter((line) => line.msg === 'duplicate update skipped'));
    await eventually(async () => skipped().length > 0, 5000, 'the skip logged');
    expect(skipped()).toHaveLength(1);
  });
});
