import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { checkIns, families, outbox } from '../../src/db/schema/index.js';
import { followUpSilentCheckIns, planCheckIns } from '../../src/features/check-ins/index.js';
import { createAppNotifications } from '../../src/roles/pipeline.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { addDays, regionDate, regionWallClockToUtc } from '../../src/time.js';
import { useE2E } from '../helpers/e2e.js';
import { familyChat } from '../helpers/family-dialogue.js';
import { wipeRedisPrefix } from '../helpers/pipeline.js';

/**
 * «Как у вас дела?» with a fixed clock: the use cases the outreach worker runs every 5 minutes are called
 * here with chosen moments; delivery, the bot and the buttons are the real ones, on the emulator.
 */
const bot = useE2E({
  // The worker's own runs (real clock) must not ask these families: with 26 weeks, none is due for it.
  env: { CHECK_IN_EVERY_WEEKS: '26' },
  // After a Redis wipe the reconciler rebuilds the lanes from PostgreSQL within a second.
  pipeline: { reconcileIntervalMs: 1000 },
  seed: {
    staff: {
      anna: { name: 'Анна Петрова', districts: ['lipetsk-city'] },
      natalia: { name: 'Наталья Орлова', role: 'supervisor', districts: ['lipetsk-city'] },
    },
    families: {
      fine: { curator: 'anna', memberName: 'Ольга Весёлова' },
      call: { curator: 'anna', memberName: 'Марина Звонарёва' },
      question: { curator: 'anna', memberName: 'Елена Вопросова' },
      silent: { curator: 'anna', memberName: 'Галина Молчанова' },
    },
  },
});

const buttonsOf = (message: StoredMessage) =>
  message.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];
const MINUTE = 60_000;
const DAY = 86_400_000;

/** A wall-clock moment in the region, `daysAgo` days before today. */
function regionMoment(daysAgo: number, hour: number, minute: number) {
  const [year, month, day] = addDays(regionDate(new Date(), bot.config.timeZone), -daysAgo)
    .split('-')
    .map(Number) as [number, number, number];
  return regionWallClockToUtc({ year, month, day, hour, minute }, bot.config.timeZone);
}

/** Registered 40 days before `day`: a check-in is due that day (every 4 weeks). */
async function registeredLongAgo(familyIds: number[], day: Date) {
  await bot.db
    .update(families)
    .set({ createdAt: new Date(day.getTime() - 40 * DAY) })
    .where(inArray(families.id, familyIds));
}

describe('regular check-ins', () => {
  it('asks in the daytime only, once per period; answers, a call task in two taps, and the 7-day follow-up', async () => {
    const { fine, call, question, silent } = bot.seeded.families;
    const anna = bot.seeded.staff.anna;
    const ours = [fine, call, question, silent].map((f) => f.family.id);
    // Registered 40 days before the check-in day: a check-in is due (every 4 weeks).
    const day = regionMoment(10, 18, 59);
    await registeredLongAgo(ours, day);
    const plan = (now: Date) =>
      planCheckIns({ db: bot.db, now, timeZone: bot.config.timeZone, everyWeeks: 4 });

    // At night nothing goes; at 18:59 every family's minute has come.
    expect(await plan(regionMoment(10, 3, 0))).toEqual([]);
    expect(await plan(regionMoment(10, 19, 0))).toEqual([]);
    const asked = await plan(day);
    expect(asked).toHaveLength(4);
    expect(await plan(new Date(day.getTime() + MINUTE))).toEqual([]);
    await bot.lanes.add(asked);

    const chats = Object.fromEntries(
      Object.entries({ fine, call, question, silent }).map(([name, f]) => [
        name,
        familyChat(bot.emulator, f.chat),
      ]),
    );
    const asks = Object.fromEntries(
      await Promise.all(
        Object.entries(chats).map(
          async ([name, chat]) => [name, await chat.next('Как у вас дела?')] as const,
        ),
      ),
    );
    expect(asks.fine!.text).toBe(
      'Здравствуйте! Как у вас дела? Выберите ответ — куратор увидит, нужна ли помощь.',
    );
    expect(buttonsOf(asks.fine!)).toEqual(['Всё хорошо', 'Есть вопрос', 'Позвоните мне']);

    // «Всё хорошо»: thanks and the next step; a second press counts for nothing.
    bot.emulator.pressButtonByText(fine.chat, asks.fine!.message_id, 'Всё хорошо');
    expect((await chats.fine!.next()).text).toBe(
      'Рады, что у вас всё хорошо. Если что-то понадобится, нажмите «Нужна помощь» в меню.',
    );
    const [fineCheckIn] = await bot.db.select().from(checkIns).where(eq(checkIns.familyId, fine.family.id));
    bot.emulator.pressButton(fine.chat, asks.fine!.message_id, `ci:${fineCheckIn!.id}:call`);
    expect((await chats.fine!.next()).text).toContain('Вы уже ответили');
    // Another family's check-in cannot be answered.
    const forged = bot.emulator.pressButton(
      silent.chat,
      asks.silent!.message_id,
      `ci:${fineCheckIn!.id}:fine`,
    );
    expect((await bot.answerTo(forged.callback_query_id)).text).toContain('кнопка уже не действует');

    // «Есть вопрос»: the request dialogue.
    bot.emulator.pressButtonByText(question.chat, asks.question!.message_id, 'Есть вопрос');
    await chats.question!.next('С чем нужна помощь?');
    await chats.question!.say('/cancel');

    // «Позвоните мне»: a call task with the phone; the outcome in two taps.
    const curator = familyChat(bot.emulator, anna.chat);
    bot.emulator.pressButtonByText(call.chat, asks.call!.message_id, 'Позвоните мне');
    expect((await chats.call!.next()).text).toBe(
      'Мы попросили куратора позвонить вам. Если вопрос срочный, нажмите «Нужна помощь» в меню.',
    );
    const task = await curator.next('Семья просит позвонить');
    expect(task.text).toBe(
      `📞 Семья просит позвонить: Марина Звонарёва, телефон ${call.member.phone}.\nПосле звонка нажмите «Записать итог звонка».`,
    );
    const choices = bot.emulator.waitForEdit(anna.chat, task.message_id);
    bot.emulator.pressButtonByText(anna.chat, task.message_id, 'Записать итог звонка');
    expect(buttonsOf(await choices)).toEqual([
      'Поговорили, всё в порядке',
      'Поговорили, нужна помощь',
      'Не дозвонились',
    ]);
    bot.emulator.pressButtonByText(anna.chat, task.message_id, 'Поговорили, всё в порядке');
    expect((await curator.next('Итог звонка записан')).text).toBe(
      'Итог звонка записан: Поговорили, всё в порядке. Спасибо!',
    );

    // No answer for 7 days: one notice to the curator, not before, and not twice.
    expect(
      await followUpSilentCheckIns({ db: bot.db, now: new Date(day.getTime() + 7 * DAY - MINUTE) }),
    ).toEqual([]);
    const followUp = await followUpSilentCheckIns({
      db: bot.db,
      now: new Date(day.getTime() + 7 * DAY + MINUTE),
    });
    expect(followUp).toHaveLength(1);
    expect(await followUpSilentCheckIns({ db: bot.db, now: new Date(day.getTime() + 8 * DAY) })).toEqual([]);
    await bot.lanes.add(followUp);
    const notice = await curator.next('Семья не отвечает');
    expect(notice.text).toBe(
      `📞 Семья не отвечает на «Как у вас дела?» уже 7 дней — позвоните: Галина Молчанова, телефон ${silent.member.phone}.\nПосле звонка нажмите «Записать итог звонка».`,
    );
    bot.emulator.pressButtonByText(anna.chat, notice.message_id, 'Записать итог звонка');
    await bot.emulator.waitForEdit(anna.chat, notice.message_id);
    bot.emulator.pressButtonByText(anna.chat, notice.message_id, 'Не дозвонились');
    expect((await curator.next('Итог звонка записан')).text).toContain('Попробуйте позвонить ещё раз');

    const stored = await bot.db.select().from(checkIns).where(inArray(checkIns.familyId, ours));
    const byFamily = (id: number) => stored.find((row) => row.familyId === id)!;
    expect(byFamily(fine.family.id)).toMatchObject({ answer: 'fine', callOutcome: null });
    expect(byFamily(call.family.id)).toMatchObject({ answer: 'call', callOutcome: 'talked' });
    expect(byFamily(question.family.id)).toMatchObject({ answer: 'question' });
    expect(byFamily(silent.family.id)).toMatchObject({ answer: null, callOutcome: 'no_answer' });
    expect(byFamily(silent.family.id).silentNoticeAt).not.toBeNull();

    // The last contact: on /my and the family card; /silent lists the family nobody reached.
    const my = await curator.say('/my', 'Ваши семьи (4)');
    const today = new Intl.DateTimeFormat('ru-RU', { timeZone: bot.config.timeZone }).format(new Date());
    expect(my.text).toContain(
      `Ваши семьи (4), дольше всех без связи — сверху:\n• Галина Молчанова — последний контакт: не было`,
    );
    expect(my.text).toContain(`• Ольга Весёлова — последний контакт: ${today}`);
    const card = await curator.say(`/family ${fine.member.phone}`, 'Карточка семьи');
    expect(card.text).toContain(`Последний контакт: ${today}`);
    const supervisor = familyChat(bot.emulator, bot.seeded.staff.natalia.chat);
    const list = await supervisor.say('/silent', 'без связи');
    expect(list.text).toContain('Семьи без связи больше 30 дней: 1');
    expect(list.text).toContain('• Галина Молчанова — ');
    expect(list.text).toContain('последний контакт: не было; куратор: Анна Петрова');
    if (process.env.PRINT_TRANSCRIPT) {
      for (const chat of [chats.call!, curator, supervisor]) console.log(chat.transcript());
    }
    await bot.settled();
  });

  it('loses no check-in when the worker dies before queueing it and Redis is wiped', async () => {
    const { families: seeded } = await bot.seed({
      families: { late: { curator: bot.seeded.staff.anna, memberName: 'Нина Поздняя' } },
    });
    const late = seeded.late;
    const day = regionMoment(5, 18, 59);
    await registeredLongAgo([late.family.id], day);
    const asked = await planCheckIns({ db: bot.db, now: day, timeZone: bot.config.timeZone, everyWeeks: 4 });
    expect(asked).toHaveLength(1);
    // The worker died before handing it to the lanes, and then Redis was wiped: the check-in is only a
    // pending row in PostgreSQL.
    expect(await wipeRedisPrefix(bot.config.redisUrl, bot.config.redisPrefix)).toBeGreaterThan(0);
    const chat = familyChat(bot.emulator, late.chat, 30_000);
    await chat.next('Как у вас дела?');
    await bot.settled(30_000);
    expect(
      bot.emulator.messages(late.chat, { from: 'bot' }).filter((m) => m.text?.includes('Как у вас дела?')),
    ).toHaveLength(1);
  });

  it('tells a family without a curator who will see its question, and travels last in the send budget', async () => {
    // Check-ins and offers are 'bulk': request cards, relayed messages and replies go first (send-slots.ts).
    const registry = createAppNotifications();
    expect(registry.sendClassOf('check-in')).toBe('bulk');
    expect(registry.sendClassOf('measures-offer')).toBe('bulk');
    expect(registry.sendClassOf('check-in-call')).toBe('notice');

    const { families: seeded } = await bot.seed({ families: { alone: { memberName: 'Вера Одинокова' } } });
    const alone = seeded.alone;
    const day = regionMoment(4, 18, 59);
    await registeredLongAgo([alone.family.id], day);
    await bot.lanes.add(
      await planCheckIns({ db: bot.db, now: day, timeZone: bot.config.timeZone, everyWeeks: 4 }),
    );
    const chat = familyChat(bot.emulator, alone.chat, 30_000);
    const ask = await chat.next('Как у вас дела?');
    bot.emulator.pressButtonByText(alone.chat, ask.message_id, 'Позвоните мне');
    expect((await chat.next()).text).toBe(
      'Куратора вам пока не назначили, поэтому позвонить некому. Напишите, что случилось, через «Нужна помощь» в меню — заявку передадим свободному куратору или руководителю.',
    );
    expect(await bot.db.select().from(outbox).where(eq(outbox.kind, 'check_in_call'))).toHaveLength(1);
  });
});
