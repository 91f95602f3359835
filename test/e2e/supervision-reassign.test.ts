import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, families, outbox, requestEvents, requests } from '../../src/db/schema/index.js';
import { takeRequest } from '../../src/features/curator/curator.usecases.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { formatRegionTime } from '../../src/time.js';
import { useE2E } from '../helpers/e2e.js';
import { eventually } from '../helpers/pipeline.js';

/**
 * Reassignment by a supervisor, the whole way: /find → the card → «Переназначить» → a curator's button;
 * the request's curator changes with a `reassigned` event, and the new curator (with the card), the old
 * curator and the family are told through the outbox and the delivery queue.
 */
const bot = useE2E();

const buttonsOf = (message: StoredMessage) =>
  message.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];

/** The first bot message in the chat containing `text` (waits for it). */
const messageWith = (chatId: number, text: string) =>
  bot.emulator.waitForMessage(chatId, (m) => m.text?.includes(text) === true, 15_000, { afterMessageId: 0 });

describe('reassigning a request', () => {
  it('changes the curator and tells the new curator, the old one and the family', async () => {
    const {
      staff: { first, second, supervisor },
      families: { maria },
      requests: { request },
    } = await bot.seed({
      staff: {
        first: { name: 'Анна Первая', districts: ['izmalkovo'] },
        second: { name: 'Борис Второй', districts: ['izmalkovo'] },
        away: {
          name: 'Глеб Отпускной',
          districts: ['izmalkovo'],
          awayUntil: new Date('2099-12-01T09:00:00Z'),
        },
        supervisor: { name: 'Вера Руководитель', role: 'supervisor', districts: ['izmalkovo'] },
      },
      families: { maria: { curator: 'first' } },
      // Created five hours ago: its four hours to be taken are over when it is handed on.
      requests: { request: { family: 'maria', createdAt: new Date(Date.now() - 5 * 3600_000) } },
    });
    const { family, chat: familyChat } = maria;
    const firstCard = await messageWith(first.chat, `№ ${request.number}`);

    bot.emulator.sendText(supervisor.chat, `/find ${request.number}`);
    const found = await messageWith(supervisor.chat, 'Семья · Измалковский район');
    expect(found.text).toContain('куратор: Анна Первая');
    expect(found.text).toContain('Мария Иванова');
    const open = bot.emulator.pressButtonByText(supervisor.chat, found.message_id, `№ ${request.number}`);
    await bot.answerTo(open.callback_query_id);
    const card = await messageWith(supervisor.chat, 'Статус: передана куратору · куратор: Анна Первая');

    const reassign = bot.emulator.pressButtonByText(supervisor.chat, card.message_id, 'Переназначить');
    await bot.answerTo(reassign.callback_query_id);
    const chooser = await messageWith(supervisor.chat, `Кому передать заявку № ${request.number}?`);
    // The current curator is not offered; the other one is, with their open requests.
    expect(buttonsOf(chooser)).toEqual([
      'Борис Второй (открытых: 0)',
      'Глеб Отпускной (открытых: 0; нет на месте до 01.12.2099)',
    ]);
    const pick = bot.emulator.pressButtonByText(
      supervisor.chat,
      chooser.message_id,
      'Борис Второй (открытых: 0)',
    );
    const answer = await bot.answerTo(pick.callback_query_id);
    expect(answer.text).toContain(`Заявка № ${request.number} передана: Борис Второй`);

    const [row] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(row!.curatorId).toBe(second.id);
    expect(row!.status).toBe('assigned');
    const events = await bot.db
      .select()
      .from(requestEvents)
      .where(eq(requestEvents.requestId, request.id))
      .orderBy(asc(requestEvents.id));
    const reassigned = events.filter((e) => e.type === 'reassigned');
    expect(reassigned).toHaveLength(1);
    expect(reassigned[0]).toMatchObject({
      actorKind: 'staff',
      actorStaffId: supervisor.id,
      data: { fromStaffId: first.id, toStaffId: second.id },
    });

    const toNew = await messageWith(second.chat, `Руководитель передал вам заявку № ${request.number}`);
    expect(toNew.text).toContain('Измалковский район');
    // The take-by time has passed: the card says so rather than offering it as still ahead.
    expect(toNew.text).toContain(
      `⏰ Не взята в работу, срок был ${formatRegionTime(row!.takeDeadlineAt, bot.config.timeZone)}`,
    );
    expect(toNew.text).not.toContain('Взять в работу до');
    expect(buttonsOf(toNew)).toEqual(expect.arrayContaining(['Взять в работу', 'Карточка семьи']));
    // The old curator reads it once: on their card, edited, with its buttons gone; no second message.
    const toOld = await eventually(
      async () => {
        const card = bot.emulator
          .messages(first.chat, { from: 'bot' })
          .find((m) => m.message_id === firstCard.message_id);
        return card?.text?.includes('передана другому куратору') ? card : undefined;
      },
      15_000,
      'the old curator’s card edited',
    );
    expect(toOld.text).toBe(
      `Заявка № ${request.number} передана другому куратору: Борис Второй. Действия по ней вам больше недоступны, кнопки убраны.`,
    );
    expect(toOld.reply_markup).toBeUndefined();
    await messageWith(familyChat, `Вашей заявкой № ${request.number} теперь занимается куратор Борис Второй`);

    // The new curator can take it from the card they received.
    const take = bot.emulator.pressButtonByText(second.chat, toNew.message_id, 'Взять в работу');
    expect((await bot.answerTo(take.callback_query_id)).text).toContain('Заявка ваша');
    const [taken] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(taken!.takenById).toBe(second.id);
    // The family, just told who has the request, is not introduced to the curator again.
    const takenNotice = await messageWith(familyChat, 'взял');
    expect(takenNotice.text).toContain(`Куратор взял вашу заявку № ${request.number} в работу (`);
    expect(takenNotice.text).not.toContain('Борис Второй');
    expect(
      bot.emulator
        .messages(first.chat, { from: 'bot' })
        .filter((m) => m.text?.includes('передал вашу заявку')),
    ).toEqual([]);

    // The same choice pressed again changes nothing and tells no one twice.
    const again = bot.emulator.pressButton(
      supervisor.chat,
      chooser.message_id,
      `sup:${request.id}:to:${second.id}`,
    );
    expect((await bot.answerTo(again.callback_query_id)).text).toContain('уже ведёт куратор Борис Второй');
    const notices = (await bot.db.select().from(outbox).where(eq(outbox.kind, 'request_reassigned'))).filter(
      (o) => o.payload.requestId === request.id,
    );
    expect(notices).toHaveLength(1);
    const searches = await bot.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.staffId, supervisor.id), eq(auditLog.action, 'family_found')));
    expect(searches.map((s) => s.familyId)).toEqual([family.id]);
  });

  it('a curator of another district is not offered and a forged choice of them is refused', async () => {
    const {
      staff: { curator, supervisor, outsider },
      requests: { request },
    } = await bot.seed({
      staff: {
        curator: { name: 'Галина Красное', districts: ['krasnoe'] },
        supervisor: { name: 'Руководитель Красное', role: 'supervisor', districts: ['krasnoe'] },
        outsider: { name: 'Чужой куратор', districts: ['volovo'] },
      },
      families: { olga: { curator: 'curator', memberName: 'Ольга Иванова' } },
      requests: { request: { family: 'olga' } },
    });
    await messageWith(curator.chat, `№ ${request.number}`);
    bot.emulator.sendText(supervisor.chat, '/overdue');
    const somewhere = await messageWith(supervisor.chat, 'Просроченных заявок нет');

    const choose = bot.emulator.pressButton(
      supervisor.chat,
      somewhere.message_id,
      `sup:${request.id}:reassign`,
    );
    await bot.answerTo(choose.callback_query_id);
    await messageWith(supervisor.chat, 'В районе семьи нет другого активного куратора');

    const forged = bot.emulator.pressButton(
      supervisor.chat,
      somewhere.message_id,
      `sup:${request.id}:to:${outsider.id}`,
    );
    expect((await bot.answerTo(forged.callback_query_id)).text).toContain('Выберите другого');
    const [row] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(row!.curatorId).toBe(curator.id);
  });
});

describe('reassigning a request in work, and a closed one', () => {
  it('a request in work stays in work with the new curator; a closed one cannot be reassigned', async () => {
    const {
      staff: { first, second, supervisor },
      requests: { request },
    } = await bot.seed({
      staff: {
        first: { name: 'Жанна Первая', districts: ['lipetsk-city'] },
        second: { name: 'Зоя Вторая', districts: ['lipetsk-city'] },
        supervisor: { name: 'Руководитель Липецк', role: 'supervisor', districts: ['lipetsk-city'] },
      },
      families: { nina: { curator: 'first', memberName: 'Нина Иванова' } },
      requests: { request: { family: 'nina' } },
    });
    const card = await messageWith(first.chat, `№ ${request.number}`);
    const take = bot.emulator.pressButtonByText(first.chat, card.message_id, 'Взять в работу');
    await bot.answerTo(take.callback_query_id);

    bot.emulator.sendText(supervisor.chat, '/overdue');
    const somewhere = await messageWith(supervisor.chat, 'Просроченных заявок нет');
    const give = bot.emulator.pressButton(
      supervisor.chat,
      somewhere.message_id,
      `sup:${request.id}:to:${second.id}`,
    );
    expect((await bot.answerTo(give.callback_query_id)).text).toContain('передана: Зоя Вторая');
    const [row] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(row).toMatchObject({ status: 'in_progress', curatorId: second.id });
    const toNew = await messageWith(second.chat, `Руководитель передал вам заявку № ${request.number}`);
    expect(buttonsOf(toNew)).toEqual(expect.arrayContaining(['Решена', 'Отклонить']));
    expect(buttonsOf(toNew)).not.toContain('Взять в работу');

    // A supervisor in the middle of a dialogue (asked for a resolve comment) types /stats: the dialogue is
    // left, the figures come, and nothing is resolved with "/stats" as the family's comment.
    const resolve = bot.emulator.pressButton(
      supervisor.chat,
      somewhere.message_id,
      `cur:${request.id}:resolve`,
    );
    await bot.answerTo(resolve.callback_query_id);
    const ask = await messageWith(supervisor.chat, 'Напишите короткий комментарий для семьи');
    bot.emulator.sendText(supervisor.chat, '/stats');
    await bot.emulator.waitForMessage(
      supervisor.chat,
      (m) => m.text?.includes('Статистика за') === true,
      15_000,
      {
        afterMessageId: ask.message_id,
      },
    );
    const [stillInWork] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(stillInWork!.status).toBe('in_progress');

    await bot.db
      .update(requests)
      .set({ status: 'resolved', resolvedAt: new Date() })
      .where(eq(requests.id, request.id));
    const late = bot.emulator.pressButton(
      supervisor.chat,
      somewhere.message_id,
      `sup:${request.id}:to:${first.id}`,
    );
    expect((await bot.answerTo(late.callback_query_id)).text).toContain('уже закрыта');
    const [after] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(after!.curatorId).toBe(second.id);
    const reassignedEvents = await bot.db
      .select()
      .from(requestEvents)
      .where(and(eq(requestEvents.requestId, request.id), eq(requestEvents.type, 'reassigned')));
    expect(reassignedEvents).toHaveLength(1);
  });
});

describe('reassigning a family', () => {
  it('moves the family and its open requests, and all three sides are told', async () => {
    const {
      staff: { first, second, supervisor },
      families: { svetlana },
      requests: { one, two, late },
    } = await bot.seed({
      staff: {
        first: { name: 'Дарья Первая', districts: ['dolgorukovo'] },
        second: { name: 'Егор Второй', districts: ['dolgorukovo'] },
        supervisor: { name: 'Руководитель Долгоруково', role: 'supervisor', districts: ['dolgorukovo'] },
      },
      families: { svetlana: { curator: 'first' } },
      requests: {
        one: { family: 'svetlana' },
        two: { family: 'svetlana', category: 'legal' },
        // Created five hours ago: its four hours to be taken are over.
        late: { family: 'svetlana', category: 'other', createdAt: new Date(Date.now() - 5 * 3600_000) },
      },
    });
    const { family, chat: familyChat } = svetlana;
    await messageWith(first.chat, `№ ${one.number}`);
    await messageWith(first.chat, `№ ${two.number}`);
    await messageWith(first.chat, `№ ${late.number}`);
    // The legal request is in work with the first curator: it moves in work.
    expect((await takeRequest({ db: bot.db }, { telegramId: first.chat, requestId: two.id })).ok).toBe(true);

    bot.emulator.sendText(supervisor.chat, `/find ${one.number}`);
    const found = await messageWith(supervisor.chat, 'Семья · Долгоруковский район');
    const open = bot.emulator.pressButtonByText(supervisor.chat, found.message_id, `№ ${one.number}`);
    await bot.answerTo(open.callback_query_id);
    const card = await messageWith(supervisor.chat, 'Статус: передана куратору · куратор: Дарья Первая');
    const give = bot.emulator.pressButtonByText(
      supervisor.chat,
      card.message_id,
      'Передать семью другому куратору',
    );
    await bot.answerTo(give.callback_query_id);
    const chooser = await messageWith(supervisor.chat, 'Кому передать семью');
    const pick = bot.emulator.pressButtonByText(
      supervisor.chat,
      chooser.message_id,
      'Егор Второй (открытых: 0)',
    );
    expect((await bot.answerTo(pick.callback_query_id)).text).toContain('Семья передана: Егор Второй');

    const [familyRow] = await bot.db.select().from(families).where(eq(families.id, family.id));
    expect(familyRow!.curatorId).toBe(second.id);
    for (const request of [one, two, late]) {
      const [row] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
      expect(row!.curatorId).toBe(second.id);
      await messageWith(second.chat, `Руководитель передал вам заявку № ${request.number}`);
    }
    // What the new curator needs to act: who, where, each request with the deadline that matters now.
    const notice = await messageWith(second.chat, 'Руководитель передал вам семью');
    const at = (date: Date) => formatRegionTime(date, bot.config.timeZone);
    expect(notice.text).toBe(
      [
        '👋 Руководитель передал вам семью.',
        'Заявитель: Мария Иванова',
        'Район: Долгоруковский район',
        'Открытые заявки семьи (3), теперь они ваши:',
        `№ ${one.number} · Няня · взять в работу до ${at(one.takeDeadlineAt)}`,
        `№ ${two.number} · Юридическая помощь · в работе, решить до ${at(two.resolveDeadlineAt)}`,
        `№ ${late.number} · Другое · ⏰ не взята в работу, срок был ${at(late.takeDeadlineAt)}`,
        'Сроки — по московскому времени. Карточка каждой заявки придёт отдельным сообщением, кто в семье — в карточке семьи, кнопка ниже.',
      ].join('\n'),
    );
    expect(buttonsOf(notice)).toEqual(['Карточка семьи']);
    const cardPress = bot.emulator.pressButtonByText(second.chat, notice.message_id, 'Карточка семьи');
    await bot.answerTo(cardPress.callback_query_id);
    const familyCard = await messageWith(second.chat, 'Карточка семьи');
    expect(familyCard.text).toContain('Мария Иванова');
    await messageWith(first.chat, 'другому куратору, теперь её ведёт Егор Второй');
    await messageWith(familyChat, 'Ваш новый куратор — Егор Второй');
  });
});
