import { and, asc, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { familyMembers, messages, staff } from '../../src/db/schema/index.js';
import { useE2E } from '../helpers/e2e.js';
import { body, buttonsOf, delivered, eventsOf, messagesOf, takenRequest, WAIT } from './relay-fixtures.js';

/**
 * A general question (not about one request) both ways, every family member getting the curator's answer,
 * a reply to the «taken» notice threading to its request, and a curator's message that is not a reply.
 */
const bot = useE2E();

describe('general questions and the whole family', () => {
  it('a general question reaches the curator, the answer reaches every member, and threads back', async () => {
    const { C, F, family, request, toCurator, toFamily } = await takenRequest(bot);
    const secondUser = bot.emulator.createUser({ first_name: 'Пётр', language_code: 'ru' });
    await bot.db.insert(familyMembers).values({
      familyId: family.id,
      telegramId: secondUser.id,
      fullName: 'Пётр Иванов',
      relationship: 'father',
      consentVersion: '1',
      consentAt: new Date(),
    });

    // A reply to the «taken» notice is about that request.
    const taken = bot.emulator.messages(F, { from: 'bot' }).find((m) => body(m).includes('взяли в работу'))!;
    bot.emulator.sendText(F, 'Спасибо, ждём звонка.', { replyTo: taken.message_id });
    expect((await toCurator('ждём звонка')).text).toBe(
      `💬 Мария Иванова · заявка № ${request.number}\n\nСпасибо, ждём звонка.`,
    );

    bot.emulator.sendText(F, '/menu');
    await toFamily('Главное меню');
    bot.emulator.pressReplyButton(F, 'Написать куратору');
    const topics = await toFamily('О чём вы хотите написать');
    bot.emulator.pressButtonByText(F, topics.message_id, 'Общий вопрос');
    expect((await toFamily('Напишите сообщение куратору')).text).toContain('(общий вопрос)');
    bot.emulator.sendText(F, 'Когда придут выплаты?');
    expect((await toFamily('Передаём куратору')).text).toBe(
      'Передаём куратору (общий вопрос). Ответ придёт сюда, в этот чат.',
    );
    const question = await toCurator('выплаты');
    expect(question.text).toBe('💬 Мария Иванова · общий вопрос\n\nКогда придут выплаты?');
    expect(buttonsOf(question)).toEqual(['Ответить']);

    bot.emulator.pressButtonByText(C, question.message_id, 'Ответить');
    expect((await toCurator('Следующее ваше сообщение')).text).toBe(
      'Следующее ваше сообщение уйдёт семье (общий вопрос).',
    );
    bot.emulator.sendText(C, 'Выплаты приходят до 15 числа.');
    expect((await toCurator('Передаём семье')).text).toBe('Передаём семье · общий вопрос.');
    const toMaria = await toFamily('до 15 числа');
    const toPetr = await bot.emulator.waitForMessage(
      secondUser.id,
      (m) => body(m).includes('до 15 числа'),
      WAIT,
    );
    for (const copy of [toMaria, toPetr]) {
      expect(copy.text).toBe('💬 Куратор Анна Петрова · общий вопрос\n\nВыплаты приходят до 15 числа.');
    }
    expect(toMaria.reply_to_message?.text).toBe('Когда придут выплаты?');

    // Пётр answers his copy: it threads to the same general question.
    await delivered(bot);
    bot.emulator.sendText(secondUser.id, 'Понял, спасибо.', { replyTo: toPetr.message_id });
    expect((await toCurator('Понял, спасибо.')).text).toBe(
      '💬 Пётр Иванов · общий вопрос\n\nПонял, спасибо.',
    );

    // A curator's message that answers nothing goes nowhere and says how to write to a family.
    bot.emulator.sendText(C, 'Просто текст.');
    expect((await toCurator('Чтобы написать семье')).text).toContain('ответьте');

    await delivered(bot);
    const general = await bot.db
      .select()
      .from(messages)
      .where(and(eq(messages.familyId, family.id), isNull(messages.requestId)))
      .orderBy(asc(messages.id));
    expect(general.map((r) => [r.direction, r.text])).toEqual([
      ['family_to_staff', 'Когда придут выплаты?'],
      ['staff_to_family', 'Выплаты приходят до 15 числа.'],
      ['family_to_staff', 'Понял, спасибо.'],
    ]);
    expect(general.every((r) => r.familyMessageId !== null && r.staffMessageId !== null)).toBe(true);
    expect((await messagesOf(bot, request.id)).map((r) => r.text)).toEqual(['Спасибо, ждём звонка.']);
    expect((await eventsOf(bot, request.id)).filter((e) => e.type === 'message')).toHaveLength(1);
  });

  it('while the curator is away, the family’s message goes to the deputy, who can answer', async () => {
    const { F, curator, request, district, toFamily } = await takenRequest(bot, 'Ольга Седова');
    const {
      staff: { deputy },
    } = await bot.seed({ staff: { deputy: { name: 'Нина Котова', districts: [district.code] } } });
    await bot.db
      .update(staff)
      .set({ awayUntil: new Date(Date.now() + 86_400_000), deputyId: deputy.id })
      .where(eq(staff.id, curator.id));

    const taken = bot.emulator.messages(F, { from: 'bot' }).find((m) => body(m).includes('взяли в работу'))!;
    bot.emulator.sendText(F, 'Можно перенести визит?', { replyTo: taken.message_id });
    const copy = await bot.emulator.waitForMessage(deputy.chat, (m) => body(m).includes('перенести'), WAIT);
    expect(copy.text).toBe(
      `💬 Мария Иванова · заявка № ${request.number}\n(пришло вам как заместителю: Ольга Седова сейчас отсутствует)\n\nМожно перенести визит?`,
    );
    await delivered(bot);
    bot.emulator.sendText(deputy.chat, 'Да, на пятницу.', { replyTo: copy.message_id });
    expect((await toFamily('на пятницу')).text).toBe(
      `💬 Куратор Нина Котова · заявка № ${request.number}\n\nДа, на пятницу.`,
    );
  });

  it('a Telegram reply to a card opened from /my reaches the family and threads to that request', async () => {
    const { C, request, toCurator, toFamily } = await takenRequest(bot, 'Вера Лаптева');
    bot.emulator.sendText(C, '/my');
    const list = await toCurator('Открытые заявки');
    bot.emulator.pressButton(C, list.message_id, `my:r:${request.id}`);
    const card = await toCurator('История:');
    expect(body(card)).toContain(`№ ${request.number}`);

    bot.emulator.sendText(C, 'Позвоню вам завтра в 10:00.', { replyTo: card.message_id });
    expect((await toFamily('Позвоню вам завтра')).text).toBe(
      `💬 Куратор Вера Лаптева · заявка № ${request.number}\n\nПозвоню вам завтра в 10:00.`,
    );
    await delivered(bot);
    expect((await messagesOf(bot, request.id)).map((r) => [r.direction, r.text])).toEqual([
      ['staff_to_family', 'Позвоню вам завтра в 10:00.'],
    ]);
  });
});
