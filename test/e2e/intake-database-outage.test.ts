import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requests } from '../../src/db/schema/index.js';
import { type BotUnderTest, startBotWithEmulator } from '../helpers/bot-app.js';
import { createCuratorInDistrict, createRegisteredFamily } from '../helpers/factories.js';
import { familyChat } from '../helpers/family-dialogue.js';
import { eventually, startDeliveryPipeline } from '../helpers/pipeline.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { body, delivered, takenRequest, WAIT } from './relay-fixtures.js';

/**
 * A family writes to its curator while the bot's PostgreSQL is away (the bot reaches it through a proxy the
 * test cuts). Nothing is lost: the messages wait in Redis and reach the curator once, in order, when the
 * database is back; the family is told once that answers are delayed, and never reads an error.
 */
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let bot: BotUnderTest;
let pipeline: Awaited<ReturnType<typeof startDeliveryPipeline>>;

// postgres.js reports a failed reconnect to the cut proxy as an unhandled rejection (main.ts logs those).
const unexpected: unknown[] = [];
const onRejection = (error: unknown) => {
  if ((error as { code?: string }).code !== 'ECONNREFUSED') unexpected.push(error);
};

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
  const proxied = new URL(process.env.DATABASE_URL!);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  bot = await startBotWithEmulator({ DATABASE_URL: proxied.toString() });
  // Routing and delivery reach PostgreSQL directly: only the bot loses it.
  pipeline = await startDeliveryPipeline({ apiRoot: bot.emulator.url, redisPrefix: bot.config.redisPrefix });
});
afterAll(async () => {
  await proxy?.restore().catch(() => undefined);
  await pipeline?.stop();
  await bot?.stop();
  await proxy?.close();
  process.off('unhandledRejection', onRejection);
});

describe('a family writing while PostgreSQL is away', () => {
  it('reaches the curator once and in order when the database is back', async () => {
    const { C, F, card, toFamily } = await takenRequest(bot);
    bot.emulator.sendText(C, 'Расскажите подробнее.', { replyTo: card.message_id });
    const asked = await toFamily('подробнее');
    await delivered(bot);
    const curatorSide = bot.emulator.messages(C, { from: 'bot' }).length;
    const familySide = bot.emulator.messages(F, { from: 'bot' }).length;

    await proxy.cut();
    const words = ['раз', 'два', 'три', 'четыре'];
    for (const word of words) bot.emulator.sendText(F, `Семья: ${word}`, { replyTo: asked.message_id });
    const notice = await toFamily('с задержкой');
    expect(body(notice)).toBe(
      'Сейчас отвечаем с задержкой. Ваше сообщение получено, повторять его не нужно: мы обработаем его, как только сможем.',
    );

    await proxy.restore();
    // A message written after the database is back comes after the four kept ones.
    bot.emulator.sendText(F, 'Семья: пять', { replyTo: asked.message_id });
    const copies = () =>
      bot.emulator
        .messages(C, { from: 'bot' })
        .slice(curatorSide)
        .map(body)
        .filter((text) => text.includes('Семья: '))
        .map((text) => text.split('Семья: ')[1]);
    const arrived = await eventually(
      async () => copies().includes('пять') && copies(),
      WAIT * 2,
      'the messages at the curator',
    );
    expect(arrived).toEqual([...words, 'пять']);

    const toTheFamily = bot.emulator.messages(F, { from: 'bot' }).slice(familySide).map(body);
    expect(toTheFamily.filter((text) => text.includes('с задержкой'))).toHaveLength(1);
    expect(toTheFamily.join('\n')).not.toContain('Что-то пошло не так');
    expect(unexpected).toEqual([]);
  });

  it('a dialogue answer given while the database is away is taken when it is back: the request is sent', async () => {
    const curator = await createCuratorInDistrict(bot.db, { fullName: 'Ольга Смирнова' });
    const user = bot.emulator.createUser({ first_name: 'Вера', language_code: 'ru' });
    const { family } = await createRegisteredFamily(bot.db, { telegramId: user.id, curatorId: curator.id });
    const chat = familyChat(bot.emulator, user.id, WAIT * 2);
    await chat.say('/menu', 'Главное меню');
    bot.emulator.pressReplyButton(user.id, 'Нужна помощь');
    await chat.next('С чем нужна помощь');
    await chat.press('Другое', 'своими словами');
    await chat.say('Нужна помощь с дровами на зиму', 'добавить для куратора');
    await chat.press('Пропустить', 'документы или фото');
    await chat.press('Пропустить', 'Всё верно?');

    await proxy.cut();
    // The last tap of the dialogue meets the outage: the person is told of the delay, not of an error.
    await chat.press('✅ Отправить куратору', 'с задержкой');
    await proxy.restore();
    const accepted = await chat.next('принята');
    expect(body(accepted)).toMatch(/Заявка № \d+ принята/);
    const sent = await bot.db.select().from(requests).where(eq(requests.familyId, family.id));
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]!.details)).toContain('дровами');
    const toTheFamily = bot.emulator.messages(user.id, { from: 'bot' }).map(body).join('\n');
    expect(toTheFamily).not.toContain('Что-то пошло не так');
    expect(toTheFamily).not.toContain('не получилось обработать');
  });
});
