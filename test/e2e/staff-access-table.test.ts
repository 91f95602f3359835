import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, messages, outbox, requestEvents, requests, staff } from '../../src/db/schema/index.js';
import { changeStatus, takeRequest } from '../../src/features/curator/curator.usecases.js';
import { reassignRequest } from '../../src/features/supervision/supervision.usecases.js';
import { useE2E } from '../helpers/e2e.js';
import { routedRequest } from '../helpers/routed-request.js';
import { createStaffMember, districtByCode } from '../helpers/routing-factories.js';

/**
 * Issue 13 §2: every staff button, pressed by someone no longer allowed to use it, changes nothing in
 * PostgreSQL and answers with a notice that says why. The buttons are pressed as they sit under old cards,
 * reminders and alerts (callback data as the bot wrote it), through the emulator.
 */
const bot = useE2E();

/** Every staff button on a request, by the name the table uses, as callback data. */
const buttons = (requestId: number, otherCuratorId: number) => ({
  take: `cur:${requestId}:take`,
  reply: `cur:${requestId}:reply`,
  wait: `cur:${requestId}:wait`,
  resolve: `cur:${requestId}:resolve`,
  reject: `cur:${requestId}:reject`,
  'family card': `cur:${requestId}:family`,
  'show in full': `det:${requestId}`,
  'open (/my)': `my:r:${requestId}`,
  'open (supervision)': `sup:${requestId}:open`,
  reassign: `sup:${requestId}:reassign`,
  'reassign to': `sup:${requestId}:to:${otherCuratorId}`,
  'hand the family over': `sup:${requestId}:family`,
  'hand the family to': `sup:${requestId}:fam:${otherCuratorId}`,
});
type ButtonName = keyof ReturnType<typeof buttons>;
const curatorButtons: ButtonName[] = [
  'take',
  'reply',
  'wait',
  'resolve',
  'reject',
  'family card',
  'show in full',
  'open (/my)',
];
const supervisorButtons: ButtonName[] = [
  'open (supervision)',
  'reassign',
  'reassign to',
  'hand the family over',
  'hand the family to',
];

/** What a press could have changed: the request, its history, the outbox, the family's messages, the audit log. */
async function stateOf(request: { id: number; familyId: number }) {
  const count = async (rows: Promise<Array<{ n: number }>>) => (await rows)[0]?.n ?? 0;
  const n = sql<number>`count(*)::int`;
  const [row] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
  return {
    request: row,
    events: await count(
      bot.db.select({ n }).from(requestEvents).where(eq(requestEvents.requestId, request.id)),
    ),
    outbox: await count(
      bot.db
        .select({ n })
        .from(outbox)
        .where(
          sql`(${outbox.payload}->>'requestId')::int = ${request.id} or (${outbox.payload}->>'familyId')::int = ${request.familyId}`,
        ),
    ),
    messages: await count(bot.db.select({ n }).from(messages).where(eq(messages.familyId, request.familyId))),
    audit: await count(bot.db.select({ n }).from(auditLog).where(eq(auditLog.familyId, request.familyId))),
  };
}

/** A staff member with a chat that has a message in it (a button is pressed on a message of the chat). */
async function staffUser(
  name: string,
  options: { role?: 'curator' | 'supervisor' | 'observer'; districtIds: number[] },
) {
  const user = bot.emulator.createUser({ first_name: name, language_code: 'ru' });
  const member = await createStaffMember(bot.db, {
    telegramId: user.id,
    fullName: name,
    role: options.role ?? 'curator',
    districtIds: options.districtIds,
  });
  return { user, member };
}

/**
 * Presses each button as `presser` on a message of their chat and checks, button by button, that the
 * answer is `notice` and that nothing about the request changed.
 */
async function pressAll(
  presser: { user: { id: number } },
  request: { id: number; familyId: number },
  otherCuratorId: number,
  names: ButtonName[],
  notice: string,
) {
  const onMessage = bot.emulator.sendText(presser.user.id, '/help').message_id!;
  const data = buttons(request.id, otherCuratorId);
  const before = await stateOf(request);
  const answers: Record<string, string | undefined> = {};
  for (const name of names) {
    const press = bot.emulator.pressButton(presser.user.id, onMessage, data[name]);
    answers[name] = (await bot.answerTo(press.callback_query_id)).text;
  }
  expect(answers).toEqual(Object.fromEntries(names.map((name) => [name, notice])));
  expect(await stateOf(request)).toEqual(before);
}

describe('a staff button pressed by someone no longer allowed', () => {
  it('the curator the request was taken from, after the supervisor gave it to another', async () => {
    const gryazi = await districtByCode(bot.db, 'gryazi');
    const { curatorUser, request, card } = await routedRequest(bot, { curatorName: 'Олег Смирнов' });
    const anna = await staffUser('Анна Петрова', { districtIds: [gryazi.id] });
    const elena = await staffUser('Елена Руководитель', { role: 'supervisor', districtIds: [gryazi.id] });
    // Олег also opened the request from /my: a second card of it in his chat.
    const list = bot.emulator.sendText(curatorUser.id, '/my');
    const listed = await bot.emulator.waitForMessage(
      curatorUser.id,
      (m) => m.text?.includes('Открытые') ?? false,
      10_000,
      { afterMessageId: list.message_id! },
    );
    bot.emulator.pressButton(curatorUser.id, listed.message_id, `my:r:${request.id}`);
    const opened = await bot.emulator.waitForMessage(
      curatorUser.id,
      (m) => m.text?.includes('История:') ?? false,
    );

    const cardEdited = bot.emulator.waitForEdit(curatorUser.id, card.message_id, 15_000);
    const openedEdited = bot.emulator.waitForEdit(curatorUser.id, opened.message_id, 15_000);
    const moved = await reassignRequest(bot.db, {
      telegramId: elena.user.id,
      requestId: request.id,
      toStaffId: anna.member.id,
    });
    expect(moved.ok).toBe(true);
    // His cards say it was handed over and offer nothing; the family's details are gone from them.
    const handedOver = `Заявка № ${request.number} передана другому куратору: Анна Петрова. Действия по ней вам больше недоступны, кнопки убраны.`;
    for (const edited of [await cardEdited, await openedEdited]) {
      expect(edited.text).toBe(handedOver);
      expect(edited.reply_markup).toBeUndefined();
    }
    const oleg = { user: curatorUser };

    await pressAll(
      oleg,
      request,
      anna.member.id,
      curatorButtons,
      `Заявкой № ${request.number} теперь занимается куратор Анна Петрова, у вас она больше не в работе. Если это ошибка, напишите руководителю.`,
    );
    await pressAll(
      oleg,
      request,
      anna.member.id,
      supervisorButtons,
      'Это действие доступно только руководителю службы.',
    );

    // A Telegram reply to his old card is a message to the family: refused the same way, nothing stored.
    const before = await stateOf(request);
    const sent = bot.emulator.sendText(curatorUser.id, 'Я снова займусь', {
      replyTo: card.message_id,
    });
    const refused = await bot.emulator.waitForMessage(curatorUser.id, undefined, 10_000, {
      afterMessageId: sent.message_id!,
    });
    expect(refused.text).toContain('теперь занимается куратор Анна Петрова');
    expect(await stateOf(request)).toEqual(before);
  });

  it('a curator of another district', async () => {
    const izmalkovo = await districtByCode(bot.db, 'izmalkovo');
    const { curator, request } = await routedRequest(bot, { curatorName: 'Вера Белова' });
    const outsider = await staffUser('Ирина Чужая', { districtIds: [izmalkovo.id] });
    await pressAll(
      outsider,
      request,
      curator.id,
      curatorButtons,
      'Эта заявка не из ваших районов, действие недоступно. Если это ошибка, напишите руководителю.',
    );
  });

  it('a staff member the admin deactivated, on their own request', async () => {
    const { curatorUser, curator, familyUser, request } = await routedRequest(bot, {
      curatorName: 'Пётр Уволенный',
    });
    // The family wrote to him while he still worked (one open request: the text goes to its curator).
    bot.emulator.sendText(familyUser.id, 'Когда придёт няня?');
    const copy = await bot.emulator.waitForMessage(
      curatorUser.id,
      (m) => m.text?.includes('Когда придёт няня?') ?? false,
      15_000,
    );
    await bot.db
      .update(staff)
      .set({ active: false, deactivatedAt: new Date() })
      .where(eq(staff.id, curator.id));
    await pressAll(
      { user: curatorUser },
      request,
      curator.id,
      [...curatorButtons, ...supervisorButtons],
      'Ваша учётная запись сотрудника отключена, действия с заявками недоступны. Если это ошибка, обратитесь к администратору.',
    );

    // His Telegram reply to the family's message: a clear notice, and nothing goes to the family.
    const before = await stateOf(request);
    const familyMessages = bot.emulator.messages(familyUser.id, { from: 'bot' }).length;
    const reply = bot.emulator.sendText(curatorUser.id, 'Завтра в десять', { replyTo: copy.message_id });
    const refused = await bot.emulator.waitForMessage(curatorUser.id, undefined, 10_000, {
      afterMessageId: reply.message_id!,
    });
    expect(refused.text).toBe(
      'Ваша учётная запись сотрудника отключена, поэтому сообщение никуда не отправлено: семья его не получит. Если это ошибка, обратитесь к администратору.',
    );
    expect(await stateOf(request)).toEqual(before);
    expect(bot.emulator.messages(familyUser.id, { from: 'bot' })).toHaveLength(familyMessages);
  });

  it('anyone, once the request is resolved: no more decisions on it', async () => {
    const gryazi = await districtByCode(bot.db, 'gryazi');
    const { curatorUser, curator, request } = await routedRequest(bot, { curatorName: 'Нина Решающая' });
    const deps = { db: bot.db };
    expect((await takeRequest(deps, { telegramId: curatorUser.id, requestId: request.id })).ok).toBe(true);
    const resolved = await changeStatus(deps, {
      telegramId: curatorUser.id,
      requestId: request.id,
      action: 'resolve',
      note: 'Няня найдена.',
    });
    expect(resolved.ok).toBe(true);
    const closed = `Заявка № ${request.number} уже закрыта: решена. Изменить её нельзя.`;
    await pressAll({ user: curatorUser }, request, curator.id, ['take', 'wait', 'resolve', 'reject'], closed);
    const supervisor = await staffUser('Зоя Руководитель', { role: 'supervisor', districtIds: [gryazi.id] });
    const other = await staffUser('Кира Другая', { districtIds: [gryazi.id] });
    await pressAll(
      supervisor,
      request,
      other.member.id,
      ['take', 'resolve', 'reassign', 'reassign to'],
      closed,
    );
  });

  it('an observer, on any request', async () => {
    const gryazi = await districtByCode(bot.db, 'gryazi');
    const { curator, request } = await routedRequest(bot, { curatorName: 'Лев Наблюдаемый' });
    const observer = await staffUser('Глава района', { role: 'observer', districtIds: [gryazi.id] });
    await pressAll(
      observer,
      request,
      curator.id,
      [...curatorButtons, ...supervisorButtons],
      'Наблюдателям доступны только сводные цифры, без данных семей. Ваши команды — /help.',
    );
  });

  it('a curator on a request of a colleague in the same district, and steps out of order', async () => {
    const gryazi = await districtByCode(bot.db, 'gryazi');
    const { curatorUser, curator, request } = await routedRequest(bot, { curatorName: 'Саша Своя' });
    const colleague = await staffUser('Коля Сосед', { districtIds: [gryazi.id] });
    await pressAll(
      colleague,
      request,
      curator.id,
      curatorButtons,
      `Заявкой № ${request.number} теперь занимается куратор Саша Своя, у вас она больше не в работе. Если это ошибка, напишите руководителю.`,
    );
    // Not taken yet: no question, no resolution, no rejection.
    await pressAll(
      { user: curatorUser },
      request,
      curator.id,
      ['wait', 'resolve', 'reject'],
      `Заявка № ${request.number} ещё не взята в работу. Сначала нажмите «Взять в работу».`,
    );
    // Taken: a supervisor's «Взять в работу» does not take it from the curator.
    expect(
      (await takeRequest({ db: bot.db }, { telegramId: curatorUser.id, requestId: request.id })).ok,
    ).toBe(true);
    const supervisor = await staffUser('Ольга Руководитель', {
      role: 'supervisor',
      districtIds: [gryazi.id],
    });
    await pressAll(
      supervisor,
      request,
      curator.id,
      ['take'],
      `Заявка № ${request.number} уже в работе, её ведёт куратор Саша Своя. Передать её другому — кнопка «Переназначить».`,
    );
    const [row] = await bot.db
      .select({ takenById: requests.takenById })
      .from(requests)
      .where(and(eq(requests.id, request.id)));
    expect(row!.takenById).toBe(curator.id);
  });
});
