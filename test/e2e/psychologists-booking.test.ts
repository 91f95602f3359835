import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { consultations, familyMembers, psychologistSchedules } from '../../src/db/schema/index.js';
import { bookSlot } from '../../src/features/psychologists/psychologists.booking.js';
import { addDays, regionDate } from '../../src/time.js';
import { useE2E } from '../helpers/e2e.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { familyChat } from '../helpers/family-dialogue.js';
import { createConfirmedRequest } from '../helpers/routing-factories.js';
import {
  bookedOf,
  buttonTexts,
  familyAskingForPsychologist,
  isOffer,
  roundTheClock,
  slotButtons,
} from './psychologists-fixtures.js';

/**
 * Consultations with the region's psychologists (issue 17), end to end on the emulator with Telegram's limits
 * on: a psychologist keeps a schedule in the bot; a family's psychologist request brings it the earliest free
 * slots; booking is atomic; both sides are told; moving and cancelling work from either side.
 */
const bot = useE2E({
  seed: {
    staff: {
      irina: { name: 'Ирина Смирнова', role: 'psychologist', districts: ['gryazi'] },
      olga: { name: 'Ольга Белова', role: 'psychologist', districts: ['dobrinka'] },
      anna: { name: 'Анна Петрова', districts: ['gryazi'] },
    },
  },
});

const gryazi = () => bot.seeded.staff.anna.districts[0]!.id;
const family = (name: string, urgent = false) =>
  familyAskingForPsychologist(bot, {
    districtId: gryazi(),
    curatorId: bot.seeded.staff.anna.id,
    name,
    urgent,
  });
const offerTo = (userId: number) => bot.emulator.waitForMessage(userId, isOffer, 20_000);

describe('a psychologist keeps a weekly schedule in the bot', () => {
  it('sets hours per weekday, slot length, formats, address and days off; refuses what it cannot read', async () => {
    const olga = familyChat(bot.emulator, bot.seeded.staff.olga.chat);
    const first = await olga.say('/schedule', 'Ваше расписание');
    expect(first.text).toContain('пн: выходной');
    expect(first.text).toContain('/hours пн-пт 09:00-17:00');
    const hours = await olga.say('/hours пн-пт 09:00-17:00', 'Сохранено');
    expect(hours.text).toContain('пн: 09:00–17:00');
    expect(hours.text).toContain('пт: 09:00–17:00');
    expect(hours.text).toContain('сб: выходной');
    await olga.say('/hours ср -', 'ср: выходной');
    expect((await olga.say('/slot 45', 'Сохранено')).text).toContain('Длительность консультации: 45 мин.');
    const formats = await olga.say('/formats видео, очно', 'Сохранено');
    expect(formats.text).toContain('Форматы: видеосвязь, очная встреча');
    await olga.say('/address с. Доброе, ул. Ленина, 3', 'Адрес для очных встреч: с. Доброе, ул. Ленина, 3');
    expect((await olga.say('/dayoff 31.12.2026', 'Сохранено')).text).toContain('Выходные дни: 31.12.2026');
    expect((await olga.say('/hours когда-нибудь', 'Не удалось')).text).toContain('/hours пн-пт 09:00-17:00');
    await olga.say('/slot 5', 'от 15 до 180');

    const [row] = await bot.db
      .select()
      .from(psychologistSchedules)
      .where(eq(psychologistSchedules.staffId, bot.seeded.staff.olga.id));
    expect(row).toMatchObject({ slotMinutes: 45, formats: ['video', 'in_person'], daysOff: ['2026-12-31'] });
    expect(row!.hours.map((h) => h.weekday)).toEqual([1, 2, 4, 5]);
    // A curator has no schedule: the command is not theirs.
    const anna = familyChat(bot.emulator, bot.seeded.staff.anna.chat);
    expect((await anna.say('/schedule')).text).not.toContain('Ваше расписание');
  });
});

describe('a family books a consultation', () => {
  it('gets the earliest free slots, chooses a format, and both sides get a confirmation with how to join', async () => {
    await roundTheClock(bot.db, bot.seeded.staff.irina.id);
    const { user, request } = await family('Мария');
    const offer = await offerTo(user.id);
    expect(offer.text).toContain('Вы можете записаться на консультацию психолога.');
    expect(offer.text).toContain('по московскому времени');
    expect(slotButtons(offer).length).toBeGreaterThanOrEqual(3);
    expect(buttonTexts(offer)).toContain('📅 Другой день');

    const asked = bot.emulator.waitForEdit(user.id, offer.message_id, 15_000);
    bot.emulator.pressButton(user.id, offer.message_id, slotButtons(offer)[0]!.data);
    const formats = await asked;
    expect(formats.text).toBe('Как вам удобнее поговорить с психологом? Выберите формат.');
    expect(buttonTexts(formats)).toEqual(['видеосвязь', 'по телефону', 'очная встреча']);

    const confirmed = bot.emulator.waitForEdit(user.id, offer.message_id, 15_000);
    bot.emulator.pressButtonByText(user.id, offer.message_id, 'видеосвязь');
    const confirmation = await confirmed;
    const [booking] = await bookedOf(bot.db, request.id);
    expect(booking).toMatchObject({
      status: 'booked',
      format: 'video',
      psychologistId: bot.seeded.staff.irina.id,
    });
    expect(confirmation.text).toContain('Вы записаны на консультацию психолога.');
    expect(confirmation.text).toContain('Психолог: Ирина Смирнова');
    expect(confirmation.text).toContain(`https://meet.jit.si/patronazh-${booking!.joinToken}`);
    expect(confirmation.text).toContain('Напоминания придут за сутки и за час.');
    expect(buttonTexts(confirmation)).toEqual(['Перенести', 'Отменить запись']);
    const ics = await bot.emulator.waitForMessage(user.id, (m) => m.document !== undefined, 15_000);
    expect(ics.document?.file_name).toBe('consultation.ics');

    const told = await bot.emulator.waitForMessage(
      bot.seeded.staff.irina.chat,
      (m) => m.text?.includes('Новая запись') ?? false,
      15_000,
    );
    expect(told.text).toContain(`Новая запись № ${booking!.id}`);
    expect(told.text).toContain('Семья: Мария. Формат: видеосвязь.');
    expect(buttonTexts(told)).toEqual(['Состоялась', 'Не пришли', 'Отменить', 'Заметки']);

    // The psychologist's day shows the booking with the family's first name and the request's answers.
    const irina = familyChat(bot.emulator, bot.seeded.staff.irina.chat);
    const week = await irina.say('/week', 'Консультации на неделю');
    expect(week.text).toContain(`№ ${booking!.id} · Мария · видеосвязь · записана`);
    expect(week.text).toContain('Запрос: для ребёнка; «Сын плохо спит»');
  });

  it('never gives one slot to two families: pressed at once, one books and the other is offered what is free', async () => {
    await roundTheClock(bot.db, bot.seeded.staff.irina.id);
    const first = await family('Елена');
    const second = await family('Татьяна');
    const [offerA, offerB] = await Promise.all([offerTo(first.user.id), offerTo(second.user.id)]);
    // The same slot in both offers (the earliest still free), pressed with the format at the same moment.
    const slot = slotButtons(offerA)[0]!.data.split(':');
    const [, , , staffId, at] = slot;
    expect(slotButtons(offerB)[0]!.data.endsWith(`:${staffId}:${at}`)).toBe(true);
    const editedA = bot.emulator.waitForEdit(first.user.id, offerA.message_id, 15_000);
    const editedB = bot.emulator.waitForEdit(second.user.id, offerB.message_id, 15_000);
    bot.emulator.pressButton(
      first.user.id,
      offerA.message_id,
      `psy:f:${first.request.id}:${staffId}:${at}:phone`,
    );
    bot.emulator.pressButton(
      second.user.id,
      offerB.message_id,
      `psy:f:${second.request.id}:${staffId}:${at}:phone`,
    );
    const texts = [(await editedA).text ?? '', (await editedB).text ?? ''];
    expect(texts.filter((text) => text.startsWith('Вы записаны'))).toHaveLength(1);
    expect(texts.filter((text) => text.startsWith('Это время только что заняли'))).toHaveLength(1);
    const startsAt = new Date(Number(at) * 60_000);
    const holders = await bot.db
      .select()
      .from(consultations)
      .where(and(eq(consultations.startsAt, startsAt), eq(consultations.status, 'booked')));
    expect(holders).toHaveLength(1);
  });

  it('keeps the slot constraint under ten bookings racing in PostgreSQL', async () => {
    await roundTheClock(bot.db, bot.seeded.staff.irina.id);
    const racers = await Promise.all(Array.from({ length: 10 }, (_, i) => family(`Гостья${i}`)));
    const start = new Date(Math.ceil((Date.now() + 3 * 86_400_000) / 3_600_000) * 3_600_000);
    const results = await Promise.all(
      racers.map(({ family: f, request }) =>
        bookSlot(
          { db: bot.db, timeZone: 'Europe/Moscow' },
          {
            familyId: f.id,
            requestId: request.id,
            staffId: bot.seeded.staff.irina.id,
            startsAt: start,
            format: 'phone',
          },
        ),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === 'taken')).toHaveLength(9);
  });
});

/** A family of this name books the earliest slot by phone with Ирина; her «Новая запись» card of it. */
async function bookedByPhone(name: string) {
  await roundTheClock(bot.db, bot.seeded.staff.irina.id);
  const { user, request } = await family(name);
  const offer = await offerTo(user.id);
  const booked = bot.emulator.waitForEdit(user.id, offer.message_id, 15_000);
  bot.emulator.pressButton(
    user.id,
    offer.message_id,
    `${slotButtons(offer)[0]!.data.replace('psy:s:', 'psy:f:')}:phone`,
  );
  await booked;
  const [booking] = await bookedOf(bot.db, request.id);
  const card = await bot.emulator.waitForMessage(
    bot.seeded.staff.irina.chat,
    (m) => m.text?.includes(`Новая запись № ${booking!.id}`) ?? false,
    15_000,
  );
  return { user, request, booking: booking!, card };
}

describe('moving and cancelling', () => {
  it('lets the family move a booking in two taps and cancel it in two, and tells the psychologist each time', async () => {
    // Today and tomorrow off: the earliest slots are over a day away, so the family may still change them
    // (not within 2 hours, whatever the time of day the test runs at).
    const today = regionDate(new Date(), bot.config.timeZone);
    await roundTheClock(bot.db, bot.seeded.staff.irina.id, { daysOff: [today, addDays(today, 1)] });
    const { user, request } = await family('Ольга');
    const offer = await offerTo(user.id);
    const [first, second] = slotButtons(offer);
    const booked = bot.emulator.waitForEdit(user.id, offer.message_id, 15_000);
    bot.emulator.pressButton(user.id, offer.message_id, `${first!.data.replace('psy:s:', 'psy:f:')}:video`);
    const confirmation = await booked;
    expect(confirmation.text).toContain('Вы записаны');

    // Move: «Перенести», then a slot — the format stays, so no third question.
    const moveOffer = bot.emulator.waitForEdit(user.id, confirmation.message_id, 15_000);
    bot.emulator.pressButtonByText(user.id, confirmation.message_id, 'Перенести');
    const choices = await moveOffer;
    expect(choices.text).toContain('Выберите новое время. Прежняя запись отменится');
    const moved = bot.emulator.waitForEdit(user.id, confirmation.message_id, 15_000);
    const later = slotButtons(choices).find((b) => b.data !== first!.data) ?? second!;
    bot.emulator.pressButton(user.id, confirmation.message_id, later.data);
    expect((await moved).text).toContain('Вы записаны');
    const rows = await bookedOf(bot.db, request.id);
    expect(rows.map((r) => [r.status, r.cancelReason])).toEqual([
      ['cancelled', 'rescheduled'],
      ['booked', null],
    ]);
    await bot.emulator.waitForMessage(
      bot.seeded.staff.irina.chat,
      (m) => m.text?.includes(`Семья перенесла запись № ${rows[0]!.id}`) ?? false,
      15_000,
    );

    // Cancel: «Отменить запись», «Да, отменить».
    const sure = bot.emulator.waitForEdit(user.id, confirmation.message_id, 15_000);
    bot.emulator.pressButtonByText(user.id, confirmation.message_id, 'Отменить запись');
    expect((await sure).text).toContain('Отменить запись к психологу?');
    const cancelled = bot.emulator.waitForEdit(user.id, confirmation.message_id, 15_000);
    bot.emulator.pressButtonByText(user.id, confirmation.message_id, 'Да, отменить');
    const done = await cancelled;
    expect(done.text).toBe('Запись отменена. Чтобы записаться снова, нажмите кнопку ниже.');
    expect(buttonTexts(done)).toEqual(['Записаться снова']);
    await bot.emulator.waitForMessage(
      bot.seeded.staff.irina.chat,
      (m) => m.text?.includes(`Семья отменила запись № ${rows[1]!.id}`) ?? false,
      15_000,
    );
    expect((await bookedOf(bot.db, request.id)).map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('refuses a family change less than 2 hours before, with a next step', async () => {
    const { user, family: f, request } = await family('Нина');
    const offer = await offerTo(user.id);
    const soon = new Date(Date.now() + 90 * 60_000);
    const [row] = await bot.db
      .insert(consultations)
      .values({
        requestId: request.id,
        familyId: f.id,
        psychologistId: bot.seeded.staff.irina.id,
        startsAt: soon,
        endsAt: new Date(soon.getTime() + 3_600_000),
        format: 'phone',
        joinToken: 'soon-token',
      })
      .returning();
    const reply = bot.emulator.waitForEdit(user.id, offer.message_id, 15_000);
    bot.emulator.pressButton(user.id, offer.message_id, `psy:xy:${row!.id}`);
    expect((await reply).text).toContain(
      'Если не получается, напишите куратору: «Написать куратору» в меню.',
    );
    expect((await bookedOf(bot.db, request.id))[0]!.status).toBe('booked');
  });

  it('tells the psychologist whose press comes after the family cancelled that the booking is gone, and where theirs are', async () => {
    const { booking, card } = await bookedByPhone('Алла');
    const reasons = bot.emulator.waitForEdit(card.chat.id, card.message_id, 15_000);
    bot.emulator.pressButtonByText(card.chat.id, card.message_id, 'Отменить');
    await reasons;
    // The family cancels at that moment, before its notice reaches the psychologist's chat.
    await bot.db.update(consultations).set({ status: 'cancelled' }).where(eq(consultations.id, booking.id));

    const refused = bot.emulator.waitForEdit(card.chat.id, card.message_id, 15_000);
    bot.emulator.pressButtonByText(card.chat.id, card.message_id, 'болезнь психолога');
    expect((await refused).text).toBe('Эта запись уже отменена или прошла. Ваши консультации — в /week.');
  });

  it('tells the psychologist who marks a booking before it began to mark it after, in their own words', async () => {
    const { request, card } = await bookedByPhone('Алина');
    const refused = bot.emulator.waitForEdit(card.chat.id, card.message_id, 15_000);
    bot.emulator.pressButtonByText(card.chat.id, card.message_id, 'Состоялась');
    expect((await refused).text).toBe('Консультация ещё не началась. Отметить итог можно после её начала.');
    expect((await bookedOf(bot.db, request.id))[0]!.status).toBe('booked');
  });

  it('lets the psychologist cancel with a reason; the family gets the reason and new slots at once', async () => {
    const { user, request, card } = await bookedByPhone('Вера');

    const reasons = bot.emulator.waitForEdit(card.chat.id, card.message_id, 15_000);
    bot.emulator.pressButtonByText(card.chat.id, card.message_id, 'Отменить');
    expect(buttonTexts(await reasons)).toEqual([
      'болезнь психолога',
      'у психолога срочные обстоятельства',
      'изменилось расписание психолога',
      'по просьбе семьи',
    ]);
    const done = bot.emulator.waitForEdit(card.chat.id, card.message_id, 15_000);
    bot.emulator.pressButtonByText(card.chat.id, card.message_id, 'болезнь психолога');
    expect((await done).text).toBe(
      'Консультация отменена. Мы сообщим семье причину и предложим новое время.',
    );

    const notice = await bot.emulator.waitForMessage(
      user.id,
      (m) => m.text?.includes('пришлось отменить') ?? false,
      15_000,
    );
    expect(notice.text).toMatch(
      /^Консультацию .+ пришлось отменить: болезнь психолога\. Простите, пожалуйста\./,
    );
    expect(notice.text).toContain('Вы можете записаться на консультацию психолога.');
    expect(slotButtons(notice).length).toBeGreaterThan(0);
    expect((await bookedOf(bot.db, request.id))[0]).toMatchObject({
      status: 'cancelled',
      cancelReason: 'illness',
      cancelledBy: 'staff',
    });
  });
});

describe('the crisis path', () => {
  it('gives 112 and the helpline first, then offers the earliest slots of the same day', async () => {
    // The earlier tests' bookings may hold this evening's last slots: free them, so that what is offered
    // depends on the clock alone (a booking the family made is its own business, not this test's).
    await bot.db
      .update(consultations)
      .set({ status: 'cancelled' })
      .where(
        and(eq(consultations.psychologistId, bot.seeded.staff.irina.id), eq(consultations.status, 'booked')),
      );
    await roundTheClock(bot.db, bot.seeded.staff.irina.id);
    const user = bot.emulator.createUser({ first_name: 'Светлана', language_code: 'ru' });
    const { createRegisteredFamily } = await import('../helpers/factories.js');
    await createRegisteredFamily(bot.db, {
      telegramId: user.id,
      districtId: gryazi(),
      curatorId: bot.seeded.staff.anna.id,
    });
    const chat = familyChat(bot.emulator, user.id, 15_000);
    await chat.say('/menu', 'Главное меню');
    bot.emulator.pressReplyButton(user.id, 'Нужна помощь');
    await chat.next('С чем нужна помощь');
    await chat.press('Помощь психолога', 'Как срочно');
    const contacts = await chat.press('Нужна помощь прямо сейчас');
    expect(contacts.text).toContain('112');
    expect(contacts.text).toContain('8-800-2000-122');
    await chat.next('Для кого нужна помощь психолога');
    await chat.press('Для меня', 'Как удобнее');
    await chat.press('По телефону', 'добавить для куратора');
    await chat.press('Пропустить', 'Всё верно?');
    const sent = await chat.press('✅ Отправить куратору', 'принята');
    expect(sent.text).toContain('112');
    const offer = await offerTo(user.id);
    // Round-the-clock hours leave a slot today unless it is past 22:45 in Moscow (the last one, 23:00, is
    // then under 15 minutes away): the offer says which, and never claims a today it does not have.
    const minuteOfDay = (Date.now() / 60_000 + 3 * 60) % 1440;
    if (minuteOfDay < 22 * 60 + 40) {
      expect(offer.text).toContain(
        'Психолог может поговорить с вами уже сегодня. Если сейчас есть угроза жизни, звоните 112.',
      );
      // Today's slots only: times without a day.
      expect(slotButtons(offer).every((b) => /^\d{2}:\d{2}$/.test(b.text))).toBe(true);
    } else if (minuteOfDay > 22 * 60 + 50) {
      expect(offer.text).toContain('Сегодня свободного времени у психологов нет, ниже — самое раннее.');
    }
  });
});

// After the crisis path: this booking takes one of today's slots.
describe('a family reached by phone', () => {
  it('is booked by its curator from the request card; the psychologist is told, the curator gets the time to pass on', async () => {
    await roundTheClock(bot.db, bot.seeded.staff.irina.id);
    const { family, member } = await createRegisteredFamily(bot.db, {
      telegramId: 7_700_000_001,
      districtId: gryazi(),
      curatorId: bot.seeded.staff.anna.id,
      memberName: 'Кузнецова Галина Ивановна',
    });
    await bot.db.update(familyMembers).set({ telegramId: null }).where(eq(familyMembers.id, member.id));
    const request = await createConfirmedRequest(bot.db, {
      familyId: family.id,
      memberId: member.id,
      category: 'psychologist',
      priority: 'normal',
    });
    const anna = familyChat(bot.emulator, bot.seeded.staff.anna.chat, 15_000);
    const help = await anna.say('/help', 'Команды');
    bot.emulator.pressButton(anna.userId, help.message_id, `my:r:${request.id}`);
    const card = await anna.next(`№ ${request.number}`);
    expect(buttonTexts(card)).toContain('🗓 Записать к психологу');

    bot.emulator.pressButtonByText(anna.userId, card.message_id, '🗓 Записать к психологу');
    const slots = await anna.next('Выберите время консультации для семьи');
    const first = slots.reply_markup!.inline_keyboard.flat()[0]!;
    bot.emulator.pressButtonByText(anna.userId, slots.message_id, first.text);
    const booked = await anna.next('Семья записана');
    expect(booked.text).toContain('психолог Ирина Смирнова, по телефону.');
    expect(booked.text).toContain('позвоните ей и назовите время');

    const [booking] = await bookedOf(bot.db, request.id);
    expect(booking).toMatchObject({
      status: 'booked',
      format: 'phone',
      psychologistId: bot.seeded.staff.irina.id,
    });
    await bot.emulator.waitForMessage(
      bot.seeded.staff.irina.chat,
      (m) => m.text?.includes(`Новая запись № ${booking!.id}`) ?? false,
      15_000,
    );
    // Booked now: the card no longer offers it, and a second press books nothing.
    bot.emulator.pressButtonByText(anna.userId, slots.message_id, first.text);
    expect((await anna.next('Записать по этой заявке нельзя')).text).toContain('уже есть запись');
    expect(await bookedOf(bot.db, request.id)).toHaveLength(1);
  });
});
