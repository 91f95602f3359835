import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramRateLimits } from '../../src/sandbox/emulator/types.js';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { freshRedisPrefix, TEST_BOT_TOKEN, TEST_BOT_USERNAME, testEnv } from '../helpers/env.js';
import { freePort } from '../helpers/ports.js';
import { type SpawnedProcess, spawnEntry } from '../helpers/spawn.js';

// Not on useE2E: each mode (long polling, webhook, --role=all) is started as a process of its own, with an emulator of its own.

type Emulator = ReturnType<typeof createEmulator>;

const isStarted = (line: Record<string, unknown>) => line.msg === 'started';

/** Sends /start and returns the bot's answer, the way a new person meets the service. */
async function startChat(emulator: Emulator, firstName: string) {
  const user = emulator.createUser({ first_name: firstName, language_code: 'ru' });
  emulator.sendText(user.id, '/start');
  const reply = await emulator.waitForMessage(user.id);
  return { user, reply };
}

/** Delivers one update twice (same update_id), then a fresh one; counts the bot's answers. */
async function answersToDuplicatedUpdate(emulator: Emulator) {
  const user = emulator.createUser({ first_name: 'Ольга' });
  const update = {
    update_id: 900_001,
    message: {
      message_id: 1,
      date: Math.floor(Date.now() / 1000),
      chat: { id: user.id, type: 'private' as const, first_name: 'Ольга' },
      from: { id: user.id, is_bot: false, first_name: 'Ольга' },
      text: '/start',
      entities: [{ type: 'bot_command' as const, offset: 0, length: 6 }],
    },
  };
  emulator.injectUpdate(update);
  emulator.injectUpdate(update);
  // Updates of one chat are handled in order: once the answer to this later /start arrives, the
  // duplicate has been dealt with too.
  emulator.sendText(user.id, '/start');
  await emulator.waitForMessage(user.id);
  await emulator.waitForMessage(user.id);
  return emulator.messages(user.id, { from: 'bot' }).length;
}

describe('the service in long-polling mode', () => {
  let emulator: Emulator;
  let app: SpawnedProcess;

  beforeAll(async () => {
    emulator = createEmulator({
      token: TEST_BOT_TOKEN,
      botUsername: TEST_BOT_USERNAME,
      limits: telegramRateLimits,
    });
    await emulator.start();
    app = spawnEntry(
      'src/main.ts',
      ['--role=all'],
      testEnv({ TELEGRAM_API_ROOT: emulator.url, REDIS_PREFIX: freshRedisPrefix() }),
    );
    // Five processes start (the supervisor and its four roles).
    await app.waitForLog(isStarted, 180_000);
  }, 200_000);

  afterAll(async () => {
    await app?.stop('SIGKILL');
    await emulator?.stop();
  });

  it('greets a person who sends /start', async () => {
    const { reply } = await startChat(emulator, 'Мария');
    expect(reply.text).toContain('Патронаж');
    expect(reply.text).toContain('куратор');
    expect(app.logs().find(isStarted)).toMatchObject({ role: 'all', mode: 'polling' });
  });

  it('handles an update delivered twice only once', async () => {
    expect(await answersToDuplicatedUpdate(emulator)).toBe(2);
  });

  it('shuts down in order on SIGTERM and exits 0', async () => {
    const { code } = await app.stop('SIGTERM');
    expect(code).toBe(0);
    const messages = app.logs().map((line) => line.msg);
    expect(messages.indexOf('shutting down')).toBeGreaterThan(-1);
    expect(messages.indexOf('stopped')).toBeGreaterThan(messages.indexOf('shutting down'));
  });
});

describe('the service in webhook mode', () => {
  const secret = 'webhook-secret-for-tests_0123';
  let emulator: Emulator;
  let app: SpawnedProcess;
  let webhookUrl: string;
  let healthUrl: string;

  beforeAll(async () => {
    emulator = createEmulator({
      token: TEST_BOT_TOKEN,
      botUsername: TEST_BOT_USERNAME,
      limits: telegramRateLimits,
    });
    await emulator.start();
    const port = await freePort();
    webhookUrl = `http://127.0.0.1:${port}/telegram/webhook`;
    healthUrl = `http://127.0.0.1:${port}/healthz`;
    app = spawnEntry(
      'src/main.ts',
      ['--role=bot'],
      testEnv({
        TELEGRAM_API_ROOT: emulator.url,
        REDIS_PREFIX: freshRedisPrefix(),
        WEBHOOK_URL: webhookUrl,
        WEBHOOK_SECRET: secret,
        HTTP_PORT: String(port),
      }),
    );
    await app.waitForLog(isStarted);
  });

  afterAll(async () => {
    await app?.stop('SIGKILL');
    await emulator?.stop();
  });

  it('registers its webhook with the secret and answers /start', async () => {
    expect(emulator.webhookInfo().url).toBe(webhookUrl);
    expect(app.logs().find(isStarted)).toMatchObject({ role: 'bot', mode: 'webhook' });
    const { reply } = await startChat(emulator, 'Анна');
    expect(reply.text).toContain('Патронаж');
  });

  it('refuses a webhook call without the right secret, and changes nothing', async () => {
    const user = emulator.createUser({ first_name: 'Злоумышленник' });
    const forged = {
      update_id: 777_001,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: user.id, type: 'private', first_name: 'x' },
        from: { id: user.id, is_bot: false, first_name: 'x' },
        text: '/start',
        entities: [{ type: 'bot_command', offset: 0, length: 6 }],
      },
    };
    const without = await fetch(webhookUrl, { method: 'POST', body: JSON.stringify(forged) });
    const wrong = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'x-telegram-bot-api-secret-token': 'not-the-secret-at-all' },
      body: JSON.stringify(forged),
    });
    expect([without.status, wrong.status]).toEqual([401, 401]);
    // A real update afterwards is answered, and the forged one never was.
    emulator.sendText(user.id, '/start');
    await emulator.waitForMessage(user.id);
    expect(emulator.messages(user.id, { from: 'bot' })).toHaveLength(1);
  });

  it('answers a malformed body with 400 and stays up', async () => {
    const headers = { 'x-telegram-bot-api-secret-token': secret, 'content-type': 'application/json' };
    const broken = await fetch(webhookUrl, { method: 'POST', headers, body: '{"update_id": 1, "message": ' });
    const notAnUpdate = await fetch(webhookUrl, { method: 'POST', headers, body: '[1,2,3]' });
    expect([broken.status, notAnUpdate.status]).toEqual([400, 400]);
    const health = await fetch(healthUrl);
    expect(health.status).toBe(200);
    const { reply } = await startChat(emulator, 'Ирина');
    expect(reply.text).toContain('Патронаж');
  });

  it('handles an update delivered twice only once', async () => {
    expect(await answersToDuplicatedUpdate(emulator)).toBe(2);
  });
});

describe('bad configuration', () => {
  const noStackTrace = (text: string) => !/\n\s+at /.test(text);

  it('exits 1 naming an empty BOT_TOKEN', async () => {
    const app = spawnEntry('src/main.ts', [], testEnv({ BOT_TOKEN: '' }));
    const { code } = await app.exited;
    expect(code).toBe(1);
    expect(app.stderr()).toContain('BOT_TOKEN is empty');
    expect(noStackTrace(app.stderr())).toBe(true);
  });

  it('exits 1 naming a nonsense DATABASE_URL', async () => {
    const app = spawnEntry('src/main.ts', [], testEnv({ DATABASE_URL: 'nonsense' }));
    const { code } = await app.exited;
    expect(code).toBe(1);
    expect(app.stderr()).toMatch(/DATABASE_URL must be a URL/);
    expect(noStackTrace(app.stderr())).toBe(true);
  });

  it('exits 1 on an unknown role', async () => {
    const app = spawnEntry('src/main.ts', ['--role=everything'], testEnv());
    expect((await app.exited).code).toBe(1);
    expect(app.stderr()).toContain('--role must be one of');
  });

  it('exits 1 on --one-process with a role other than all', async () => {
    const app = spawnEntry('src/main.ts', ['--role=worker', '--one-process'], testEnv());
    expect((await app.exited).code).toBe(1);
    expect(app.stderr()).toContain('--one-process goes with --role=all');
  });
});
