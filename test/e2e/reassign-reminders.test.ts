import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { messages, notifications, outbox, requestEvents, requests } from '../../src/db/schema/index.js';
import { takeRequest } from '../../src/features/curator/curator.usecases.js';
import {
  deadlineNotificationKinds,
  fireEscalation,
} from '../../src/features/deadlines/deadlines.usecases.js';
import { withdrawnReason } from '../../src/features/delivery/notifications.repository.js';
import { routeRelayedMessage } from '../../src/features/relay/relay.routing.js';
import { reassignRequest } from '../../src/features/supervision/supervision.usecases.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { useE2E } from '../helpers/e2e.js';
import { eventually } from '../helpers/pipeline.js';
import { routedRequest } from '../helpers/routed-request.js';
import { createStaffMember } from '../helpers/routing-factories.js';

/**
 * Issue 13 §2, the reminders: a supervisor's reassignment sticks for them too. A reminder made for the
 * previous curator but not yet sent when the request moved never reaches them; one they already have is
 * edited to say the request was handed over, and its old «Взять в работу» changes nothing; a reminder after
 * the move goes to the new curator, on the resolve clock too (the curator the request was taken from is no
 * longer its curator). And the family's messages still on their way when the request moved go to the new
 * curator instead.
 */
const bot = useE2E();

const WAIT = 15_000;
const buttonsOf = (message: StoredMessage) =>
  message.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];
const reminderIn = (chatId: number, number: number) =>
  bot.emulator
    .messages(chatId, { from: 'bot' })
    .filter((m) => (m.text ?? '').includes('Напоминание') && (m.text ?? '').includes(`№ ${number}`));

/** A routed request of `curatorName`, a colleague in the same district and their supervisor. */
async function requestWithColleague(curatorName: string, colleagueName: string) {
  const routed = await routedRequest(bot, { curatorName });
  const user = (name: string) => bot.emulator.createUser({ first_name: name, language_code: 'ru' });
  const colleagueUser = user(colleagueName);
  const colleague = await createStaffMember(bot.db, {
    telegramId: colleagueUser.id,
    fullName: colleagueName,
    districtIds: [routed.district.id],
  });
  const supervisorUser = user(`Руководитель ${colleagueName}`);
  await createStaffMember(bot.db, {
    telegramId: supervisorUser.id,
    fullName: `Руководитель ${colleagueName}`,
    role: 'supervisor',
    districtIds: [routed.district.id],
  });
  const reassign = async () => {
    const moved = await reassignRequest(bot.db, {
      telegramId: supervisorUser.id,
      requestId: routed.request.id,
      toStaffId: colleague.id,
    });
    expect(moved.ok).toBe(true);
  };
  return { ...routed, colleagueUser, colleague, reassign };
}

/** The reminder step of a clock fires (as its timer would at half the window); returns its notifications. */
async function fireReminder(requestId: number, clock: 'take' | 'resolve') {
  const [row] = await bot.db.select().from(requests).where(eq(requests.id, requestId));
  const fired = await fireEscalation(
    {
      db: bot.db,
      policies: bot.config.deadlinePolicies,
      now: clock === 'take' ? row!.takeDeadlineAt : row!.resolveDeadlineAt,
    },
    { requestId, clock, level: 'reminder' },
  );
  expect(fired.outcome).toBe('fired');
  return fired.notificationIds;
}

const reminderRows = (requestId: number) =>
  bot.db
    .select({
      id: notifications.id,
      recipientStaffId: notifications.recipientStaffId,
      status: notifications.status,
      lastError: notifications.lastError,
    })
    .from(notifications)
    .where(
      and(eq(notifications.requestId, requestId), eq(notifications.kind, deadlineNotificationKinds.reminder)),
    );

describe('reminders after a reassignment', () => {
  it('a reminder made for the previous curator and not yet sent never reaches them', async () => {
    const {
      curatorUser,
      colleagueUser,
      request,
      reassign,
      card: oldCard,
    } = await requestWithColleague('Олег Смирнов', 'Анна Петрова');
    // The timer fired for Олег; before delivery took the reminder, the supervisor gave the request to Анна.
    const [reminderId] = await fireReminder(request.id, 'take');
    const cardEdited = bot.emulator.waitForEdit(curatorUser.id, oldCard.message_id, WAIT);
    await reassign();
    await bot.lanes.add([reminderId!]);

    // Олег reads it on his card, edited; not a second time in a message of its own.
    expect((await cardEdited).text).toContain(
      `Заявка № ${request.number} передана другому куратору: Анна Петрова.`,
    );
    const card = await bot.emulator.waitForMessage(
      colleagueUser.id,
      (m) => (m.text ?? '').includes(`Руководитель передал вам заявку № ${request.number}`),
      WAIT,
    );
    expect(buttonsOf(card)).toContain('Взять в работу');
    // Withdrawn unsent: it will never go.
    const [row] = await eventually(
      async () => {
        const rows = await reminderRows(request.id);
        return rows[0]?.status === 'pending' ? undefined : rows;
      },
      WAIT,
      'the reminder settled',
    );
    expect(row).toMatchObject({ id: reminderId, status: 'failed', lastError: withdrawnReason });
    expect(reminderIn(curatorUser.id, request.number)).toEqual([]);
    expect(
      bot.emulator
        .messages(curatorUser.id, { from: 'bot' })
        .filter((m) => (m.text ?? '').includes('передал вашу заявку')),
    ).toEqual([]);
  }, 60_000);

  it('a reminder already sent says it was handed over, and its «Взять в работу» changes nothing', async () => {
    const { curatorUser, colleagueUser, familyUser, request, reassign } = await requestWithColleague(
      'Пётр Васильев',
      'Зоя Кузнецова',
    );
    const [reminderId] = await fireReminder(request.id, 'take');
    await bot.lanes.add([reminderId!]);
    const reminder = await bot.emulator.waitForMessage(
      curatorUser.id,
      (m) => (m.text ?? '').includes('Напоминание'),
      WAIT,
    );
    expect(buttonsOf(reminder)).toContain('Взять в работу');

    const edited = bot.emulator.waitForEdit(curatorUser.id, reminder.message_id, WAIT);
    await reassign();
    expect((await edited).text).toBe(
      `Заявка № ${request.number} передана другому куратору: Зоя Кузнецова. Действия по ней вам больше недоступны, кнопки убраны.`,
    );
    expect((await edited).reply_markup).toBeUndefined();
    await bot.emulator.waitForMessage(
      familyUser.id,
      (m) => (m.text ?? '').includes(`теперь занимается куратор Зоя Кузнецова`),
      WAIT,
    );

    // Пётр presses the «Взять в работу» he remembers under the reminder (the button as the bot wrote it).
    const press = bot.emulator.pressButton(curatorUser.id, reminder.message_id, `cur:${request.id}:take`);
    expect((await bot.answerTo(press.callback_query_id)).text).toBe(
      `Заявкой № ${request.number} теперь занимается куратор Зоя Кузнецова, у вас она больше не в работе. Если это ошибка, напишите руководителю.`,
    );
    const [row] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(row).toMatchObject({ status: 'assigned', takenById: null });
    expect(row!.curatorId).not.toBeNull();
    const taken = await bot.db
      .select({ n: sql<number>`count(*)::int` })
      .from(requestEvents)
      .where(and(eq(requestEvents.requestId, request.id), eq(requestEvents.type, 'taken')));
    expect(taken[0]!.n).toBe(0);
    // Nothing tells the family anyone took it.
    const told = await bot.db
      .select({ n: sql<number>`count(*)::int` })
      .from(outbox)
      .where(
        and(eq(outbox.kind, 'request_taken'), sql`(${outbox.payload}->>'requestId')::int = ${request.id}`),
      );
    expect(told[0]!.n).toBe(0);
    // The new curator's card still takes it.
    const card = await bot.emulator.waitForMessage(
      colleagueUser.id,
      (m) => (m.text ?? '').includes(`Руководитель передал вам заявку № ${request.number}`),
      WAIT,
    );
    const take = bot.emulator.pressButtonByText(colleagueUser.id, card.message_id, 'Взять в работу');
    expect((await bot.answerTo(take.callback_query_id)).text).toContain('Заявка ваша');
  }, 60_000);

  it('the resolve reminder of a request in work goes to the curator it was reassigned to', async () => {
    const { curatorUser, colleagueUser, colleague, request, reassign } = await requestWithColleague(
      'Вера Белова',
      'Глеб Орлов',
    );
    expect(
      (await takeRequest({ db: bot.db }, { telegramId: curatorUser.id, requestId: request.id })).ok,
    ).toBe(true);
    await reassign();
    const ids = await fireReminder(request.id, 'resolve');
    await bot.lanes.add(ids);

    const reminder = await bot.emulator.waitForMessage(
      colleagueUser.id,
      (m) => (m.text ?? '').includes(`Напоминание: заявку № ${request.number} нужно решить`),
      WAIT,
    );
    expect(buttonsOf(reminder)).toContain('Решена');
    expect(reminder.text).not.toContain('заместитель');
    expect((await reminderRows(request.id)).map((row) => row.recipientStaffId)).toEqual([colleague.id]);
    expect(reminderIn(curatorUser.id, request.number)).toEqual([]);
  }, 60_000);
});

describe('a family’s messages on their way when the request is reassigned', () => {
  it('reach the curator it was given to, after the hand-over card, in the order written, and not the one it was taken from', async () => {
    const { curatorUser, colleagueUser, family, member, familyUser, request, reassign } =
      await requestWithColleague('Илья Громов', 'Ксения Лебедева');
    // The family wrote twice about the request; the relay routed both to Илья, and before delivery took
    // them (his chat backlogged) the supervisor gave the request to Ксения.
    const words = ['Няня сегодня не пришла, что нам делать?', 'И завтра тоже не сможет.'];
    const copies: number[] = [];
    for (const text of words) {
      const [row] = await bot.db
        .insert(messages)
        .values({
          familyId: family.id,
          requestId: request.id,
          direction: 'family_to_staff',
          kind: 'text',
          text,
          senderMemberId: member.id,
          familyChatId: familyUser.id,
        })
        .returning({ id: messages.id });
      copies.push(...(await routeRelayedMessage({ db: bot.db }, { messageId: row!.id })));
    }
    expect(copies).toHaveLength(2);
    await reassign();
    // Delivery reaches Илья's copies only now, as a backlog would.
    await bot.lanes.add(copies);

    const familyWords = (chatId: number) =>
      bot.emulator
        .messages(chatId, { from: 'bot' })
        .map((m) => m.text ?? '')
        .filter((text) => words.some((said) => text.includes(said)));
    const received = await eventually(
      async () => (familyWords(colleagueUser.id).length === 2 ? familyWords(colleagueUser.id) : undefined),
      WAIT,
      'the family’s words with the new curator',
    );
    expect(received[0]).toContain(words[0]);
    expect(received[1]).toContain(words[1]);
    await bot.settled();
    expect(familyWords(curatorUser.id)).toEqual([]);
    expect(familyWords(colleagueUser.id)).toHaveLength(2);
    // Ксения reads what she was given first, then the family's words about it.
    const chat = bot.emulator.messages(colleagueUser.id, { from: 'bot' }).map((m) => m.text ?? '');
    const card = chat.findIndex((text) =>
      text.includes(`Руководитель передал вам заявку № ${request.number}`),
    );
    const firstWords = chat.findIndex((text) => text.includes(words[0]!));
    expect(card).toBeGreaterThanOrEqual(0);
    expect(card).toBeLessThan(firstWords);
  }, 60_000);
});
