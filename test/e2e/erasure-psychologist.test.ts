import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { notifications } from '../../src/db/schema/index.js';
import { retractionKind } from '../../src/features/delivery/retraction.js';
import { fireConsultationReminder } from '../../src/features/psychologists/psychologists.timers.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { useE2E } from '../helpers/e2e.js';
import { familyChat } from '../helpers/family-dialogue.js';
import { eventually } from '../helpers/pipeline.js';
import { sentRecorded } from '../helpers/retractions.js';
import { printChat, recordTranscripts } from '../helpers/transcript.js';
import {
  bookedOf,
  familyAskingForPsychologist,
  isOffer,
  roundTheClock,
  slotButtons,
} from './psychologists-fixtures.js';

/**
 * «Удалить мои данные» reaches the psychologist's chat (SPEC §8): «Новая запись», a reminder, the family's
 * move, `/week` and a booking's notes name the family and what its request said; after the family deletes
 * its data the psychologist reads «Данные семьи удалены по её просьбе» in their place. Each of these is
 * recorded with the family (`notifications.family_id`, from the request) when it is made. The booking goes
 * with the family's request: cancelled, its notes erased, no reminder after.
 */
// The reminder made here (not by its timer) reaches delivery through the reconciler's sweep.
const bot = useE2E({
  pipeline: { reconcileIntervalMs: 2000 },
  seed: {
    staff: {
      irina: { name: 'Ирина Смирнова', role: 'psychologist', districts: ['gryazi'] },
      anna: { name: 'Анна Петрова', districts: ['gryazi'] },
    },
  },
});

const WAIT = 20_000;
const body = (m: StoredMessage) => m.text ?? m.caption ?? '';

describe('«Удалить мои данные» in a psychologist’s chat', () => {
  it('takes back the booking, the reminder, the move, /week and the notes; the booking is cancelled', async () => {
    const I = bot.seeded.staff.irina.chat;
    await roundTheClock(bot.db, bot.seeded.staff.irina.id);
    const rec = recordTranscripts(bot.emulator);
    rec.name(I, 'Ирина');
    const { user, request } = await familyAskingForPsychologist(bot, {
      districtId: bot.seeded.staff.anna.districts[0]!.id,
      curatorId: bot.seeded.staff.anna.id,
      name: 'Мария',
    });
    // The last slot offered (hours on: the family may still move it), by video.
    const offer = await bot.emulator.waitForMessage(user.id, isOffer, WAIT);
    const slots = slotButtons(offer);
    const booked = bot.emulator.waitForEdit(user.id, offer.message_id, WAIT);
    bot.emulator.pressButton(
      user.id,
      offer.message_id,
      `${slots.at(-1)!.data.replace('psy:s:', 'psy:f:')}:video`,
    );
    const confirmation = await booked;
    const [first] = await bookedOf(bot.db, request.id);
    const told = await bot.emulator.waitForMessage(
      I,
      (m) => body(m).includes(`Новая запись № ${first!.id}`),
      WAIT,
    );
    expect(told.text).toContain('Семья: Мария.');

    // An hour before: the psychologist's reminder names the family.
    await fireConsultationReminder(
      { db: bot.db, now: new Date(first!.startsAt.getTime() - 3_600_000) },
      { consultationId: first!.id, lead: '1h' },
    );
    const reminder = await bot.emulator.waitForMessage(I, (m) => body(m).startsWith('Через час'), WAIT);
    expect(reminder.text).toContain('Семья: Мария.');

    // The family moves it: «Семья перенесла запись …», and the new booking's «Новая запись».
    const moveOffer = bot.emulator.waitForEdit(user.id, confirmation.message_id, WAIT);
    bot.emulator.pressButtonByText(user.id, confirmation.message_id, 'Перенести');
    const choices = await moveOffer;
    const moved = bot.emulator.waitForEdit(user.id, confirmation.message_id, WAIT);
    bot.emulator.pressButton(user.id, confirmation.message_id, slotButtons(choices)[0]!.data);
    expect((await moved).text).toContain('Вы записаны');
    const second = (await bookedOf(bot.db, request.id)).find((row) => row.status === 'booked')!;
    const movedNotice = await bot.emulator.waitForMessage(
      I,
      (m) => body(m).includes(`Семья перенесла запись № ${first!.id}`),
      WAIT,
    );
    const toldAgain = await bot.emulator.waitForMessage(
      I,
      (m) => body(m).includes(`Новая запись № ${second.id}`),
      WAIT,
    );

    const irina = familyChat(bot.emulator, I);
    await irina.say(`/note ${second.id} Мария тревожится за сына`, 'Заметка сохранена');
    const week = await irina.say('/week', 'Консультации на неделю');
    expect(week.text).toContain('Сын плохо спит');
    bot.emulator.pressButtonByText(I, toldAgain.message_id, 'Заметки');
    const notes = await irina.next('Заметки к записи');
    const shown = [told, reminder, movedNotice, toldAgain, week, notes];
    for (const message of shown) await sentRecorded(bot.db, I, message.message_id, WAIT);
    rec.note(I, 'семья Марии нажимает «Удалить мои данные»');

    const family = familyChat(bot.emulator, user.id);
    await family.say('Настройки', 'Настройки');
    await family.press('Удалить мои данные', 'Удалить ваши данные?');
    await family.press('Да, удалить', 'Ваши данные удалены');

    const erased = `Данные семьи удалены по её просьбе (заявка № ${request.number}).`;
    for (const message of shown) {
      const now = await eventually(
        async () => {
          const m = bot.emulator.messages(I).find((x) => x.message_id === message.message_id)!;
          return body(m).startsWith('Данные семьи удалены по её просьбе') ? m : undefined;
        },
        WAIT,
        `message ${message.message_id} taken back`,
      );
      expect(now.reply_markup).toBeUndefined();
      // A delivered notice names the request; a view (/week, notes) the family alone.
      if ([told, reminder, movedNotice, toldAgain].includes(message)) expect(now.text).toBe(erased);
    }
    const takeBacks = await bot.db
      .select({ payload: notifications.payload })
      .from(notifications)
      .where(and(eq(notifications.kind, retractionKind), eq(notifications.chatId, I)));
    for (const message of shown)
      expect(takeBacks.map((row) => row.payload)).toContainEqual(
        expect.objectContaining({ messageId: message.message_id, reason: 'erased' }),
      );
    for (const m of bot.emulator.messages(I, { from: 'bot' })) {
      for (const personal of ['Мария', 'Сын плохо спит', 'тревожится'])
        expect(body(m)).not.toContain(personal);
    }
    // What Ирина typed herself (`/note …`) is deleted from her chat too.
    const typed = bot.emulator.messages(I).find((m) => m.text?.startsWith('/note'));
    await eventually(
      async () => bot.emulator.messages(I).find((m) => m.message_id === typed?.message_id)?.deleted === true,
      WAIT,
      'the typed note deleted',
    );
    // The booking went with the request: no reminder comes, /week lists nothing, the notes are gone.
    expect((await bookedOf(bot.db, request.id)).map((row) => [row.status, row.notes])).toEqual([
      ['cancelled', null],
      ['cancelled', null],
    ]);
    expect(
      await fireConsultationReminder(
        { db: bot.db, now: new Date(second.startsAt.getTime() - 3_600_000) },
        { consultationId: second.id, lead: '1h' },
      ),
    ).toEqual({ outcome: 'gone' });
    const weekAfter = await irina.say('/week', 'записей нет');
    expect(weekAfter.text).toBe('На ближайшую неделю записей нет. Ваше расписание — /schedule.');
    // A note typed afterwards about that booking is not kept: the family deleted its data.
    const late = await irina.say(`/note ${second.id} Мария звонила ещё раз`, 'Не нашли у вас запись');
    expect(late.text).toBe(
      `Не нашли у вас запись № ${second.id}. Возможно, её отменили или семья удалила свои данные. Ваши консультации — в /week.`,
    );
    expect((await bookedOf(bot.db, request.id)).map((row) => row.notes)).toEqual([null, null]);
    printChat('Ирина (психолог; семья удалила свои данные)', rec.render(I));
    rec.stop();
  });
});
