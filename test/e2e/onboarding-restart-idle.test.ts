import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.js';
import { familyMembers } from '../../src/db/schema/index.js';
import { telegramRateLimits } from '../../src/sandbox/emulator/types.js';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { type BotUnderTest, startBotWithEmulator, watchForFailureReplies } from '../helpers/bot-app.js';
import { freshRedisPrefix, TEST_BOT_TOKEN, TEST_BOT_USERNAME, testEnv } from '../helpers/env.js';
import { familyChat } from '../helpers/family-dialogue.js';
import { type SpawnedProcess, spawnEntry } from '../helpers/spawn.js';

const isStarted = (line: Record<string, unknown>) => line.msg === 'started';

describe('a dialogue survives a restart of the bot process', () => {
  let emulator: ReturnType<typeof createEmulator>;
  let failures: ReturnType<typeof watchForFailureReplies>;
  let app: SpawnedProcess | undefined;
  const db = createDb(process.env.DATABASE_URL!, { max: 1 });

  beforeAll(async () => {
    emulator = createEmulator({
      token: TEST_BOT_TOKEN,
      botUsername: TEST_BOT_USERNAME,
      limits: telegramRateLimits,
    });
    failures = watchForFailureReplies(emulator);
    await emulator.start();
  });
  afterAll(async () => {
    await app?.stop('SIGKILL');
    await emulator?.stop();
    await db.sql.end({ timeout: 5 });
    failures?.check();
  });

  it('continues at the same step after SIGTERM and a fresh `--role=bot` process', async () => {
    const env = testEnv({ TELEGRAM_API_ROOT: emulator.url, REDIS_PREFIX: freshRedisPrefix() });
    app = spawnEntry('src/main.ts', ['--role=bot'], env);
    await app.waitForLog(isStarted);
    const user = emulator.createUser({ first_name: 'Светлана', language_code: 'ru' });
    const chat = familyChat(emulator, user.id, 20_000);
    await chat.say('/start', 'Патронаж');
    await chat.next('Вы согласны');
    await chat.press('Даю согласие', 'номером телефона');
    await chat.shareOwnContact('+79991112233', 'номер получили');
    await chat.next('Как вас зовут');
    await chat.say('Орлова Светлана Игоревна', 'Кем вы приходитесь');

    expect((await app.stop('SIGTERM')).code).toBe(0);
    app = spawnEntry('src/main.ts', ['--role=bot'], env);
    await app.waitForLog(isStarted);

    // The button of the question asked by the old process still answers it.
    await chat.press('Мать', 'Фамилия, имя и отчество военнослужащего');
    await chat.say('Орлов Игорь Петрович', 'Дата рождения военнослужащего');
    await chat.press('Пропустить', 'В каком районе');
    await chat.press('городской округ город Липецк', 'Населённый пункт');
    await chat.say('Липецк', 'Адрес');
    await chat.press('Пропустить', 'дети');
    await chat.press('Пропустить', 'родственники');
    await chat.press('Пропустить', 'Сохранить?');
    await chat.press('Всё верно, сохранить', 'зарегистрирована');
    const members = await db.db.select().from(familyMembers).where(eq(familyMembers.telegramId, user.id));
    expect(members.map((m) => [m.fullName, m.relationship, m.phone])).toEqual([
      ['Орлова Светлана Игоревна', 'mother', '+79991112233'],
    ]);
  }, 60_000);
});

describe('a dialogue left alone is closed with a message', () => {
  let bot: BotUnderTest;
  let redis: Redis;
  beforeAll(async () => {
    // About a second of idleness instead of 24 hours.
    bot = await startBotWithEmulator({ DIALOGUE_IDLE_HOURS: '0.0003' });
    redis = new Redis(process.env.REDIS_URL!);
  });
  afterAll(async () => {
    redis?.disconnect();
    await bot?.stop();
  });

  it('tells the person, drops the dialogue state, and the next message starts from the way back', async () => {
    // Another id than the first describe's user: both emulators number users from the same start.
    const user = bot.emulator.createUser({ id: 100_000_777, first_name: 'Инна', language_code: 'ru' });
    const chat = familyChat(bot.emulator, user.id);
    await chat.say('/start', 'Патронаж');
    await chat.next('Вы согласны');
    await chat.press('Даю согласие', 'номером телефона');
    expect(await redis.exists(`${bot.config.redisPrefix}:dlg:${user.id}`)).toBe(1);

    const closed = await chat.next('закрыли незаконченную регистрацию');
    expect(closed.text).toContain('/start');
    expect(await redis.exists(`${bot.config.redisPrefix}:dlg:${user.id}`)).toBe(0);
    expect(await redis.zscore(`${bot.config.redisPrefix}:dlg:idle`, String(user.id))).toBeNull();
    bot.emulator.sendContact(user.id, { phone_number: '+79990001122' });
    expect((await chat.next()).text).toContain('/start');
  });
});
