import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, families, outbox, requestEvents, requests, staff } from '../../src/db/schema/index.js';
import { takeRequest } from '../../src/features/curator/curator.usecases.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { formatRegionTime } from '../../src/time.js';
import { type BotUnderTest, startBotWithEmulator } from '../helpers/bot-app.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { eventually, startDeliveryPipeline } from '../helpers/pipeline.js';
import { createConfirmedRequest, createStaffMember, districtByCode } from '../helpers/routing-factories.js';

/**
 * Reassignment by a supervisor, the whole way: /find → the card → «Переназначить» → a curator's button;
 * the request's curator changes with a `reassigned` event, and the new curator (with the card), the old
 * curator and the family are told through the outbox and the delivery queue.
 */
let bot: BotUnderTest;
let pipeline: Awaited<ReturnType<typeof startDeliveryPipeline>>;

beforeAll(async () => {
  bot = await startBotWithEmulator();
  pipeline = await startDeliveryPipeline({ apiRoot: bot.emulator.url, redisPrefix: bot.config.redisPrefix });
});
afterAll(async () => {
  await pipeline?.stop();
  await bot?.stop();
});

const buttonsOf = (message: StoredMessage) =>
  message.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];

async function answerTo(callbackQueryId: string | undefined) {
  return eventually(
    async () => bot.emulator.callbackAnswers().find((a) => a.callback_query_id === callbackQueryId),
    10_000,
    'the answer to a button press',
  );
}

/** The first bot message in the chat containing `text` (waits for it). */
const messageWith = (chatId: number, text: string) =>
  bot.emulator.waitForMessage(chatId, (m) => m.text?.includes(text) === true, 15_000, { afterMessageId: 0 });

async function district(code: string) {
  const found = await districtByCode(bot.db, code);
  const user = (name: string) => bot.emulator.createUser({ first_name: name, language_code: 'ru' });
  const staffOf = async (name: string, role: 'curator' | 'supervisor') => {
    const chat = user(name);
    const member = await createStaffMember(bot.db, {
      telegramId: chat.id,
      fullName: name,
      role,
      districtIds: [found.id],
    });
    return { chat, member };
  };
  return { district: found, user, staffOf };
}

describe('reassigning a request', () => {
  it('changes the curator and tells the new curator, the old one and the family', async () => {
    const { district: izmalkovo, user, staffOf } = await district('izmalkovo');
    const first = await staffOf('Анна Первая', 'curator');
    const second = await staffOf('Борис Второй', 'curator');
    const away = await staffOf('Глеб Отпускной', 'curator');
    await bot.db
      .update(staff)
      .set({ awayUntil: new Date('2099-12-01T09:00:00Z') })
      .where(eq(staff.id, away.member.id));
    const supervisor = await staffOf('Вера Руководитель', 'supervisor');
    const familyUser = user('Мария');
    const { family, member } = await createRegisteredFamily(bot.db, {
      telegramId: familyUser.id,
      districtId: izmalkovo.id,
      curatorId: first.member.id,
    });
    const request = await createConfirmedRequest(bot.db, { familyId: family.id, memberId: member.id });
    await messageWith(first.chat.id, `№ ${request.number}`);

    bot.emulator.sendText(supervisor.chat.id, `/find ${request.number}`);
    const found = await messageWith(supervisor.chat.id, 'Семья · Измалковский район');
    expect(found.text).toContain('куратор: Анна Первая');
    expect(found.text).toContain('Мария Иванова');
    const open = bot.emulator.pressButtonByText(supervisor.chat.id, found.message_id, `№ ${request.number}`);
    await answerTo(open.callback_query_id);
    const card = await messageWith(supervisor.chat.id, 'Статус: передана куратору · куратор: Анна Первая');

    const reassign = bot.emulator.pressButtonByText(supervisor.chat.id, card.message_id, 'Переназначить');
    await answerTo(reassign.callback_query_id);
    const chooser = await messageWith(supervisor.chat.id, `Кому передать заявку № ${request.number}?`);
    // The current curator is not offered; the other one is, with their open requests.
    expect(buttonsOf(chooser)).toEqual([
      'Борис Второй (открытых: 0)',
      'Глеб Отпускной (открытых: 0; нет на месте до 01.12.2099)',
    ]);
    const pick = bot.emulator.pressButtonByText(
      supervisor.chat.id,
      chooser.message_id,
      'Борис Второй (открытых: 0)',
    );
    const answer = await answerTo(pick.callback_query_id);
    expect(answer.text).toContain(`Заявка № ${request.number} передана: Борис Второй`);

    const [row] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(row!.curatorId).toBe(second.member.id);
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
      actorStaffId: supervisor.member.id,
      data: { fromStaffId: first.member.id, toStaffId: second.member.id },
    });

    const toNew = await messageWith(second.chat.id, `Руководитель передал вам заявку № ${request.number}`);
    expect(toNew.text).toContain('Измалковский район');
    expect(buttonsOf(toNew)).toEqual(expect.arrayContaining(['Взять в работу', 'Карточка семьи']));
    const toOld = await messageWith(
      first.chat.id,
      `передал вашу заявку № ${request.number} другому куратору, теперь её ведёт Борис Второй`,
    );
    expect(toOld.reply_markup).toBeUndefined();
    await messageWith(
      familyUser.id,
      `Вашей заявкой № ${request.number} теперь занимается куратор Борис Второй`,
    );

    // The new curator can take it from the card they received.
    const take = bot.emulator.pressButtonByText(second.chat.id, toNew.message_id, 'Взять в работу');
    expect((await answerTo(take.callback_query_id)).text).toContain('Заявка ваша');
    const [taken] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(taken!.takenById).toBe(second.member.id);

    // The same choice pressed again changes nothing and tells no one twice.
    const again = bot.emulator.pressButton(
      supervisor.chat.id,
      chooser.message_id,
      `sup:${request.id}:to:${second.member.id}`,
    );
    expect((await answerTo(again.callback_query_id)).text).toContain('уже ведёт куратор Борис Второй');
    const notices = (await bot.db.select().from(outbox).where(eq(outbox.kind, 'request_reassigned'))).filter(
      (o) => o.payload.requestId === request.id,
    );
    expect(notices).toHaveLength(1);
    const searches = await bot.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.staffId, supervisor.member.id), eq(auditLog.action, 'family_found')));
    expect(searches.map((s) => s.familyId)).toEqual([family.id]);
  });

  it('a curator of another district is not offered and a forged choice of them is refused', async () => {
    const { district: krasnoe, user, staffOf } = await district('krasnoe');
    const curator = await staffOf('Галина Красное', 'curator');
    const supervisor = await staffOf('Руководитель Красное', 'supervisor');
    const outsider = await createStaffMember(bot.db, {
      telegramId: user('Чужой куратор').id,
      fullName: 'Чужой куратор',
      districtIds: [(await districtByCode(bot.db, 'volovo')).id],
    });
    const { family, member } = await createRegisteredFamily(bot.db, {
      telegramId: user('Ольга').id,
      districtId: krasnoe.id,
      curatorId: curator.member.id,
    });
    const request = await createConfirmedRequest(bot.db, { familyId: family.id, memberId: member.id });
    await messageWith(curator.chat.id, `№ ${request.number}`);
    bot.emulator.sendText(supervisor.chat.id, '/overdue');
    const somewhere = await messageWith(supervisor.chat.id, 'Просроченных заявок нет');

    const choose = bot.emulator.pressButton(
      supervisor.chat.id,
      somewhere.message_id,
      `sup:${request.id}:reassign`,
    );
    await answerTo(choose.callback_query_id);
    await messageWith(supervisor.chat.id, 'В районе семьи нет другого активного куратора');

    const forged = bot.emulator.pressButton(
      supervisor.chat.id,
      somewhere.message_id,
      `sup:${request.id}:to:${outsider.id}`,
    );
    expect((await answerTo(forged.callback_query_id)).text).toContain('Выберите другого');
    const [row] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(row!.curatorId).toBe(curator.member.id);
  });
});

describe('reassigning a request in work, and a closed one', () => {
  it('a request in work stays in work with the new curator; a closed one cannot be reassigned', async () => {
    const { district: lipetskCity, user, staffOf } = await district('lipetsk-city');
    const first = await staffOf('Жанна Первая', 'curator');
    const second = await staffOf('Зоя Вторая', 'curator');
    const supervisor = await staffOf('Руководитель Липецк', 'supervisor');
    const { family, member } = await createRegisteredFamily(bot.db, {
      telegramId: user('Нина').id,
      districtId: lipetskCity.id,
      curatorId: first.member.id,
    });
    const request = await createConfirmedRequest(bot.db, { familyId: family.id, memberId: member.id });
    const card = await messageWith(first.chat.id, `№ ${request.number}`);
    const take = bot.emulator.pressButtonByText(first.chat.id, card.message_id, 'Взять в работу');
    await answerTo(take.callback_query_id);

    bot.emulator.sendText(supervisor.chat.id, '/overdue');
    const somewhere = await messageWith(supervisor.chat.id, 'Просроченных заявок нет');
    const give = bot.emulator.pressButton(
      supervisor.chat.id,
      somewhere.message_id,
      `sup:${request.id}:to:${second.member.id}`,
    );
    expect((await answerTo(give.callback_query_id)).text).toContain('передана: Зоя Вторая');
    const [row] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(row).toMatchObject({ status: 'in_progress', curatorId: second.member.id });
    const toNew = await messageWith(second.chat.id, `Руководитель передал вам заявку № ${request.number}`);
    expect(buttonsOf(toNew)).toEqual(expect.arrayContaining(['Решена', 'Отклонить']));
    expect(buttonsOf(toNew)).not.toContain('Взять в работу');

    // A supervisor in the middle of a dialogue (asked for a resolve comment) types /stats: the dialogue is
    // left, the figures come, and nothing is resolved with "/stats" as the family's comment.
    const resolve = bot.emulator.pressButton(
      supervisor.chat.id,
      somewhere.message_id,
      `cur:${request.id}:resolve`,
    );
    await answerTo(resolve.callback_query_id);
    const ask = await messageWith(supervisor.chat.id, 'Напишите короткий комментарий для семьи');
    bot.emulator.sendText(supervisor.chat.id, '/stats');
    await bot.emulator.waitForMessage(
      supervisor.chat.id,
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
      supervisor.chat.id,
      somewhere.message_id,
      `sup:${request.id}:to:${first.member.id}`,
    );
    expect((await answerTo(late.callback_query_id)).text).toContain('уже закрыта');
    const [after] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(after!.curatorId).toBe(second.member.id);
    const reassignedEvents = await bot.db
      .select()
      .from(requestEvents)
      .where(and(eq(requestEvents.requestId, request.id), eq(requestEvents.type, 'reassigned')));
    expect(reassignedEvents).toHaveLength(1);
  });
});

describe('reassigning a family', () => {
  it('moves the family and its open requests, and all three sides are told', async () => {
    const { district: dolgorukovo, user, staffOf } = await district('dolgorukovo');
    const first = await staffOf('Дарья Первая', 'curator');
    const second = await staffOf('Егор Второй', 'curator');
    const supervisor = await staffOf('Руководитель Долгоруково', 'supervisor');
    const familyUser = user('Светлана');
    const { family, member } = await createRegisteredFamily(bot.db, {
      telegramId: familyUser.id,
      districtId: dolgorukovo.id,
      curatorId: first.member.id,
    });
    const one = await createConfirmedRequest(bot.db, { familyId: family.id, memberId: member.id });
    const two = await createConfirmedRequest(bot.db, {
      familyId: family.id,
      memberId: member.id,
      category: 'legal',
    });
    // Created five hours ago: its four hours to be taken are over.
    const late = await createConfirmedRequest(bot.db, {
      familyId: family.id,
      memberId: member.id,
      category: 'other',
      createdAt: new Date(Date.now() - 5 * 3600_000),
    });
    await messageWith(first.chat.id, `№ ${one.number}`);
    await messageWith(first.chat.id, `№ ${two.number}`);
    await messageWith(first.chat.id, `№ ${late.number}`);
    // The legal request is in work with the first curator: it moves in work.
    expect((await takeRequest({ db: bot.db }, { telegramId: first.chat.id, requestId: two.id })).ok).toBe(
      true,
    );

    bot.emulator.sendText(supervisor.chat.id, `/find ${one.number}`);
    const found = await messageWith(supervisor.chat.id, 'Семья · Долгоруковский район');
    const open = bot.emulator.pressButtonByText(supervisor.chat.id, found.message_id, `№ ${one.number}`);
    await answerTo(open.callback_query_id);
    const card = await messageWith(supervisor.chat.id, 'Статус: передана куратору · куратор: Дарья Первая');
    const give = bot.emulator.pressButtonByText(
      supervisor.chat.id,
      card.message_id,
      'Передать семью другому куратору',
    );
    await answerTo(give.callback_query_id);
    const chooser = await messageWith(supervisor.chat.id, 'Кому передать семью');
    const pick = bot.emulator.pressButtonByText(
      supervisor.chat.id,
      chooser.message_id,
      'Егор Второй (открытых: 0)',
    );
    expect((await answerTo(pick.callback_query_id)).text).toContain('Семья передана: Егор Второй');

    const [familyRow] = await bot.db.select().from(families).where(eq(families.id, family.id));
    expect(familyRow!.curatorId).toBe(second.member.id);
    for (const request of [one, two, late]) {
      const [row] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
      expect(row!.curatorId).toBe(second.member.id);
      await messageWith(second.chat.id, `Руководитель передал вам заявку № ${request.number}`);
    }
    // What the new curator needs to act: who, where, each request with the deadline that matters now.
    const notice = await messageWith(second.chat.id, 'Руководитель передал вам семью');
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
    const cardPress = bot.emulator.pressButtonByText(second.chat.id, notice.message_id, 'Карточка семьи');
    await answerTo(cardPress.callback_query_id);
    const familyCard = await messageWith(second.chat.id, 'Карточка семьи');
    expect(familyCard.text).toContain('Мария Иванова');
    await messageWith(first.chat.id, 'другому куратору, теперь её ведёт Егор Второй');
    await messageWith(familyUser.id, 'Ваш новый куратор — Егор Второй');
  });
});
