import { conversations, createConversation } from '@grammyjs/conversations';
import { Bot } from 'grammy';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotContext, DialogueContext, DialogueConversation } from '../../src/bot/context.js';
import { draftsUnknown } from '../../src/bot/dialogue/drafts.js';
import { leaveDialogueOnEscape } from '../../src/bot/dialogue/escape.js';
import { createDialogueExtras } from '../../src/bot/dialogue/extras.js';
import { askAttachments, askChoice, askDate, askText } from '../../src/bot/dialogue/questions.js';
import { createDialogueStorage } from '../../src/bot/dialogue/storage.js';
import type { Db } from '../../src/db/client.js';
import { createI18n } from '../../src/i18n.js';
import { createLogger } from '../../src/logger.js';
import { telegramRateLimits } from '../../src/sandbox/emulator/types.js';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { createTelegramFetch } from '../../src/telegram/api-fetch.js';
import { createSendSlots } from '../../src/telegram/send-slots.js';
import { regionDate } from '../../src/time.js';
import { freshRedisPrefix, TEST_BOT_TOKEN, TEST_BOT_USERNAME, testConfig } from '../helpers/env.js';
import { familyChat } from '../helpers/family-dialogue.js';

// Not on useE2E: a bot of its own made of the dialogue helpers under test, not the product's bot role.

/**
 * The question helpers in a small bot of their own (the same plumbing as create-bot.ts: Redis storage,
 * extras in dialogues, escape commands), each probe replying with what the helper returned.
 */
async function probes(conversation: DialogueConversation, ctx: DialogueContext, probe: string) {
  let result: unknown;
  if (probe === 'files') {
    result = await askAttachments(conversation, ctx, {
      question: 'Пришлите файлы',
      maxFiles: 2,
      maxBytes: 1000,
    });
  } else if (probe === 'choice') {
    result = await askChoice(conversation, ctx, {
      question: 'Выберите',
      options: [
        { value: 'a', label: 'Первый' },
        { value: 'b', label: 'Второй' },
      ],
      skippable: true,
    });
  } else if (probe === 'date') {
    result = await askDate(conversation, ctx, { question: 'Когда?', forbidPast: true, allowFuture: true });
  } else {
    result = await askText(conversation, ctx, { question: 'Сколько?', maxLength: 10 });
  }
  await ctx.reply(`RESULT ${JSON.stringify(result ?? null)}`);
}

const emulator = createEmulator({
  token: TEST_BOT_TOKEN,
  botUsername: TEST_BOT_USERNAME,
  limits: telegramRateLimits,
});
const redis = new Redis(process.env.REDIS_URL!);
const config = testConfig({ REDIS_PREFIX: freshRedisPrefix() });
let bot: Bot<BotContext>;
/** Resolves once polling has stopped and the update in hand is handled (grammY's start loop awaits it). */
let polling: Promise<void> | undefined;

beforeAll(async () => {
  await emulator.start();
  const i18n = createI18n();
  const logger = createLogger({ level: 'silent' });
  // As createBot does: replies take turns in the shared send budget and wait out a 429.
  const slots = createSendSlots({ redis, prefix: config.redisPrefix });
  bot = new Bot<BotContext>(TEST_BOT_TOKEN, {
    client: { apiRoot: emulator.url, fetch: createTelegramFetch({ slots, sendClass: 'interactive' }) },
  });
  const extras = createDialogueExtras();
  bot.use((ctx, next) => {
    const values = {
      deps: { config, db: undefined as unknown as Db, logger, i18n, redis },
      log: logger,
      language: 'ru' as const,
      t: i18n.forLanguage('ru'),
      member: undefined,
      drafts: draftsUnknown(),
      dialogueTurn: {},
    };
    Object.assign(ctx, values);
    return extras.provide(ctx, values, next);
  });
  bot.use(
    conversations<BotContext, DialogueContext>({
      storage: createDialogueStorage({ redis, prefix: config.redisPrefix, idleMs: 60_000 }),
      plugins: [extras.install],
    }),
  );
  bot.use(leaveDialogueOnEscape);
  bot.use(createConversation<BotContext, DialogueContext>(probes, { id: 'probes' }));
  bot.command('probe', (ctx) => ctx.conversation.enter('probes', ctx.match));
  bot.command('cancel', (ctx) => ctx.reply('CANCELLED'));
  await bot.init();
  polling = bot.start();
});

afterAll(async () => {
  await bot?.stop();
  // The last reply reaches the emulator before the dialogue's state is written back to Redis: wait for
  // that write before the connection closes (a handler error surfaces here, not as a stray rejection).
  await polling;
  await emulator.stop();
  redis.disconnect();
});

const person = () => familyChat(emulator, emulator.createUser({ first_name: 'Тест' }).id);

describe('askAttachments', () => {
  it('collects photos and documents until «Готово», refusing oversized files, text and extra files', async () => {
    const chat = person();
    await chat.say('/probe files', 'Пришлите файлы');
    emulator.sendPhoto(chat.userId);
    await chat.next('Файлов: 1');
    emulator.sendDocument(chat.userId, { file_name: 'big.pdf', size: 5000 });
    expect((await chat.next()).text).toContain('Файл слишком большой');
    emulator.sendText(chat.userId, 'вот');
    expect((await chat.next()).text).toContain('Пришлите фото или файл');
    emulator.sendDocument(chat.userId, {
      file_name: 'справка.pdf',
      content: 'справка',
      mime_type: 'application/pdf',
    });
    await chat.next('Файлов: 2');
    emulator.sendPhoto(chat.userId);
    expect((await chat.next()).text).toContain('Больше 2 файлов');
    const result = await chat.press('Готово (2)', 'RESULT');
    const files = JSON.parse(result.text!.slice('RESULT '.length)) as Array<Record<string, unknown>>;
    expect(files.map((f) => [f.kind, f.fileName ?? null])).toEqual([
      ['photo', null],
      ['document', 'справка.pdf'],
    ]);
  });

  it('can be skipped before the first file', async () => {
    const chat = person();
    await chat.say('/probe files', 'Пришлите файлы');
    expect((await chat.press('Пропустить', 'RESULT')).text).toBe('RESULT []');
  });
});

describe('askChoice, askDate, askText', () => {
  it('a choice by button, by its typed label, or skipped', async () => {
    const chat = person();
    await chat.say('/probe choice', 'Выберите');
    expect((await chat.press('Второй', 'RESULT')).text).toBe('RESULT "b"');
    await chat.say('/probe choice', 'Выберите');
    expect((await chat.say('первый', 'RESULT')).text).toBe('RESULT "a"');
    await chat.say('/probe choice', 'Выберите');
    expect((await chat.say('третий')).text).toContain('выберите вариант кнопкой');
    expect((await chat.press('Пропустить', 'RESULT')).text).toBe('RESULT null');
  });

  it('a date that must not be in the past', async () => {
    const chat = person();
    const today = regionDate(Date.now(), config.timeZone);
    const [y, m, d] = today.split('-').map(Number) as [number, number, number];
    const fmt = (date: Date) =>
      `${String(date.getUTCDate()).padStart(2, '0')}.${String(date.getUTCMonth() + 1).padStart(2, '0')}.${date.getUTCFullYear()}`;
    const yesterday = fmt(new Date(Date.UTC(y, m - 1, d - 1)));
    const tomorrow = new Date(Date.UTC(y, m - 1, d + 1));
    await chat.say('/probe date', 'Когда?');
    expect((await chat.say(yesterday)).text).toContain('уже прошла');
    expect((await chat.next()).text).toBe('Когда?');
    expect((await chat.say(fmt(tomorrow), 'RESULT')).text).toBe(
      `RESULT "${tomorrow.toISOString().slice(0, 10)}"`,
    );
  });

  it('a text over the field’s own maximum, and /cancel leaving the dialogue', async () => {
    const chat = person();
    await chat.say('/probe text', 'Сколько?');
    expect((await chat.say('12345678901')).text).toContain('уложитесь в 10 символов');
    await chat.next('Сколько?');
    expect((await chat.say('/cancel')).text).toBe('CANCELLED');
    expect((await chat.say('/probe text', 'Сколько?')).text).toBe('Сколько?');
    expect((await chat.say('  42 ', 'RESULT')).text).toBe('RESULT "42"');
  });
});
