import { Queue } from 'bullmq';
import { and, eq, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  auditLog,
  consultations,
  consultationWaitlist,
  familyMembers,
  notifications,
  psychologistSchedules,
} from '../../src/db/schema/index.js';
import { queueNames } from '../../src/queue/names.js';
import { writeOutbox } from '../../src/queue/outbox.js';
import { addDays, regionDate, startOfRegionDay } from '../../src/time.js';
import { useE2E } from '../helpers/e2e.js';
import { testEnv } from '../helpers/env.js';
import { familyChat } from '../helpers/family-dialogue.js';
import { eventually, wipeRedisPrefix } from '../helpers/pipeline.js';
import { districtByCode } from '../helpers/routing-factories.js';
import { runEntry } from '../helpers/spawn.js';
import {
  familyAskingForPsychologist,
  isOffer,
  roundTheClock,
  slotButtons,
} from './psychologists-fixtures.js';

/**
 * Consultations over time (issue 17): reminders a day and an hour before on the deadlines queue's durable
 * timers — also when Redis is wiped in between —, the waiting list with its alert, and notes that only
 * psychologists read. Bookings are written with times relative to the real clock, so a reminder comes due
 * within seconds.
 */
const bot = useE2E({
  pipeline: { reconcileIntervalMs: 2000 },
  seed: {
    staff: {
      irina: { name: 'Ирина Смирнова', role: 'psychologist', districts: ['gryazi'] },
      pavel: { name: 'Павел Орлов', role: 'psychologist', districts: ['dankov'] },
      maria: { name: 'Мария Лебедева', role: 'psychologist', districts: ['lebedyan'] },
      sofia: { name: 'Софья Уходящая', role: 'psychologist', districts: ['usman'] },
      gleb: { name: 'Глеб Остающийся', role: 'psychologist', districts: ['usman'] },
      anna: { name: 'Анна Петрова', districts: ['gryazi'] },
      olga: { name: 'Ольга Районная', role: 'supervisor', districts: ['gryazi'] },
      dankovHead: { name: 'Пётр Данковский', role: 'supervisor', districts: ['dankov'] },
      dobroeHead: { name: 'Вера Добровская', role: 'supervisor', districts: ['dobroe'] },
    },
  },
});

/** The family's waiting-list notice. */
const waitlistNotice = (chat: number) =>
  bot.emulator.waitForMessage(chat, (m) => m.text?.includes('лист ожидания') ?? false, 20_000);

const districtOf = (key: 'anna' | 'dankovHead' | 'dobroeHead') => bot.seeded.staff[key].districts[0]!.id;

/** A family of Грязи with a booking of Ирина's at `startsAt`, booked `bookedAgoMs` ago, announced as routing would. */
async function booked(
  name: string,
  startsAt: Date,
  bookedAgoMs: number,
  psychologist = bot.seeded.staff.irina,
) {
  const asking = await familyAskingForPsychologist(bot, {
    districtId: psychologist === bot.seeded.staff.irina ? districtOf('anna') : psychologist.districts[0]!.id,
    curatorId: psychologist === bot.seeded.staff.irina ? bot.seeded.staff.anna.id : undefined,
    name,
  });
  await bot.emulator.waitForMessage(asking.user.id, isOffer, 20_000);
  const consultation = await bot.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(consultations)
      .values({
        requestId: asking.request.id,
        familyId: asking.family.id,
        psychologistId: psychologist.id,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 3_600_000),
        format: 'video',
        joinToken: `token-${name}`,
        createdAt: new Date(Date.now() - bookedAgoMs),
      })
      .returning();
    await writeOutbox(tx, {
      kind: 'consultation_changed',
      payload: { consultationId: row!.id, change: 'booked' },
    });
    return row!;
  });
  return { ...asking, consultation };
}

async function familyChatOf(familyId: number) {
  const [member] = await bot.db.select().from(familyMembers).where(eq(familyMembers.familyId, familyId));
  return member!.telegramId!;
}

const reminderRows = (consultationId: number) =>
  bot.db
    .select()
    .from(notifications)
    .where(like(notifications.dedupeKey, `psy:${consultationId}:reminder:%`));

describe('reminders a day and an hour before', () => {
  it('come once each to the family and the psychologist, also when Redis is wiped after the booking', async () => {
    await roundTheClock(bot.db, bot.seeded.staff.irina.id);
    const dayAhead = await booked('Алла', new Date(Date.now() + 24 * 3_600_000 + 12_000), 2 * 86_400_000);
    const hourAhead = await booked('Жанна', new Date(Date.now() + 3_600_000 + 12_000), 10 * 60_000);
    const queue = new Queue(queueNames.deadlines, { connection: bot.redis, prefix: bot.config.redisPrefix });
    try {
      await eventually(
        async () =>
          (await queue.getJob(`psy-${dayAhead.consultation.id}-24h`)) !== undefined &&
          (await queue.getJob(`psy-${hourAhead.consultation.id}-1h`)) !== undefined,
        15_000,
        'the reminder timers',
      );
    } finally {
      await queue.close();
    }
    // FLUSHALL of this deployment's keys: the timers are gone from Redis, PostgreSQL still has the bookings.
    await wipeRedisPrefix(bot.config.redisUrl, bot.config.redisPrefix);

    const tomorrow = await bot.emulator.waitForMessage(
      dayAhead.user.id,
      (m) => m.text?.startsWith('Напоминаем') ?? false,
      40_000,
    );
    expect(tomorrow.text).toContain('Напоминаем: завтра у вас консультация психолога.');
    expect(tomorrow.text).toContain('Психолог: Ирина Смирнова');
    expect(tomorrow.text).toContain('https://meet.jit.si/patronazh-token-Алла');
    expect(tomorrow.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual([
      'Перенести',
      'Отменить запись',
    ]);
    const inAnHour = await bot.emulator.waitForMessage(
      hourAhead.user.id,
      (m) => m.text?.startsWith('Через час') ?? false,
      40_000,
    );
    expect(inAnHour.text).toContain('Через час у вас консультация психолога.');
    // Irina's two reminders fall due at the same moment: they may come in either order.
    const irinaChat = bot.seeded.staff.irina.chat;
    const irinas: string[] = [];
    for (const _ of ['one', 'the other']) {
      const reminder = await bot.emulator.waitForMessage(
        irinaChat,
        (m) => /^(Завтра|Через час) консультация № /.test(m.text ?? ''),
        20_000,
      );
      irinas.push(reminder.text ?? '');
    }
    expect(
      irinas.filter((text) => text.startsWith(`Завтра консультация № ${dayAhead.consultation.id}:`)),
    ).toHaveLength(1);
    expect(
      irinas.filter((text) => text.startsWith(`Через час консультация № ${hourAhead.consultation.id}:`)),
    ).toHaveLength(1);

    await bot.settled();
    // Once each: the family and the psychologist, for the one lead that was due; the hour-ahead booking was
    // made within the day, so it has no day-before reminder at all.
    expect((await reminderRows(dayAhead.consultation.id)).map((n) => n.dedupeKey).sort()).toEqual([
      `psy:${dayAhead.consultation.id}:reminder:24h:member:${dayAhead.member.id}`,
      `psy:${dayAhead.consultation.id}:reminder:24h:staff`,
    ]);
    expect((await reminderRows(hourAhead.consultation.id)).map((n) => n.dedupeKey).sort()).toEqual([
      `psy:${hourAhead.consultation.id}:reminder:1h:member:${hourAhead.member.id}`,
      `psy:${hourAhead.consultation.id}:reminder:1h:staff`,
    ]);
  });
});

describe('a psychologist deactivated by the admin', () => {
  it('has their future bookings cancelled honestly: the family is told, offered new slots, and never reminded', async () => {
    const { sofia, gleb } = bot.seeded.staff;
    await roundTheClock(bot.db, sofia.id);
    await roundTheClock(bot.db, gleb.id);
    const soon = await booked('Ксения', new Date(Date.now() + 3_600_000 + 60_000), 10 * 60_000, sofia);
    const queue = new Queue(queueNames.deadlines, { connection: bot.redis, prefix: bot.config.redisPrefix });
    const timer = () => queue.getJob(`psy-${soon.consultation.id}-1h`);
    try {
      await eventually(async () => (await timer()) !== undefined, 15_000, 'the reminder timer');
      const result = await runEntry(
        'src/admin/cli.ts',
        ['staff', 'deactivate', '--id', String(sofia.id)],
        testEnv(),
      );
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('1 consultations cancelled');
      const notice = await bot.emulator.waitForMessage(
        soon.user.id,
        (m) => m.text?.includes('пришлось отменить') ?? false,
        20_000,
      );
      expect(notice.text).toContain(
        'пришлось отменить: психолог больше не ведёт консультации. Простите, пожалуйста.',
      );
      expect(notice.text).toContain('Вы можете записаться на консультацию психолога.');
      expect(slotButtons(notice).every((b) => b.data.split(':')[3] === String(gleb.id))).toBe(true);
      expect(slotButtons(notice).length).toBeGreaterThan(0);
      await eventually(async () => (await timer()) === undefined, 15_000, 'the reminder timer cleared');
    } finally {
      await queue.close();
    }
    const [after] = await bot.db
      .select()
      .from(consultations)
      .where(eq(consultations.id, soon.consultation.id));
    expect(after).toMatchObject({ status: 'cancelled', cancelReason: 'left', cancelledBy: 'staff' });
    await bot.settled();
    expect(await reminderRows(soon.consultation.id)).toEqual([]);
  });
});

describe('the waiting list', () => {
  it('with no free slot in 14 days: the family is told honestly when, the supervisor is alerted', async () => {
    const today = regionDate(new Date(), 'Europe/Moscow');
    const fortnight = Array.from({ length: 14 }, (_, i) => addDays(today, i));
    await roundTheClock(bot.db, bot.seeded.staff.pavel.id, { daysOff: fortnight });
    const { user, request } = await familyAskingForPsychologist(bot, {
      districtId: districtOf('dankovHead'),
      name: 'Дарья',
    });
    const told = await bot.emulator.waitForMessage(
      user.id,
      (m) => m.text?.includes('лист ожидания') ?? false,
      20_000,
    );
    const [year, month, day] = addDays(today, 14).split('-');
    expect(told.text).toContain('На ближайшие две недели у психологов нет свободного времени.');
    expect(told.text).toContain(`Самое раннее свободное время сейчас — `);
    expect(told.text).toContain(`${Number(day)} `);
    expect(told.text).toContain(`${year} г., 00:00 (по московскому времени)`);
    expect(told.text).toContain('Если ждать тяжело, напишите куратору');
    expect(month).toBeDefined();
    const alert = await bot.emulator.waitForMessage(
      bot.seeded.staff.dankovHead.chat,
      (m) => m.text?.includes('Лист ожидания') ?? false,
      20_000,
    );
    expect(alert.text).toContain(`Лист ожидания психолога: заявка № ${request.number}.`);
    const [row] = await bot.db
      .select()
      .from(consultationWaitlist)
      .where(eq(consultationWaitlist.requestId, request.id));
    expect(row?.leftAt).toBeNull();
  });

  it('offers the waiting family a slot as soon as the psychologist frees a day', async () => {
    const [waiting] = await bot.db
      .select()
      .from(consultationWaitlist)
      .where(eq(consultationWaitlist.districtId, districtOf('dankovHead')));
    const familyChatId = await familyChatOf(waiting!.familyId);
    const freed = addDays(regionDate(new Date(), 'Europe/Moscow'), 3).split('-').reverse().join('.');
    const pavel = familyChat(bot.emulator, bot.seeded.staff.pavel.chat, 15_000);
    await pavel.say(`/dayoff ${freed}`, 'Сохранено');
    const offer = await bot.emulator.waitForMessage(familyChatId, isOffer, 20_000);
    expect(offer.text).toContain('Вы можете записаться на консультацию психолога.');
  });

  it('offers a slot freed by a cancellation to the waiting family at once', async () => {
    const maria = bot.seeded.staff.maria;
    const today = regionDate(new Date(), 'Europe/Moscow');
    const daysOff = Array.from({ length: 14 }, (_, i) => addDays(today, i)).filter((_, i) => i !== 3);
    const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, fromMinute: 600, toMinute: 660 }));
    await bot.db.insert(psychologistSchedules).values({
      staffId: maria.id,
      slotMinutes: 60,
      hours,
      formats: ['phone'],
      daysOff,
    });
    const first = await familyAskingForPsychologist(bot, {
      districtId: maria.districts[0]!.id,
      name: 'Лидия',
    });
    const only = slotButtons(await bot.emulator.waitForMessage(first.user.id, isOffer, 20_000));
    expect(only).toHaveLength(1);
    const startsAt = new Date(startOfRegionDay(addDays(today, 3), 'Europe/Moscow').getTime() + 36_000_000);
    const [taken] = await bot.db
      .insert(consultations)
      .values({
        requestId: first.request.id,
        familyId: first.family.id,
        psychologistId: maria.id,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 3_600_000),
        format: 'phone',
        joinToken: 'token-freed',
        createdAt: new Date(),
      })
      .returning();
    const second = await familyAskingForPsychologist(bot, {
      districtId: maria.districts[0]!.id,
      name: 'Нина',
    });
    await bot.emulator.waitForMessage(
      second.user.id,
      (m) => m.text?.includes('лист ожидания') ?? false,
      20_000,
    );

    await bot.db.transaction(async (tx) => {
      await tx
        .update(consultations)
        .set({ status: 'cancelled', cancelReason: 'family', cancelledBy: 'family', closedAt: new Date() })
        .where(eq(consultations.id, taken!.id));
      await writeOutbox(tx, {
        kind: 'consultation_changed',
        payload: { consultationId: taken!.id, change: 'cancelled_by_family' },
      });
    });
    const offer = await bot.emulator.waitForMessage(second.user.id, isOffer, 20_000);
    expect(offer.text).toContain('Вы можете записаться на консультацию психолога.');
    expect(slotButtons(offer).map((b) => b.data.split(':').slice(3))).toEqual(
      only.map((b) => b.data.split(':').slice(3)),
    );
  });

  it('with no psychologist in the district at all: says so without a date, and the supervisor knows', async () => {
    const { user, request } = await familyAskingForPsychologist(bot, {
      districtId: districtOf('dobroeHead'),
      name: 'Зоя',
    });
    const told = await waitlistNotice(user.id);
    expect(told.text).toContain(
      'Сейчас у психологов вашего района нет свободного времени. Мы записали вас в лист ожидания: когда у психолога освободится время, мы предложим его вам здесь. Руководителю службы придёт уведомление о вашей заявке.',
    );
    expect(told.text).not.toContain('Самое раннее');
    const alert = await bot.emulator.waitForMessage(
      bot.seeded.staff.dobroeHead.chat,
      (m) => m.text?.includes('Лист ожидания') ?? false,
      20_000,
    );
    expect(alert.text).toContain(`заявка № ${request.number}. В районе семьи нет психолога с расписанием.`);
  });

  it('with no supervisor who can be told: the family is not promised one', async () => {
    // Волово: no psychologist, no supervisor of its own, no regional one — the alert reaches nobody.
    const volovo = await districtByCode(bot.db, 'volovo');
    const { user } = await familyAskingForPsychologist(bot, { districtId: volovo.id, name: 'Вера' });
    const told = await waitlistNotice(user.id);
    expect(told.text).toBe(
      'Сейчас у психологов вашего района нет свободного времени. Мы записали вас в лист ожидания: когда у психолога освободится время, мы предложим его вам здесь.\nЕсли ждать тяжело, напишите куратору: «Написать куратору» в меню. Если есть угроза жизни, звоните 112.',
    );
  });
});

describe('notes and outcomes', () => {
  it('notes are read by psychologists only, each opening audited; outcomes are marked once the time has come', async () => {
    const past = await booked(
      'Лидия',
      new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000),
      86_400_000,
    );
    const irina = familyChat(bot.emulator, bot.seeded.staff.irina.chat, 15_000);
    await irina.say(
      `/note ${past.consultation.id} Тревога после отъезда мужа, договорились о второй встрече`,
      'Заметка сохранена',
    );

    for (const key of ['anna', 'olga'] as const) {
      const chat = familyChat(bot.emulator, bot.seeded.staff[key].chat, 15_000);
      const help = await chat.say('/help', 'Команды');
      bot.emulator.pressButton(chat.userId, help.message_id, `psyst:n:${past.consultation.id}`);
      const refused = await chat.next('видят только психологи');
      expect(refused.text).toBe('Заметки консультаций видят только психологи.');
      expect(refused.text).not.toContain('Тревога');
    }
    const help = await irina.say('/help', 'Команды психолога');
    bot.emulator.pressButton(irina.userId, help.message_id, `psyst:n:${past.consultation.id}`);
    const notes = await irina.next('Заметки к записи');
    expect(notes.text).toContain('Тревога после отъезда мужа');
    const opened = await bot.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'consultation_notes_opened'), eq(auditLog.requestId, past.request.id)));
    expect(opened.map((row) => row.staffId)).toEqual([bot.seeded.staff.irina.id]);
    expect(opened[0]!.details).toEqual({ consultationId: past.consultation.id });

    bot.emulator.pressButton(irina.userId, help.message_id, `psyst:o:${past.consultation.id}:held`);
    expect((await bot.emulator.waitForEdit(irina.userId, help.message_id, 15_000)).text).toContain(
      'Отмечено: консультация состоялась.',
    );
    const [row] = await bot.db.select().from(consultations).where(eq(consultations.id, past.consultation.id));
    expect(row?.status).toBe('held');
    // The request's curator learns the fact, never the content.
    const curatorChat = bot.seeded.staff.anna.chat;
    const heard = (what: string) => (m: { text?: string }) =>
      m.text?.startsWith(`Заявка № ${past.request.number}, помощь психолога: ${what}`) ?? false;
    const booking = await bot.emulator.waitForMessage(curatorChat, heard('семья записалась'), 15_000, {
      afterMessageId: 0,
    });
    expect(booking.text).toContain('психолог Ирина Смирнова.');
    const held = await bot.emulator.waitForMessage(curatorChat, heard('консультация'), 15_000, {
      afterMessageId: 0,
    });
    expect(held.text).toContain('состоялась. О чём говорили на консультации, знают только семья и психолог.');
    for (const told of [booking, held]) expect(told.text).not.toContain('Тревога');

    // The request card a curator or a supervisor opens shows the consultation's status, never the notes.
    const opens = [
      ['anna', `my:r:${past.request.id}`],
      ['olga', `sup:${past.request.id}:open`],
    ] as const;
    for (const [key, data] of opens) {
      const chat = familyChat(bot.emulator, bot.seeded.staff[key].chat, 15_000);
      const help = await chat.say('/help', 'Команды');
      bot.emulator.pressButton(chat.userId, help.message_id, data);
      const card = await chat.next('Консультация психолога');
      expect(card.text).toContain(`№ ${past.request.number}`);
      expect(card.text).toMatch(/🗓 Консультация психолога состоялась \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}\./);
      expect(card.text).not.toContain('Тревога');
    }
  });

  it('/stats counts consultations per psychologist and district, and the waiting list, never the notes', async () => {
    const olga = familyChat(bot.emulator, bot.seeded.staff.olga.chat, 15_000);
    const stats = await olga.say('/stats', 'Консультации психологов за период');
    const block = stats.text!.slice(stats.text!.indexOf('Консультации психологов'));
    expect(block).toContain('От заявки до первой консультации (медиана):');
    expect(block).toContain('В листе ожидания сейчас: 0');
    expect(block).toMatch(
      /По психологам:\nИрина Смирнова: записано \d+ · состоялось 1 · не пришли 0 · отменено 0/,
    );
    expect(block).toMatch(/По районам:\nГрязинский[^\n]*: записано \d+ · состоялось 1/);
    expect(block).not.toContain('Тревога');
    const dankov = familyChat(bot.emulator, bot.seeded.staff.dankovHead.chat, 15_000);
    expect((await dankov.say('/stats', 'Консультации психологов за период')).text).toContain(
      'В листе ожидания сейчас: 1',
    );
  });
});
