import { asc, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { attachments, heldMessages, messages, requests } from '../../src/db/schema/index.js';
import { withdrawConsent } from '../../src/features/settings/settings.usecases.js';
import { useE2E } from '../helpers/e2e.js';
import { familyChat } from '../helpers/family-dialogue.js';
import { eventually } from '../helpers/pipeline.js';
import { curatorWithFamily, routedRequest } from '../helpers/routed-request.js';
import { createConfirmedRequest } from '../helpers/routing-factories.js';
import { answerTo, body, buttonsOf, WAIT } from './relay-fixtures.js';

/**
 * Issue 13 §6: a registered family writes outside any dialogue — «Здравствуйте, когда придёт няня?» or a
 * photo — and nothing is dropped: with one open request it goes to its curator; otherwise the family
 * chooses in one tap (a request, a general question, a new request), and what they typed waits for that
 * choice in PostgreSQL, through a restart of the bot.
 */
const bot = useE2E();

/**
 * Restarts the bot once the chat's last update has been handled to the end (its chat lock released): a
 * restart in the middle of an update would leave the lock to expire on its own, 30 s later.
 */
async function restartWhenIdle(chatId: number) {
  const redis = new Redis(bot.config.redisUrl);
  try {
    await eventually(
      async () => (await redis.exists(`${bot.config.redisPrefix}:chatlock:${chatId}`)) === 0,
      WAIT,
      'the chat lock released',
    );
  } finally {
    redis.disconnect();
  }
  await bot.restart();
}

const heldOf = (memberId: number) =>
  bot.db.select().from(heldMessages).where(eq(heldMessages.memberId, memberId));

/** A family of its own curator, with no request yet; both chats. */
async function familyWithoutRequests(districtCode: string, curatorName: string) {
  const { curatorUser, curator, familyUser, family, member } = await curatorWithFamily(bot, {
    districtCode,
    curatorName,
  });
  const chat = familyChat(bot.emulator, familyUser.id);
  await chat.say('/menu', 'Главное меню');
  return { curatorUser, curator, familyUser, family, member, chat };
}

describe('a family writes outside any dialogue', () => {
  it('with one open request, the text goes to its curator and the family is told the number', async () => {
    const { curatorUser, familyUser, request, member } = await routedRequest(bot, {
      curatorName: 'Анна Петрова',
    });
    const chat = familyChat(bot.emulator, familyUser.id);

    const told = await chat.say('Здравствуйте, когда придёт няня?', 'Передаём');
    expect(told.text).toBe(
      `Передаём ваше сообщение куратору по заявке № ${request.number}. Ответ придёт сюда, в этот чат. Если вы о другом — нажмите «Написать куратору» или «Нужна помощь».`,
    );
    const copy = await bot.emulator.waitForMessage(
      curatorUser.id,
      (m) => body(m).includes('когда придёт няня'),
      WAIT,
    );
    expect(body(copy)).toContain(`заявка № ${request.number}`);
    const rows = await bot.db.select().from(messages).where(eq(messages.requestId, request.id));
    expect(rows.map((r) => [r.direction, r.text])).toEqual([
      ['family_to_staff', 'Здравствуйте, когда придёт няня?'],
    ]);

    // A photo goes the same way (it used to be met with «выберите пункт меню»).
    bot.emulator.sendPhoto(familyUser.id, { caption: 'Вот справка' });
    await chat.next(`по заявке № ${request.number}`);
    const photo = await bot.emulator.waitForMessage(
      curatorUser.id,
      (m) => m.photo !== undefined && body(m).includes('Вот справка'),
      WAIT,
    );
    expect(photo.photo).toBeDefined();
    expect(await heldOf(member.id)).toEqual([]);
  });

  it('with several open requests, asks which one, keeps the text through a restart, and sends it once', async () => {
    const { curatorUser, familyUser, family, member, request } = await routedRequest(bot, {
      districtCode: 'dobrinka',
      curatorName: 'Олег Смирнов',
    });
    const second = await createConfirmedRequest(bot.db, {
      familyId: family.id,
      memberId: member.id,
      category: 'legal',
    });
    await bot.emulator.waitForMessage(curatorUser.id, (m) => body(m).includes(`№ ${second.number}`), WAIT);
    const chat = familyChat(bot.emulator, familyUser.id);
    await chat.next(`№ ${second.number} доставлена куратору`);

    const question = await chat.say('Здравствуйте, когда придёт няня?', 'сохранено');
    expect(question.text).toBe(
      'Ваше сообщение сохранено. Это о какой-то из ваших заявок, общий вопрос куратору или новая просьба о помощи? Выберите кнопкой ниже.',
    );
    expect(buttonsOf(question)).toEqual([
      `№ ${request.number} · Няня`,
      `№ ${second.number} · Юридическая помощь`,
      'Общий вопрос куратору',
      'Новая заявка',
    ]);
    expect((await heldOf(member.id)).map((row) => row.text)).toEqual(['Здравствуйте, когда придёт няня?']);

    // Nothing of it lives only in memory: a restart of the bot loses nothing.
    await restartWhenIdle(familyUser.id);
    const press = bot.emulator.pressButtonByText(
      familyUser.id,
      question.message_id,
      `№ ${request.number} · Няня`,
    );
    const sent = await chat.next('Передаём куратору');
    expect(sent.text).toBe(`Передаём куратору (заявка № ${request.number}). Ответ придёт сюда, в этот чат.`);
    await answerTo(bot, press.callback_query_id);
    const copy = await bot.emulator.waitForMessage(
      curatorUser.id,
      (m) => body(m).includes('когда придёт няня'),
      WAIT,
    );
    expect(body(copy)).toContain(`заявка № ${request.number}`);
    const relayed = await bot.db
      .select()
      .from(messages)
      .where(eq(messages.familyId, family.id))
      .orderBy(asc(messages.id));
    expect(relayed.map((r) => [r.requestId, r.text])).toEqual([
      [request.id, 'Здравствуйте, когда придёт няня?'],
    ]);
    expect(await heldOf(member.id)).toEqual([]);

    // The same question's buttons, pressed again, send nothing twice.
    const again = bot.emulator.pressButton(familyUser.id, question.message_id, 'hold:g');
    expect((await answerTo(bot, again.callback_query_id))?.text).toBe(
      'Эти сообщения уже приняты: они идут куратору или вошли в заявку.',
    );
    expect(await bot.db.select().from(messages).where(eq(messages.familyId, family.id))).toHaveLength(1);
  });

  it('with no open request, a text can go to the curator as a general question', async () => {
    const { curatorUser, familyUser, family, chat } = await familyWithoutRequests(
      'zadonsk',
      'Вера Кузнецова',
    );
    const question = await chat.say('Подскажите, какие выплаты нам положены?', 'сохранено');
    expect(question.text).toBe(
      'Ваше сообщение сохранено. Это вопрос куратору или новая просьба о помощи? Выберите кнопкой ниже.',
    );
    expect(buttonsOf(question)).toEqual(['Общий вопрос куратору', 'Новая заявка']);
    // A second message before choosing is kept too, and the choice takes both, in order.
    const asked = await chat.say('И ещё: куда обращаться за справкой?', 'сохранены: 2');
    bot.emulator.pressButtonByText(familyUser.id, asked.message_id, 'Общий вопрос куратору');
    const sent = await chat.next('Передаём куратору');
    expect(sent.text).toBe(
      'Передаём куратору (общий вопрос) ваши сообщения: 2. Ответ придёт сюда, в этот чат.',
    );
    await bot.emulator.waitForMessage(curatorUser.id, (m) => body(m).includes('какие выплаты'), WAIT);
    await bot.emulator.waitForMessage(curatorUser.id, (m) => body(m).includes('куда обращаться'), WAIT);
    const relayed = await bot.db
      .select()
      .from(messages)
      .where(eq(messages.familyId, family.id))
      .orderBy(asc(messages.id));
    expect(relayed.map((r) => [r.requestId, r.text])).toEqual([
      [null, 'Подскажите, какие выплаты нам положены?'],
      [null, 'И ещё: куда обращаться за справкой?'],
    ]);
  });

  it('a photo with no open request can start a new request that keeps it, with the caption as the comment', async () => {
    const { familyUser, family, member, chat } = await familyWithoutRequests('lebedyan', 'Наталья Белова');
    bot.emulator.sendPhoto(familyUser.id, { caption: 'Справка из школы' });
    const question = await chat.next('сохранено');
    expect(buttonsOf(question)).toEqual(['Общий вопрос куратору', 'Новая заявка']);

    await restartWhenIdle(familyUser.id);
    bot.emulator.pressButtonByText(familyUser.id, question.message_id, 'Новая заявка');
    const intro = await chat.next('Оформим новую заявку');
    expect(intro.text).toBe(
      'Оформим новую заявку. Ваше сообщение войдёт в неё — текст комментарием, фото и документы файлами. Осталось ответить на несколько вопросов.',
    );
    await chat.next('С чем нужна помощь');
    await chat.press('Другое', 'своими словами');
    await chat.say('Нужна справка для бесплатного питания', 'Ваш файл уже в заявке');
    const summary = await chat.press('Пропустить', 'Проверьте заявку');
    expect(summary.text).toContain('Справка из школы');
    expect(summary.text).toContain('Файлов: 1');
    const done = await chat.press('✅ Отправить куратору', 'принята');
    const number = Number(/№ (\d+)/.exec(done.text ?? '')![1]);

    const [saved] = await bot.db.select().from(requests).where(eq(requests.number, number));
    expect(saved).toMatchObject({ familyId: family.id, category: 'other' });
    expect(saved!.details).toMatchObject({ comment: 'Справка из школы' });
    expect(await bot.db.select().from(attachments).where(eq(attachments.requestId, saved!.id))).toHaveLength(
      1,
    );
    expect(await heldOf(member.id)).toEqual([]);
  });

  it('«Удалить мои данные» deletes what is still held', async () => {
    const { familyUser, family, member, chat } = await familyWithoutRequests('stanovoe', 'Анна Орлова');
    await chat.say('Мой телефон изменился: +79990001122', 'сохранено');
    expect(await heldOf(member.id)).toHaveLength(1);
    await withdrawConsent(
      { db: bot.db },
      { familyId: family.id, memberId: member.id, telegramId: familyUser.id },
    );
    expect(await heldOf(member.id)).toEqual([]);
  });

  it('a sticker, which cannot be passed on, gets told what can be sent', async () => {
    const { familyUser, chat } = await familyWithoutRequests('khlevnoe', 'Ирина Лебедева');
    bot.emulator.sendSticker(familyUser.id);
    const answer = await chat.next();
    expect(answer.text).toBe(
      'Такое сообщение передать куратору не получится. Напишите текстом или пришлите фото, документ, голосовое или видео.',
    );
  });
});
