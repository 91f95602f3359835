import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { messages, requestEvents, requests } from '../../src/db/schema/index.js';
import { changeStatus } from '../../src/features/curator/curator.usecases.js';
import { cancelRequest, reopenRequest } from '../../src/features/requests/requests.usecases.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { useE2E } from '../helpers/e2e.js';
import { eventually } from '../helpers/pipeline.js';
import { routedRequest, strangerCurator } from '../helpers/routed-request.js';

/**
 * A taken request resolved (with a comment and the family's rating) or rejected (with a reason the family
 * reads), from the buttons of the curator's card, through the emulator with real PostgreSQL and Redis.
 */
const bot = useE2E();

const buttonsOf = (message: StoredMessage) =>
  message.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];

async function requestRow(requestId: number) {
  const [row] = await bot.db.select().from(requests).where(eq(requests.id, requestId));
  return row!;
}

async function events(requestId: number) {
  return bot.db
    .select()
    .from(requestEvents)
    .where(eq(requestEvents.requestId, requestId))
    .orderBy(asc(requestEvents.id));
}

/** A request of a gryazi family, routed to its curator and taken by them; the card and both chats. */
async function takenRequest(curatorName: string) {
  const { curatorUser, curator, familyUser, family, member, request, card } = await routedRequest(bot, {
    curatorName,
  });
  const edited = bot.emulator.waitForEdit(curatorUser.id, card.message_id, 10_000);
  bot.emulator.pressButtonByText(curatorUser.id, card.message_id, 'Взять в работу');
  const takenCard = await edited;
  const notice = await bot.emulator.waitForMessage(familyUser.id, undefined, 15_000);
  expect(notice.text).toContain('взяли в работу');
  return { curatorUser, curator, familyUser, family, member, request, card: takenCard };
}

describe('statuses from the curator’s card', () => {
  it('resolved: asks for a comment, closes the request, the family reads it and rates the help', async () => {
    const { curatorUser, curator, familyUser, request, card } = await takenRequest('Анна Петрова');
    expect(buttonsOf(card)).toEqual([
      'Ответить',
      'Ждём ответа семьи',
      'Решена',
      'Отклонить',
      'Карточка семьи',
    ]);

    bot.emulator.pressButtonByText(curatorUser.id, card.message_id, 'Решена');
    const question = await bot.emulator.waitForMessage(curatorUser.id, undefined, 10_000);
    expect(question.text).toContain('комментарий для семьи');
    const cardEdited = bot.emulator.waitForEdit(curatorUser.id, card.message_id, 10_000);
    bot.emulator.sendText(curatorUser.id, 'Няня найдена, придёт в понедельник к 9:00.');
    const done = await bot.emulator.waitForMessage(
      curatorUser.id,
      (m) => m.text?.includes('решена') ?? false,
      10_000,
    );
    expect(done.text).toBe(
      `Заявка № ${request.number} решена. Семья получит ваш комментарий и просьбу оценить помощь.`,
    );
    const closedCard = await cardEdited;
    expect(closedCard.text).toContain('Статус: решена');
    expect(buttonsOf(closedCard)).toEqual(['Карточка семьи']);

    const row = await requestRow(request.id);
    expect(row.status).toBe('resolved');
    expect(row.resolvedAt).toBeInstanceOf(Date);
    const history = await events(request.id);
    expect(history.map((e) => e.type)).toEqual(['created', 'assigned', 'taken', 'status_changed']);
    expect(history[3]).toMatchObject({ actorKind: 'staff', actorStaffId: curator.id });
    expect(history[3]!.data).toMatchObject({ from: 'in_progress', to: 'resolved' });
    const [comment] = await bot.db.select().from(messages).where(eq(messages.requestId, request.id));
    expect(comment).toMatchObject({
      direction: 'staff_to_family',
      senderStaffId: curator.id,
      text: 'Няня найдена, придёт в понедельник к 9:00.',
    });

    const told = await bot.emulator.waitForMessage(familyUser.id, undefined, 15_000);
    expect(told.text).toContain(`Ваша заявка № ${request.number} решена.`);
    expect(told.text).toContain(
      'Комментарий куратора (Анна Петрова): Няня найдена, придёт в понедельник к 9:00.',
    );
    expect(told.text).toContain(`Оцените, пожалуйста, как вам помогли по заявке № ${request.number}`);
    // Said once: no second «Заявка № … решена» in the same message.
    expect(told.text).not.toContain(`Заявка № ${request.number} решена`);
    expect(buttonsOf(told)).toEqual(['1 ⭐', '2 ⭐', '3 ⭐', '4 ⭐', '5 ⭐']);

    const rate = bot.emulator.pressButtonByText(familyUser.id, told.message_id, '5 ⭐');
    await bot.answerTo(rate.callback_query_id);
    await eventually(async () => (await requestRow(request.id)).rating === 5, 10_000, 'the rating');
    expect((await events(request.id)).map((e) => e.type)).toContain('rated');
  });

  it('rejected: asks for a reason, and the family reads it with a next step', async () => {
    const { curatorUser, familyUser, request, card } = await takenRequest('Ольга Седова');
    bot.emulator.pressButtonByText(curatorUser.id, card.message_id, 'Отклонить');
    const question = await bot.emulator.waitForMessage(curatorUser.id, undefined, 10_000);
    expect(question.text).toContain('причину отказа');
    bot.emulator.sendText(curatorUser.id, 'Эта услуга оказывается через МФЦ по месту жительства.');
    const done = await bot.emulator.waitForMessage(
      curatorUser.id,
      (m) => m.text?.includes('отклонена') ?? false,
      10_000,
    );
    expect(done.text).toBe(`Заявка № ${request.number} отклонена. Семья получит причину.`);

    const row = await requestRow(request.id);
    expect(row.status).toBe('rejected');
    expect(row.closedAt).toBeInstanceOf(Date);
    const history = await events(request.id);
    expect(history.at(-1)?.data).toMatchObject({ from: 'in_progress', to: 'rejected' });

    const told = await bot.emulator.waitForMessage(familyUser.id, undefined, 15_000);
    expect(told.text).toContain(`К сожалению, вашу заявку № ${request.number} отклонили.`);
    expect(told.text).toContain(
      'Причина, которую указал куратор (Ольга Седова): Эта услуга оказывается через МФЦ по месту жительства.',
    );
    expect(told.text).toContain('«Нужна помощь»');
    expect(buttonsOf(told)).toEqual([]);
  });

  it('a card waiting for the family does not offer «Ждём ответа семьи» again', async () => {
    const { curatorUser, request, card } = await takenRequest('Лидия Орлова');
    bot.emulator.pressButtonByText(curatorUser.id, card.message_id, 'Ждём ответа семьи');
    await bot.emulator.waitForMessage(
      curatorUser.id,
      (m) => m.text?.includes('Напишите вопрос для семьи') ?? false,
      15_000,
    );
    const edited = bot.emulator.waitForEdit(curatorUser.id, card.message_id, 15_000);
    bot.emulator.sendText(curatorUser.id, 'Пришлите, пожалуйста, адрес электронной почты.');
    const waiting = await edited;
    expect((await requestRow(request.id)).status).toBe('waiting_family');
    expect(waiting.text).toContain('Статус: ждём ответа семьи');
    expect(buttonsOf(waiting)).toEqual(['Ответить', 'Решена', 'Отклонить', 'Карточка семьи']);
  });

  it('a status press on a request not in work, or from another district, changes nothing', async () => {
    const { curatorUser, request, card } = await takenRequest('Нина Котова');
    const stranger = await strangerCurator(bot);
    expect((await stranger.press(`cur:${request.id}:resolve`)).text).toContain('не из ваших районов');
    expect((await requestRow(request.id)).status).toBe('in_progress');

    // A take press on a request already in work is not a status change either.
    const stale = bot.emulator.pressButton(curatorUser.id, card.message_id, `cur:${request.id}:take`);
    expect((await bot.answerTo(stale.callback_query_id)).text).toBe('Эта заявка уже у вас в работе.');
    expect((await events(request.id)).map((e) => e.type)).toEqual(['created', 'assigned', 'taken']);
  });

  it('the family cancelling or reopening a request tells its curator', async () => {
    const taken = await takenRequest('Вера Белова');
    const deps = { db: bot.db, timeZone: 'Europe/Moscow' };
    const ids = { familyId: taken.family.id, memberId: taken.member.id, requestId: taken.request.id };
    const resolved = await changeStatus(
      { db: bot.db },
      { telegramId: taken.curatorUser.id, requestId: taken.request.id, action: 'resolve', note: 'Готово.' },
    );
    expect(resolved.ok).toBe(true);
    expect((await reopenRequest(deps, ids)).ok).toBe(true);
    const reopened = await bot.emulator.waitForMessage(
      taken.curatorUser.id,
      (m) => m.text?.includes('вернула в работу') ?? false,
      15_000,
    );
    expect(reopened.text).toContain(
      `Семья вернула в работу заявку № ${taken.request.number}: проблема не решена.`,
    );
    expect(buttonsOf(reopened)).toEqual([
      'Ответить',
      'Ждём ответа семьи',
      'Решена',
      'Отклонить',
      'Карточка семьи',
    ]);

    expect((await cancelRequest(deps, ids)).ok).toBe(true);
    const cancelled = await bot.emulator.waitForMessage(
      taken.curatorUser.id,
      (m) => m.text?.includes('отменила') ?? false,
      15_000,
    );
    expect(cancelled.text).toBe(
      `Семья отменила заявку № ${taken.request.number}. Работу по ней можно прекратить.`,
    );
    expect((await requestRow(taken.request.id)).status).toBe('cancelled');
  });
});
