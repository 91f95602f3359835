import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { requests } from '../../src/db/schema/index.js';
import { useE2E } from '../helpers/e2e.js';
import { createCuratorInDistrict, createRegisteredFamily } from '../helpers/factories.js';
import { familyChat } from '../helpers/family-dialogue.js';
import { eventually } from '../helpers/pipeline.js';
import { body, delivered, takenRequest, WAIT } from './relay-fixtures.js';

/**
 * A family writes to its curator while the bot's PostgreSQL is away (the bot reaches it through a proxy the
 * test cuts). Nothing is lost: the messages wait in Redis and reach the curator once, in order, when the
 * database is back; the family is told once that answers are delayed, and never reads an error.
 */
// The bot reaches PostgreSQL through a proxy the test cuts; routing and delivery reach it directly.
const bot = useE2E({ outage: { postgres: 'bot' } });

/**
 * By the time the database is back, Telegram no longer takes an answer to a press made during the outage
 * («query is too old»): stand in for that by answering it now, as nobody else may.
 */
async function letPressExpire(callbackQueryId: string) {
  const answered = await fetch(`${bot.emulator.url}/bot${bot.config.botToken}/answerCallbackQuery`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ callback_query_id: callbackQueryId }),
  });
  expect(answered.ok).toBe(true);
}

describe('a family writing while PostgreSQL is away', () => {
  it('reaches the curator once and in order when the database is back', async () => {
    const { C, F, card, toFamily } = await takenRequest(bot);
    bot.emulator.sendText(C, 'Расскажите подробнее.', { replyTo: card.message_id });
    const asked = await toFamily('подробнее');
    await delivered(bot);
    const curatorSide = bot.emulator.messages(C, { from: 'bot' }).length;
    const familySide = bot.emulator.messages(F, { from: 'bot' }).length;

    await bot.outage.postgres!.cut();
    const words = ['раз', 'два', 'три', 'четыре'];
    for (const word of words) bot.emulator.sendText(F, `Семья: ${word}`, { replyTo: asked.message_id });
    const notice = await toFamily('с задержкой');
    expect(body(notice)).toBe(
      'Сейчас отвечаем с задержкой. Ваше сообщение получено, повторять его не нужно: мы обработаем его, как только сможем.',
    );

    await bot.outage.postgres!.restore();
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
    expect(bot.outage.unexpectedRejections).toEqual([]);
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
    const summary = await chat.press('Пропустить', 'Всё верно?');

    await bot.outage.postgres!.cut();
    // The last tap of the dialogue meets the outage: the person is told of the delay, not of an error.
    const { callback_query_id } = bot.emulator.pressButtonByText(
      user.id,
      summary.message_id,
      '✅ Отправить куратору',
    );
    await chat.next('с задержкой');
    // The request must be saved and the family told all the same.
    await letPressExpire(callback_query_id!);
    await bot.outage.postgres!.restore();
    const accepted = await chat.nextOrEdited('принята', summary);
    expect(body(accepted)).toMatch(/Заявка № \d+ принята/);
    const sent = await bot.db.select().from(requests).where(eq(requests.familyId, family.id));
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]!.details)).toContain('дровами');
    const toTheFamily = bot.emulator.messages(user.id, { from: 'bot' }).map(body).join('\n');
    expect(toTheFamily).not.toContain('Что-то пошло не так');
    expect(toTheFamily).not.toContain('не получилось обработать');
  });

  it('a press outside a dialogue kept through the outage does what it asked, though its answer comes too late', async () => {
    const { F, request } = await takenRequest(bot, 'Ольга Ким');
    const chat = familyChat(bot.emulator, F, WAIT * 2);
    await chat.say('/menu', 'Главное меню');
    bot.emulator.pressReplyButton(F, 'Мои заявки');
    await chat.next('Ваши заявки');
    await chat.press(`№ ${request.number} · Няня`, 'Статус');
    const question = await chat.press('Отменить заявку', 'Отменить заявку №');

    await bot.outage.postgres!.cut();
    const { callback_query_id } = bot.emulator.pressButtonByText(F, question.message_id, 'Да, отменить');
    await chat.next('с задержкой');
    await letPressExpire(callback_query_id!);
    await bot.outage.postgres!.restore();

    const card = await eventually(
      async () => {
        const now = bot.emulator.messages(F).find((m) => m.message_id === question.message_id);
        return now && body(now).includes('отменена вами') ? now : undefined;
      },
      WAIT * 2,
      'the request card showing the cancellation',
    );
    expect(body(card)).toContain(`Заявка № ${request.number}`);
    const [saved] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(saved!.status).toBe('cancelled');
    const toTheFamily = bot.emulator.messages(F, { from: 'bot' }).map(body).join('\n');
    expect(toTheFamily).not.toContain('не получилось');
    expect(toTheFamily).not.toContain('Что-то пошло не так');
  });
});
