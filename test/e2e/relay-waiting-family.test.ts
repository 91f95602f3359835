import { describe, expect, it } from 'vitest';
import { changeStatus } from '../../src/features/curator/curator.usecases.js';
import { useE2E } from '../helpers/e2e.js';
import {
  answerTo,
  buttonsOf,
  delivered,
  eventsOf,
  messagesOf,
  statusOf,
  takenRequest,
  WAIT,
} from './relay-fixtures.js';

/**
 * «Ждём ответа семьи»: the curator asks the family a question from the card, the request waits for the
 * family, and the family's answer puts it back in work — each step a history event, the family told plainly.
 */
const bot = useE2E();

describe('waiting for the family', () => {
  it('the question reaches the family, the request waits, the answer puts it back in work', async () => {
    const { C, F, curator, member, card, request, toCurator, toFamily } = await takenRequest(bot);
    const number = String(request.number);

    bot.emulator.pressButtonByText(C, card.message_id, 'Ждём ответа семьи');
    expect((await toCurator('Напишите вопрос')).text).toBe(
      `Напишите вопрос для семьи по заявке № ${number}. Заявка перейдёт в статус «ждём ответа семьи» и вернётся в работу, когда семья ответит.`,
    );
    const cardEdited = bot.emulator.waitForEdit(C, card.message_id, WAIT);
    bot.emulator.sendText(C, 'Какой размер одежды у ребёнка?');
    expect((await toCurator('Передаём вопрос семье')).text).toBe(
      `Передаём вопрос семье. Заявка № ${number} ждёт ответа семьи.`,
    );
    const waitingCard = await cardEdited;
    expect(waitingCard.text).toContain('Статус: ждём ответа семьи');
    expect(buttonsOf(waitingCard)).toContain('Решена');
    expect(await statusOf(bot, request.id)).toBe('waiting_family');

    const question = await toFamily('Какой размер');
    expect(question.text).toBe(
      `❓ Куратор Анна Петрова спрашивает · заявка № ${number}\n\nКакой размер одежды у ребёнка?\n\n` +
        'Чтобы ответить, нажмите «Ответить куратору» ниже или ответьте на это сообщение.',
    );
    expect(buttonsOf(question)).toEqual(['Ответить куратору']);

    bot.emulator.pressButtonByText(F, question.message_id, 'Ответить куратору');
    expect((await toFamily('Напишите сообщение куратору')).text).toContain(`(заявка № ${number})`);
    const cardBack = bot.emulator.waitForEdit(C, card.message_id, WAIT);
    bot.emulator.sendText(F, 'Размер 128.');
    expect((await toFamily('Спасибо!')).text).toBe(
      `Спасибо! Передаём ваш ответ куратору, заявка № ${number} снова в работе.`,
    );
    expect((await toCurator('Размер 128.')).text).toBe(
      `💬 Мария Иванова · заявка № ${number}\nЭто ответ на ваш вопрос — заявка снова в работе.\n\nРазмер 128.`,
    );
    expect(await statusOf(bot, request.id)).toBe('in_progress');
    expect((await cardBack).text).not.toContain('ждём ответа семьи');

    const history = await eventsOf(bot, request.id);
    expect(
      history.slice(3).map((e) => [e.type, e.actorKind, e.data.from ?? null, e.data.to ?? null]),
    ).toEqual([
      ['message', 'staff', null, null],
      ['status_changed', 'staff', 'in_progress', 'waiting_family'],
      ['message', 'family', null, null],
      ['status_changed', 'family', 'waiting_family', 'in_progress'],
    ]);
    expect(history[4]).toMatchObject({ actorStaffId: curator.id });
    expect(history[6]).toMatchObject({ actorMemberId: member.id });
    await delivered(bot);
    const rows = await messagesOf(bot, request.id);
    expect(rows.map((r) => r.text)).toEqual(['Какой размер одежды у ребёнка?', 'Размер 128.']);
    expect(history[4]!.data.messageId).toBe(rows[0]!.id);
  });

  it('a request not in work cannot wait for the family; «Отмена» sends nothing', async () => {
    const { C, card, request, toCurator } = await takenRequest(bot, 'Ольга Седова');
    // Resolved meanwhile: a press of the old card's «Ждём ответа семьи» is refused.
    await changeStatus(
      { db: bot.db },
      { telegramId: C, requestId: request.id, action: 'resolve', note: 'Готово.' },
    );
    const press = bot.emulator.pressButtonByText(C, card.message_id, 'Ждём ответа семьи');
    expect((await answerTo(bot, press.callback_query_id))?.text).toBe(
      `Заявка № ${request.number} уже закрыта: решена. Изменить её нельзя.`,
    );
    expect(await statusOf(bot, request.id)).toBe('resolved');

    bot.emulator.pressButtonByText(C, card.message_id, 'Ответить');
    const prompt = await toCurator('Следующее ваше сообщение');
    const cancel = bot.emulator.pressButtonByText(C, prompt.message_id, 'Отмена');
    expect((await answerTo(bot, cancel.callback_query_id))?.text).toBe(
      'Отменено. Сообщение никуда не отправлено.',
    );
    bot.emulator.sendText(C, 'Это сообщение никуда не должно уйти.');
    await toCurator('');
    await delivered(bot);
    const rows = await messagesOf(bot, request.id);
    expect(rows.map((r) => r.text)).toEqual(['Готово.']);
  });
});
