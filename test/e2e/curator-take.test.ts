import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outbox, requestEvents, requests } from '../../src/db/schema/index.js';
import { cancelRequest } from '../../src/features/requests/requests.usecases.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { formatRegionTime } from '../../src/time.js';
import { useE2E } from '../helpers/e2e.js';
import { routedRequest as routedRequestOf, strangerCurator } from '../helpers/routed-request.js';

/**
 * «Взять в работу» on the curator's request card: the whole way through the emulator — the bot role takes
 * the press, the relay and the workers deliver the card and the family's notice — with real PostgreSQL and
 * Redis.
 */
const bot = useE2E();

const buttonsOf = (message: StoredMessage) =>
  message.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];

/** A curator of `districtCode` with a chat, a family of theirs with a chat, and a routed request's card. */
const routedRequest = (districtCode: string, curatorName: string) =>
  routedRequestOf(bot, { districtCode, curatorName });

async function requestRow(requestId: number) {
  const [row] = await bot.db.select().from(requests).where(eq(requests.id, requestId));
  return row!;
}

const eventTypes = async (requestId: number) =>
  (
    await bot.db
      .select()
      .from(requestEvents)
      .where(eq(requestEvents.requestId, requestId))
      .orderBy(asc(requestEvents.id))
  ).map((e) => e.type);

describe('taking a request from its card', () => {
  it('moves the request to in progress, updates the card and tells the family who took it', async () => {
    const { curatorUser, curator, familyUser, request, card } = await routedRequest('gryazi', 'Анна Петрова');
    expect(buttonsOf(card)).toEqual(['Взять в работу', 'Ответить', 'Карточка семьи']);
    expect(card.text).toContain('Взять в работу до:');
    expect(card.text).not.toContain('Решить до');
    expect(card.reply_markup?.inline_keyboard[0]?.[0]).toMatchObject({
      callback_data: `cur:${request.id}:take`,
    });

    const edited = bot.emulator.waitForEdit(curatorUser.id, card.message_id, 10_000);
    const press = bot.emulator.pressButtonByText(curatorUser.id, card.message_id, 'Взять в работу');
    const answer = await bot.answerTo(press.callback_query_id);
    expect(answer.text).toBe('Заявка ваша. Семья получит сообщение, что вы взяли её в работу.');

    const row = await requestRow(request.id);
    expect(row.status).toBe('in_progress');
    expect(row.takenById).toBe(curator.id);
    expect(row.curatorId).toBe(curator.id);
    expect(row.takenAt).toBeInstanceOf(Date);
    const taken = await bot.db
      .select()
      .from(requestEvents)
      .where(and(eq(requestEvents.requestId, request.id), eq(requestEvents.type, 'taken')));
    expect(taken).toHaveLength(1);
    expect(taken[0]).toMatchObject({ actorKind: 'staff', actorStaffId: curator.id });

    const card2 = await edited;
    const time = formatRegionTime(row.takenAt!, 'Europe/Moscow');
    expect(card2.text).toContain(`№ ${request.number}`);
    expect(card2.text).toContain(`Взята в работу: Анна Петрова, ${time}`);
    // Taken: the clock that runs now is the resolve clock, not the take clock that stopped.
    expect(card2.text).toContain(
      `Решить до: ${formatRegionTime(row.resolveDeadlineAt, 'Europe/Moscow', 'ru')} по московскому времени`,
    );
    expect(card2.text).not.toContain('Взять в работу до');
    expect(buttonsOf(card2)).not.toContain('Взять в работу');
    expect(buttonsOf(card2)).toEqual([
      'Ответить',
      'Ждём ответа семьи',
      'Решена',
      'Отклонить',
      'Карточка семьи',
    ]);

    const notice = await bot.emulator.waitForMessage(familyUser.id, undefined, 15_000);
    expect(notice.text).toContain(
      `Вашу заявку № ${request.number} взяли в работу (${time}), ею занимается куратор Анна Петрова.`,
    );
    expect(notice.text).toContain('Куратор свяжется с вами здесь, в чате, или по телефону.');
  });

  it('a second press of take is harmless', async () => {
    const { curatorUser, familyUser, request, card } = await routedRequest('gryazi', 'Ольга Седова');
    const first = bot.emulator.pressButtonByText(curatorUser.id, card.message_id, 'Взять в работу');
    await bot.answerTo(first.callback_query_id);
    await bot.emulator.waitForMessage(familyUser.id, undefined, 15_000);
    const takenAt = (await requestRow(request.id)).takenAt;

    // The same press again (a double tap, or an old copy of the card).
    const second = bot.emulator.pressButton(curatorUser.id, card.message_id, `cur:${request.id}:take`);
    expect((await bot.answerTo(second.callback_query_id)).text).toBe('Эта заявка уже у вас в работе.');
    const row = await requestRow(request.id);
    expect(row.status).toBe('in_progress');
    expect(row.takenAt).toEqual(takenAt);
    expect((await eventTypes(request.id)).filter((type) => type === 'taken')).toHaveLength(1);
    const notices = await bot.db.select().from(outbox).where(eq(outbox.kind, 'request_taken'));
    expect(notices.filter((o) => o.payload.requestId === request.id)).toHaveLength(1);
  });

  it('a curator of another district pressing a forged take changes nothing and is refused', async () => {
    const { request } = await routedRequest('gryazi', 'Светлана Орлова');
    const stranger = await strangerCurator(bot);
    const before = await requestRow(request.id);

    const answer = await stranger.press(`cur:${request.id}:take`);
    expect(answer.text).toContain('не из ваших районов');

    const after = await requestRow(request.id);
    expect(after.status).toBe('assigned');
    expect(after.takenById).toBeNull();
    expect(after.curatorId).toBe(before.curatorId);
    expect(after.updatedAt).toEqual(before.updatedAt);
    expect(await eventTypes(request.id)).toEqual(['created', 'assigned']);
  });

  it('a press that is not a staff member’s, or malformed, is refused', async () => {
    const { request, familyUser } = await routedRequest('gryazi', 'Нина Котова');
    bot.emulator.sendText(familyUser.id, '/menu');
    const menu = await bot.emulator.waitForMessage(familyUser.id, undefined, 10_000);
    const byFamily = bot.emulator.pressButton(familyUser.id, menu.message_id, `cur:${request.id}:take`);
    expect((await bot.answerTo(byFamily.callback_query_id)).text).toContain('для сотрудников службы');
    const malformed = bot.emulator.pressButton(familyUser.id, menu.message_id, `cur:${request.id}:steal`);
    expect((await bot.answerTo(malformed.callback_query_id)).text).toBe(
      'Эта кнопка не действует. Откройте заявку из её карточки.',
    );
    expect((await requestRow(request.id)).status).toBe('assigned');
  });

  it('a take press on a request the family cancelled is refused and the card shows where it stands', async () => {
    const { curatorUser, family, member, request, card } = await routedRequest('gryazi', 'Вера Белова');
    const cancelled = await cancelRequest(
      { db: bot.db, timeZone: 'Europe/Moscow' },
      { familyId: family.id, memberId: member.id, requestId: request.id },
    );
    expect(cancelled.ok).toBe(true);
    const edited = bot.emulator.waitForEdit(curatorUser.id, card.message_id, 10_000);
    const press = bot.emulator.pressButtonByText(curatorUser.id, card.message_id, 'Взять в работу');
    expect((await bot.answerTo(press.callback_query_id)).text).toBe(
      `Заявка № ${request.number} уже закрыта: отменена семьёй. Изменить её нельзя.`,
    );
    const refreshed = await edited;
    expect(refreshed.text).toContain('Статус: отменена семьёй');
    // Closed: no clock runs, so no deadline is shown.
    expect(refreshed.text).not.toMatch(/Взять в работу до|Решить до|⏰/);
    expect(buttonsOf(refreshed)).toEqual(['Карточка семьи']);
    const row = await requestRow(request.id);
    expect(row.status).toBe('cancelled');
    expect(row.takenById).toBeNull();
  });
});
