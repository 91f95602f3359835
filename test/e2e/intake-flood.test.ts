import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../src/app.js';
import { createDb } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import { createEmulator, type Emulator } from '../../src/sandbox/emulator.js';
import { freshRedisPrefix, TEST_BOT_TOKEN, TEST_BOT_USERNAME, testConfig } from '../helpers/env.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { eventually } from '../helpers/pipeline.js';
import { freePort } from '../helpers/ports.js';
import { floodWithOthers } from '../helpers/webhook-flood.js';

// Not on useE2E: the bot runs in webhook mode on a port chosen before it starts, with the production flood limit.

/**
 * One person floods the webhook with 500 messages over 40 parallel connections (Telegram's default
 * `max_connections`); meanwhile ten other families send /help, and one more sends three commands at once.
 * With the production flood limit (30 updates per 10 s) the flood's excess is answered at once, and updates
 * of a chat that has one in hand are kept and answered at once instead of holding connections: every family
 * gets its answers, all of them and in order, the flooder is told once to slow down, and no webhook call
 * fails. `npm run bench -- --only flood` measures the families' p99 (BENCHMARKS.md).
 */
const secret = 'flood-test-secret_0123456789';
let emulator: Emulator;
let app: RunningApp;
let database: ReturnType<typeof createDb>;
let webhookUrl: string;

beforeAll(async () => {
  emulator = createEmulator({ token: TEST_BOT_TOKEN, botUsername: TEST_BOT_USERNAME });
  await emulator.start();
  const port = await freePort();
  webhookUrl = `http://127.0.0.1:${port}/telegram/webhook`;
  const config = testConfig({
    TELEGRAM_API_ROOT: emulator.url,
    REDIS_PREFIX: freshRedisPrefix(),
    WEBHOOK_URL: webhookUrl,
    WEBHOOK_SECRET: secret,
    HTTP_PORT: String(port),
    FLOOD_LIMIT: '30',
    FLOOD_WINDOW_SECONDS: '10',
  });
  app = await startApp(config, { role: 'bot', logger: createLogger({ level: 'silent' }) });
  database = createDb(config.databaseUrl, { max: 2 });
});
afterAll(async () => {
  await app?.stop();
  await emulator?.stop();
  await database?.sql.end({ timeout: 1 });
});

describe('a chat flooding the webhook', () => {
  it('does not keep other families from being answered, and is told once to slow down', async () => {
    const flooder = emulator.createUser({ first_name: 'Пётр', language_code: 'ru' }).id;
    const others: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const user = emulator.createUser({ first_name: `Семья ${i}`, language_code: 'ru' }).id;
      await createRegisteredFamily(database.db, { telegramId: user });
      others.push(user);
    }

    const quick = emulator.createUser({ first_name: 'Анна', language_code: 'ru' }).id;
    await createRegisteredFamily(database.db, { telegramId: quick });

    const { flood, help, burst } = await floodWithOthers({
      url: webhookUrl,
      secret,
      flooder,
      others,
      floodSize: 500,
      burst: { userId: quick, texts: ['/menu', '/help', '/menu'] },
    });

    expect(flood.filter((call) => call.status !== 200)).toEqual([]);
    expect(help.map((call) => call.status)).toEqual(others.map(() => 200));
    expect(burst.map((call) => call.status)).toEqual([200, 200, 200]);
    // A person writing quickly loses nothing: each of the three is answered, in the order sent.
    const answers = () =>
      emulator
        .messages(quick, { from: 'bot' })
        .map((message) => message.text ?? '')
        .filter((text) => text.startsWith('Главное меню') || text.startsWith('Чем может помочь бот:'))
        .map((text) => (text.startsWith('Главное меню') ? 'menu' : 'help'));
    await eventually(async () => answers().length >= 3, 20_000, 'the quick family’s three answers');
    expect(answers()).toEqual(['menu', 'help', 'menu']);
    // The webhook answers after handling: each family's help is already in its chat.
    for (const family of others) {
      const texts = emulator.messages(family, { from: 'bot' }).map((message) => message.text ?? '');
      expect(texts.some((text) => text.startsWith('Чем может помочь бот:'))).toBe(true);
    }
    const notices = () =>
      emulator
        .messages(flooder, { from: 'bot' })
        .filter((message) => (message.text ?? '').startsWith('Вы отправляете очень много сообщений'));
    // The notice may queue behind the flooder's own answers (≤ 30 in the window, one per second in a chat).
    await eventually(async () => notices().length > 0, 45_000, 'the notice to the flooder');
    expect(notices().map((message) => message.text)).toEqual([
      'Вы отправляете очень много сообщений подряд, и часть из них не дошла. Пожалуйста, пишите чуть реже.\n' +
        'Подождите минуту и отправьте ещё раз то, что важно.',
    ]);
  }, 120_000);
});
