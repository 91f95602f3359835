import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import type { RequestCategory, RequestStatus } from '../../src/db/schema/enums.js';
import { auditLog, requestEvents, requests, staff, supportMeasures } from '../../src/db/schema/index.js';
import { deadlinesFor } from '../../src/deadline-policies.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { useE2E } from '../helpers/e2e.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { familyChat } from '../helpers/family-dialogue.js';
import { eventually } from '../helpers/pipeline.js';
import { createStaffMember, districtByCode } from '../helpers/routing-factories.js';

/** `/my`, `/family` and the family card with support measures, as the curator reads them in the chat. */
const bot = useE2E({ pipeline: false });

/** A request already given to a curator, with its take deadline `minutes` from now. */
async function assignedRequest(
  db: Db,
  options: {
    familyId: number;
    memberId?: number;
    curatorId: number | null;
    minutes: number;
    status?: RequestStatus;
    category?: RequestCategory;
  },
) {
  const createdAt = new Date();
  const deadlines = deadlinesFor(options.category ?? 'nanny', 'normal', createdAt);
  const due = new Date(createdAt.getTime() + options.minutes * 60_000);
  const [row] = await db
    .insert(requests)
    .values({
      familyId: options.familyId,
      memberId: options.memberId ?? null,
      category: options.category ?? 'nanny',
      details: {},
      status: options.status ?? 'assigned',
      curatorId: options.curatorId,
      createdAt,
      ...deadlines,
      // In work the resolve deadline counts; waiting to be taken, the take deadline.
      ...(options.status === 'in_progress' ? { resolveDeadlineAt: due } : { takeDeadlineAt: due }),
    })
    .returning();
  await db.insert(requestEvents).values({ requestId: row!.id, type: 'created', actorKind: 'family' });
  return row!;
}

const buttons = (message: StoredMessage) => message.reply_markup?.inline_keyboard?.flat() ?? [];

describe('/my', () => {
  it('lists the curator’s own open requests, nearest deadline first, five to a page, and opens a card with its history', async () => {
    const district = await districtByCode(bot.db, 'gryazi');
    const user = bot.emulator.createUser({ first_name: 'Анна', language_code: 'ru' });
    const curator = await createStaffMember(bot.db, {
      telegramId: user.id,
      fullName: 'Анна Петрова',
      districtIds: [district.id],
    });
    const other = await createStaffMember(bot.db, {
      telegramId: bot.emulator.createUser({ first_name: 'Олег' }).id,
      districtIds: [district.id],
    });
    const { family } = await createRegisteredFamily(bot.db, {
      telegramId: bot.emulator.createUser({ first_name: 'Мария' }).id,
      curatorId: curator.id,
      districtId: district.id,
    });
    // Seven open requests of this curator in a shuffled order of deadlines, plus a closed one and another's.
    const minutes = [300, 30, 240, 90, 600, 60, 120];
    const mine = [];
    for (const [index, m] of minutes.entries()) {
      mine.push(
        await assignedRequest(bot.db, {
          familyId: family.id,
          curatorId: curator.id,
          minutes: m,
          status: index === 3 ? 'in_progress' : 'assigned',
        }),
      );
    }
    await assignedRequest(bot.db, {
      familyId: family.id,
      curatorId: curator.id,
      minutes: 1,
      status: 'resolved',
    });
    const foreign = await assignedRequest(bot.db, { familyId: family.id, curatorId: other.id, minutes: 2 });
    const expectedOrder = [...mine]
      .map((request, index) => ({ request, m: minutes[index]! }))
      .sort((a, b) => a.m - b.m)
      .map(({ request }) => `№ ${request.number}`);

    const chat = familyChat(bot.emulator, user.id);
    const list = await chat.say('/my', 'Открытые заявки: 7');
    expect(list.text).toContain('Страница 1 из 2');
    const firstPage = buttons(list).map((b) => b.text);
    expect(firstPage.slice(0, 5).map((label) => label.split(' · ')[0])).toEqual(expectedOrder.slice(0, 5));
    expect(firstPage.at(-1)).toBe('Дальше ▶');
    expect(firstPage.join(' ')).not.toContain(`№ ${foreign.number}`);

    bot.emulator.pressButtonByText(user.id, list.message_id, 'Дальше ▶');
    const second = await bot.emulator.waitForEdit(user.id, list.message_id, 10_000);
    expect(second.text).toContain('Страница 2 из 2');
    const secondPage = buttons(second).map((b) => b.text);
    expect(secondPage.slice(0, 2).map((label) => label.split(' · ')[0])).toEqual(expectedOrder.slice(5));
    expect(secondPage).toContain('◀ Назад');

    bot.emulator.pressButtonByText(user.id, list.message_id, secondPage.find((l) => l.includes('№'))!);
    const card = await chat.next('История:');
    expect(card.text).toContain(expectedOrder[5]);
    expect(card.text).toContain('— создана');
    expect(buttons(card).map((b) => b.text)).toContain('Взять в работу');

    // /my typed while the bot waits for a resolve comment opens the list; it never becomes the comment.
    bot.emulator.pressButton(user.id, card.message_id, `cur:${mine[3]!.id}:resolve`);
    await chat.next('Напишите короткий комментарий');
    await chat.say('/my', 'Открытые заявки: 7');
    const [stillInWork] = await bot.db.select().from(requests).where(eq(requests.id, mine[3]!.id));
    expect(stillInWork!.status).toBe('in_progress');

    // A forged press on another district's request is refused and reads nothing.
    const elsewhere = await districtByCode(bot.db, 'lipetsk-city');
    const strangerUser = bot.emulator.createUser({ first_name: 'Игорь', language_code: 'ru' });
    await createStaffMember(bot.db, { telegramId: strangerUser.id, districtIds: [elsewhere.id] });
    const strangerChat = familyChat(bot.emulator, strangerUser.id);
    const empty = await strangerChat.say('/my', 'Открытых заявок нет');
    const forged = bot.emulator.pressButton(strangerUser.id, empty.message_id, `my:r:${mine[0]!.id}`);
    const answer = await eventually(
      async () =>
        bot.emulator.callbackAnswers().find((a) => a.callback_query_id === forged.callback_query_id),
      10_000,
      'the answer to the forged press',
    );
    expect(answer.text).toContain('не из ваших районов');
    expect(bot.emulator.messages(strangerUser.id, { from: 'bot' })).toHaveLength(1);
  });

  it('shows a supervisor the open requests of their districts, whoever has them', async () => {
    const district = await districtByCode(bot.db, 'dankov');
    const curator = await createStaffMember(bot.db, {
      telegramId: bot.emulator.createUser({ first_name: 'Лев' }).id,
      districtIds: [district.id],
    });
    const { family } = await createRegisteredFamily(bot.db, {
      telegramId: bot.emulator.createUser({ first_name: 'Зоя' }).id,
      curatorId: curator.id,
      districtId: district.id,
    });
    const taken = await assignedRequest(bot.db, {
      familyId: family.id,
      curatorId: curator.id,
      minutes: 20,
      status: 'in_progress',
    });
    const unassigned = await assignedRequest(bot.db, { familyId: family.id, curatorId: null, minutes: 10 });
    const user = bot.emulator.createUser({ first_name: 'Вера', language_code: 'ru' });
    await createStaffMember(bot.db, { telegramId: user.id, role: 'supervisor', districtIds: [district.id] });
    const list = await familyChat(bot.emulator, user.id).say('/my', 'Открытые заявки: 2');
    expect(buttons(list).map((b) => b.text.split(' · ')[0])).toEqual([
      `№ ${unassigned.number}`,
      `№ ${taken.number}`,
    ]);
  });

  it('refuses a family member politely and shows their menu', async () => {
    const user = bot.emulator.createUser({ first_name: 'Ольга', language_code: 'ru' });
    await createRegisteredFamily(bot.db, { telegramId: user.id });
    const chat = familyChat(bot.emulator, user.id);
    const refused = await chat.say('/my');
    expect(refused.text).toBe(
      'Эта команда — для сотрудников службы. Если вам нужна помощь, откройте меню: /menu.',
    );
    const menu =
      refused.reply_keyboard && 'keyboard' in refused.reply_keyboard ? refused.reply_keyboard : undefined;
    expect(menu?.keyboard.flat().map((b) => (typeof b === 'string' ? b : b.text))).toContain('Нужна помощь');
    const family = await chat.say('/family 1001');
    expect(family.text).toContain('для сотрудников службы');
  });
});

describe('/family and support measures', () => {
  it('says on the card that the family’s curator is away, until when, and who gets the family’s requests meanwhile', async () => {
    // Anna is away until 10 December 2099 (the start of that day in the region, as /away sets it), Oleg her
    // deputy; Vera, another curator of the district, opens the family's card.
    const {
      staff: { vera: veraSeeded, oleg, anna },
      families: { irina },
    } = await bot.seed({
      staff: {
        vera: { name: 'Вера Львова', districts: ['gryazi'] },
        oleg: { name: 'Олег Смирнов', districts: ['gryazi'] },
        anna: {
          name: 'Анна Петрова',
          districts: ['gryazi'],
          awayUntil: new Date('2099-12-09T21:00:00Z'),
          deputy: 'oleg',
        },
      },
      families: { irina: { curator: 'anna', memberName: 'Ирина Белова' } },
    });
    const member = irina.member;
    const vera = familyChat(bot.emulator, veraSeeded.chat);

    const withDeputy = await vera.say(`/family ${member.phone}`, 'Карточка семьи');
    expect(withDeputy.text).toContain(
      'Карточка семьи\nКуратор: Анна Петрова — отсутствует до 10 декабря 2099 г., заявки семьи получает заместитель — Олег Смирнов.\n',
    );

    // The deputy is away too: nobody stands in, and the routing order goes on to a free curator or a supervisor.
    await bot.db
      .update(staff)
      .set({ awayUntil: new Date('2099-12-01T21:00:00Z') })
      .where(eq(staff.id, oleg.id));
    const alone = await vera.say(`/family ${member.phone}`, 'Карточка семьи');
    expect(alone.text).toContain(
      'Карточка семьи\nКуратор: Анна Петрова — отсутствует до 10 декабря 2099 г., сейчас никто не замещает: заявки семьи получит свободный куратор или руководитель.\n',
    );

    // Back: the card names her alone.
    await bot.db.update(staff).set({ awayUntil: null, deputyId: null }).where(eq(staff.id, anna.id));
    const back = await vera.say(`/family ${member.phone}`, 'Карточка семьи');
    expect(back.text).toContain('Карточка семьи\nКуратор: Анна Петрова\n');
  });

  it('finds a family by phone, name and request number in scope, shows the card, and records a measure', async () => {
    const district = await districtByCode(bot.db, 'gryazi');
    const user = bot.emulator.createUser({ first_name: 'Нина', language_code: 'ru' });
    const curator = await createStaffMember(bot.db, {
      telegramId: user.id,
      fullName: 'Нина Соколова',
      districtIds: [district.id],
    });
    const familyUser = bot.emulator.createUser({ first_name: 'Светлана' });
    const { family, member } = await createRegisteredFamily(bot.db, {
      telegramId: familyUser.id,
      curatorId: curator.id,
      districtId: district.id,
      memberName: 'Светлана Кузнецова',
      children: [{ fullName: 'Коля Кузнецов', birthDate: '2016-03-01', institution: 'school' }],
    });
    const request = await assignedRequest(bot.db, {
      familyId: family.id,
      memberId: member.id,
      curatorId: curator.id,
      minutes: 60,
    });
    const chat = familyChat(bot.emulator, user.id);

    // By phone, typed the way people type it.
    const phone = member.phone!; // +7900xxxxxxx
    const typed = `8 (${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8, 10)}-${phone.slice(10)}`;
    const byPhone = await chat.say(`/family ${typed}`, 'Карточка семьи');
    expect(byPhone.text).toContain('Светлана Кузнецова');
    expect(byPhone.text).toContain('Карточка семьи\nКуратор: Нина Соколова');
    expect(byPhone.text).toContain('Коля Кузнецов');
    expect(byPhone.text).toContain(`• № ${request.number} · Няня — передана куратору`);
    expect(byPhone.text).toContain('Меры поддержки:\n• пока не записаны');
    // A family in Telegram asks for itself: no «on its behalf» request button under its card; its request
    // opens from the card.
    expect(buttons(byPhone).map((b) => b.text)).toEqual([
      `Заявка № ${request.number}`,
      'Записать меру поддержки',
    ]);

    const byName = await chat.say('/family кузнецова', 'Карточка семьи');
    expect(byName.text).toContain('Светлана Кузнецова');
    // Two families match: a list of names and districts, each shown family an audit row; a press opens one.
    const { family: namesake } = await createRegisteredFamily(bot.db, {
      telegramId: bot.emulator.createUser({ first_name: 'Анна' }).id,
      curatorId: curator.id,
      districtId: district.id,
      memberName: 'Анна Кузнецова',
    });
    const listed = await chat.say('/family Кузнецова', 'Нашли несколько семей');
    expect(buttons(listed).map((b) => b.text)).toEqual([
      'Светлана Кузнецова · Грязинский район',
      'Анна Кузнецова · Грязинский район',
    ]);
    const found = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'family_found'));
    expect(found.map((row) => [row.staffId, row.familyId, row.details])).toEqual([
      [curator.id, family.id, { query: 'name' }],
      [curator.id, namesake.id, { query: 'name' }],
    ]);
    bot.emulator.pressButtonByText(user.id, listed.message_id, 'Анна Кузнецова · Грязинский район');
    expect((await chat.next('Карточка семьи')).text).toContain('Анна Кузнецова, телефон');

    const byNumber = await chat.say(`/family № ${request.number}`, 'Карточка семьи');
    expect(byNumber.text).toContain('Светлана Кузнецова');
    const audits = await bot.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.familyId, family.id), eq(auditLog.action, 'family_card_viewed')));
    expect(audits.map((a) => [a.staffId, a.details])).toEqual([
      [curator.id, { via: 'family_phone' }],
      [curator.id, { via: 'family_name' }],
      [curator.id, { via: 'family_number' }],
    ]);

    // Record a measure from the card.
    bot.emulator.pressButtonByText(user.id, byNumber.message_id, 'Записать меру поддержки');
    await chat.next('Какую меру поддержки');
    await chat.press('Выплаты и пособия', 'С какой даты');
    await chat.say('01.09.2025', 'Короткая заметка');
    await chat.say('Ежемесячная выплата, решение № 15', 'Записали меру');
    const after = await chat.next('Карточка семьи');
    expect(after.text).toContain(
      'Меры поддержки:\n• Выплаты и пособия, с 01.09.2025 — Ежемесячная выплата, решение № 15',
    );
    // The family card opened from a request card shows the measure too.
    bot.emulator.pressButton(user.id, after.message_id, `cur:${request.id}:family`);
    const fromCard = await chat.next(`Карточка семьи (по заявке № ${request.number})`);
    expect(fromCard.text).toContain('• Выплаты и пособия, с 01.09.2025 — Ежемесячная выплата, решение № 15');
    const stored = await bot.db.select().from(supportMeasures).where(eq(supportMeasures.familyId, family.id));
    expect(stored).toEqual([
      expect.objectContaining({
        measure: 'payments',
        since: '2025-09-01',
        note: 'Ежемесячная выплата, решение № 15',
        recordedById: curator.id,
      }),
    ]);

    // A curator of another district finds nothing, and a forged measure press changes nothing.
    const elsewhere = await districtByCode(bot.db, 'lipetsk-city');
    const strangerUser = bot.emulator.createUser({ first_name: 'Игорь', language_code: 'ru' });
    await createStaffMember(bot.db, { telegramId: strangerUser.id, districtIds: [elsewhere.id] });
    const stranger = familyChat(bot.emulator, strangerUser.id);
    expect((await stranger.say(`/family ${phone}`)).text).toContain('такой не нашли');
    expect((await stranger.say(`/family ${request.number}`)).text).toContain('такой не нашли');
    const last = await stranger.say('/family Кузнецова');
    expect(last.text).toContain('такой не нашли');
    const forged = bot.emulator.pressButton(strangerUser.id, last.message_id, `fam:${family.id}:measure`);
    const answer = await eventually(
      async () =>
        bot.emulator.callbackAnswers().find((a) => a.callback_query_id === forged.callback_query_id),
      10_000,
      'the answer to the forged press',
    );
    expect(answer.text).toContain('не из ваших районов');
    const forgedCard = bot.emulator.pressButton(strangerUser.id, last.message_id, `fam:${family.id}:card`);
    await eventually(
      async () =>
        bot.emulator.callbackAnswers().find((a) => a.callback_query_id === forgedCard.callback_query_id),
      10_000,
      'the answer to the forged card press',
    );
    expect(bot.emulator.messages(strangerUser.id, { from: 'bot' })).toHaveLength(3);
    expect(
      await bot.db.select().from(supportMeasures).where(eq(supportMeasures.familyId, family.id)),
    ).toHaveLength(1);
    const views = await bot.db.select().from(auditLog).where(eq(auditLog.familyId, family.id));
    expect(views.every((row) => row.staffId === curator.id)).toBe(true);
  });
});
