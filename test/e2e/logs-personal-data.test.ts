import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { familyMembers } from '../../src/db/schema/index.js';
import { createLogger } from '../../src/logger.js';
import { useE2E } from '../helpers/e2e.js';
import { TEST_BOT_TOKEN } from '../helpers/env.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { familyChat, registerThroughBot } from '../helpers/family-dialogue.js';
import { eventually } from '../helpers/pipeline.js';

/**
 * No personal data in any log line on any path (SPEC §8, 152-ФЗ), with the failures that used to print
 * it: PostgreSQL going away in the middle of a save (drizzle puts every parameter of the failed insert in
 * its message), a constraint violation (PostgreSQL's DETAIL holds the row's values), and a Bot API 400
 * whose description echoes the text sent. The bot, relay and worker run in this process with one logger at
 * debug level; every line they print is scanned for the family's name, phone, address and request text.
 */
const family = {
  name: 'Скворцова Елизавета Андреевна',
  serviceman: 'Скворцов Тимофей Ильич',
  phone: '+79051234567',
  locality: 'Двуречки',
  address: 'ул. Тихая, д. 7, кв. 3',
  request: 'Мне нужен адвокат, долг 300000 руб за ипотеку',
};
const secrets = [
  'Скворцов',
  'Елизавета',
  'Тимофей',
  '9051234567',
  '905 123',
  'Двуречки',
  'Тихая',
  'адвокат',
  '300000',
  'ипотек',
];

const lines: string[] = [];
const logger = createLogger({
  level: 'debug',
  botToken: TEST_BOT_TOKEN,
  destination: new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      callback();
    },
  }),
});
/** Chats whose sendMessage Telegram refuses with a 400 that repeats the text, as a parse error does. */
const refusedChats = new Set<number>();

/** Telegram in front of the emulator: passes everything, except sends to a refused chat. */
async function startRefusingTelegram(target: string) {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const method = req.url?.split('/').pop();
      if (method === 'sendMessage' && req.headers['content-type']?.includes('json')) {
        const payload = JSON.parse(body.toString()) as { chat_id: number; text: string };
        if (refusedChats.has(Number(payload.chat_id))) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              ok: false,
              error_code: 400,
              description: `Bad Request: can't parse entities: Unsupported start tag "${payload.text}" at byte offset 0`,
            }),
          );
          return;
        }
      }
      const upstream = httpRequest(
        `${target}${req.url}`,
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

// Every role in this process with the debug logger, reaching PostgreSQL through a proxy the test cuts and
// Telegram through the refusing one; failures are what the test provokes.
const bot = useE2E({
  limits: false,
  logger,
  outage: { postgres: 'all' },
  via: async (emulatorUrl) => {
    const telegram = await startRefusingTelegram(emulatorUrl);
    return {
      url: `http://127.0.0.1:${(telegram.address() as AddressInfo).port}`,
      close: () =>
        new Promise<void>((resolve) => {
          telegram.close(() => resolve());
          telegram.closeAllConnections();
        }),
    };
  },
  allowFailureReplies: true,
  seed: { staff: { anna: { name: 'Анна Петрова', districts: ['lipetsk-city'] } } },
});

const errLines = () =>
  lines.map(
    (line) =>
      JSON.parse(line) as {
        msg: string;
        err?: Record<string, unknown> & { cause?: Record<string, unknown> };
      },
  );

describe('logs when things fail', () => {
  it('a constraint violation in the passport save: the failure is logged with its constraint, not the row', async () => {
    const user = bot.emulator.createUser({
      first_name: 'Елизавета',
      last_name: 'Скворцова',
      language_code: 'ru',
    });
    const chat = familyChat(bot.emulator, user.id, 30_000);
    await registerThroughBot(chat, family.phone, {
      applicant: family.name,
      serviceman: family.serviceman,
      locality: family.locality,
      address: family.address,
      stopAtSummary: true,
    });
    // An erased account under the same Telegram id (erasure keeps the row): the save's member insert
    // breaks the unique index, and drizzle's error carries the insert's parameters — name, phone.
    const { family: other } = await createRegisteredFamily(bot.db, {
      telegramId: 1,
      curatorId: bot.seeded.staff.anna.id,
    });
    await bot.db
      .update(familyMembers)
      .set({ telegramId: user.id, erasedAt: new Date() })
      .where(eq(familyMembers.familyId, other.id));
    bot.emulator.pressButtonByText(user.id, undefined, 'Всё верно, сохранить');
    const failure = await eventually(
      async () => errLines().find((line) => line.msg === 'update handling failed'),
      60_000,
      'the failed save in the log',
    );
    // What an operator needs is there: the failed statement's shape (no values) and where it ran. (An
    // error thrown inside a dialogue's external step comes back from the conversations plugin as a plain
    // Error with the message and stack; elsewhere the class, SQL state and constraint stay, below.)
    expect(String(failure.err?.message)).toMatch(/^Failed query: insert into "family_members" .*values \(/);
    expect(String(failure.err?.stack)).toContain('onboarding.usecases.ts');
  }, 120_000);

  it('a Bot API 400 whose description echoes the card, then PostgreSQL cut while a request is sent', async () => {
    // Every card to the curator is refused with a description repeating its text.
    refusedChats.add(bot.seeded.staff.anna.chat);
    const user = bot.emulator.createUser({ first_name: 'Елизавета', language_code: 'ru' });
    await createRegisteredFamily(bot.db, {
      telegramId: user.id,
      curatorId: bot.seeded.staff.anna.id,
      memberName: family.name,
      address: family.address,
    });
    const chat = familyChat(bot.emulator, user.id, 60_000);
    const walkToSummary = async () => {
      await chat.say('/menu', 'Главное меню');
      bot.emulator.pressReplyButton(user.id, 'Нужна помощь');
      await chat.next('С чем нужна помощь');
      await chat.press('Другое', 'своими словами');
      await chat.say(family.request, 'добавить для куратора');
      await chat.press('Пропустить', 'документы или фото');
      await chat.press('Пропустить', 'Всё верно?');
    };
    await walkToSummary();
    await chat.press('✅ Отправить куратору', 'принята');
    const refused = await eventually(
      async () => errLines().find((line) => line.msg === 'Telegram refused a notification'),
      60_000,
      'the refused card in the log',
    );
    expect(JSON.stringify(refused)).toContain('400');

    await walkToSummary();
    const before = lines.length;
    await bot.outage.postgres!.cut();
    bot.emulator.pressButtonByText(user.id, undefined, '✅ Отправить куратору');
    // The outage as the service meets it: failed queries (the relay's, the reconciler's, the save's).
    await eventually(
      async () =>
        errLines()
          .slice(before)
          .find((line) => line.err?.type === 'DrizzleQueryError'),
      60_000,
      'a failed query during the outage',
    );
    await bot.outage.postgres!.restore();
  }, 240_000);

  it('a constraint violation outside a dialogue keeps the class, SQL state and constraint', async () => {
    const [member] = await bot.db.select().from(familyMembers).limit(1);
    const violation = await bot.db
      .insert(familyMembers)
      .values({
        familyId: member!.familyId,
        telegramId: member!.telegramId,
        fullName: family.name,
        phone: family.phone,
        relationship: 'wife',
        consentVersion: '1',
        consentAt: new Date(),
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    logger.warn({ err: violation }, 'routing job failed');
    const [logged] = errLines().slice(-1);
    expect(logged?.err).toMatchObject({
      type: 'DrizzleQueryError',
      cause: { type: 'PostgresError', code: '23505' },
    });
    expect(String(logged?.err?.cause?.constraint_name)).toMatch(/telegram_id/);
    expect(String(logged?.err?.query)).toMatch(/^insert into "family_members"/);
  });

  it('an unhandled rejection, as main.ts logs it, keeps the class and drops the value', () => {
    logger.error({ err: `${family.name} ${family.phone}` }, 'unhandled rejection');
    logger.error({ err: new TypeError(`Cannot read "${family.address}"`) }, 'unhandled rejection');
    const [text, error] = errLines().slice(-2);
    expect(text?.err).toEqual({ type: 'string' });
    expect(error?.err).toMatchObject({ type: 'TypeError', message: 'Cannot read "…"' });
  });

  it('not one line holds the name, phone, address or request text', () => {
    expect(lines.some((line) => line.includes('update handling failed'))).toBe(true);
    for (const line of lines) {
      for (const secret of secrets) expect(line, line).not.toContain(secret);
    }
  });
});
