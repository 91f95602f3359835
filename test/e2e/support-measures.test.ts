import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { measureOffers, notifications, requests, supportMeasures } from '../../src/db/schema/index.js';
import { importMeasures, offerNewlyEligibleMeasures } from '../../src/features/support-measures/index.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { addDays, addYears, regionDate } from '../../src/time.js';
import { useE2E } from '../helpers/e2e.js';
import { familyChat } from '../helpers/family-dialogue.js';

/** «Меры поддержки» personalised from the passport, «Хочу оформить», a curator granting, offers made once. */
const bot = useE2E({
  seed: { staff: { anna: { name: 'Анна Петрова', districts: ['lipetsk-city'] } } },
});

const today = () => regionDate(new Date(), bot.config.timeZone);
const yearsAgo = (years: number, days = 0) => addDays(addYears(today(), -years), days);
const buttonsOf = (message: StoredMessage) =>
  message.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];

async function pressInPlace(userId: number, message: StoredMessage, label: string): Promise<StoredMessage> {
  const edited = bot.emulator.waitForEdit(userId, message.message_id);
  bot.emulator.pressButtonByText(userId, message.message_id, label);
  return edited;
}

describe('«Меры поддержки»', () => {
  it('shows what the passport entitles the family to, how to get it, and «Хочу оформить» makes a request', async () => {
    const { families } = await bot.seed({
      families: {
        olga: {
          curator: bot.seeded.staff.anna,
          memberName: 'Ольга Смирнова',
          children: [{ fullName: 'Петя Смирнов', birthDate: yearsAgo(9), institution: 'school' }],
          elderly: [{ fullName: 'Нина Смирнова', birthDate: yearsAgo(70), careNeeds: 'плохо ходит' }],
        },
      },
    });
    const olga = families.olga;
    // A long dialogue: under a loaded machine a reply can take longer than the default 10 s.
    const chat = familyChat(bot.emulator, olga.chat, 30_000);
    await chat.say('/menu', 'Главное меню');
    bot.emulator.pressReplyButton(olga.chat, 'Меры поддержки');
    const list = await chat.next('Вам положено:');
    expect(list.text).toBe(
      [
        'Меры поддержки',
        '',
        'Вам положено:\n• Бесплатное питание в школе\n• Помощь психолога\n• Социальный работник для пожилых родственников\n• Выплаты и пособия\n• Юридическая помощь',
        '',
        'Другие меры:\n• Бесплатная няня\n• Перевод в детский сад ближе к дому\n• Обучение в центре занятости',
        '',
        'Нажмите на меру, чтобы узнать, как её получить.',
      ].join('\n'),
    );
    const measure = await pressInPlace(olga.chat, list, 'Бесплатное питание в школе');
    expect(measure.text).toContain('Кому положено: Дети, которые учатся в школе.');
    expect(measure.text).toContain('Документы:\n• Заявление на имя директора школы');
    expect(measure.text).toContain('Куда обратиться: Школа, где учится ребёнок, или Госуслуги.');
    expect(measure.text).toContain('По вашему социальному паспорту эта мера вам положена.');
    expect(buttonsOf(measure)).toEqual(['Хочу оформить', '← Все меры поддержки']);

    // «Хочу оформить»: the school meals dialogue, the child offered from the passport.
    bot.emulator.pressButtonByText(olga.chat, measure.message_id, 'Хочу оформить');
    await chat.next('Бесплатное питание в школе. Зададим несколько коротких вопросов');
    const whichChild = await chat.next('Для какого ребёнка?');
    expect(buttonsOf(whichChild)).toContain('Петя Смирнов');
    await chat.press('Петя Смирнов', 'В какой школе');
    await chat.say('Школа № 5', 'В каком классе');
    await chat.say('3 «Б»', 'Что случилось с питанием?');
    await chat.press('Питание ещё не назначили', 'Хотите что-то добавить');
    await chat.press('Пропустить', 'документы или фото');
    await chat.press('Пропустить', 'Всё верно?');
    await chat.press('✅ Отправить куратору', 'принята');
    if (process.env.PRINT_TRANSCRIPT) console.log(chat.transcript());
    const [saved] = await bot.db.select().from(requests).where(eq(requests.familyId, olga.family.id));
    expect(saved?.category).toBe('school_meals');
    // The child is the passport's own record, not a retyped name.
    expect(saved?.details).toMatchObject({
      child: { householdMemberId: olga.children[0]!.id, name: 'Петя Смирнов' },
      school: 'Школа № 5',
    });
    // The curator's card says which measure the request came from.
    expect(saved?.measureCode).toBe('school_meals');
    const card = await bot.emulator.waitForMessage(
      bot.seeded.staff.anna.chat,
      (m) => (m.text ?? '').includes(`№ ${saved!.number}`),
      30_000,
    );
    expect(card.text).toContain('Семья оформляет меру поддержки «Бесплатное питание в школе»');
    await bot.settled();
  });

  it('the curator sees what is due on the family card and marks it granted with a date; the family sees it received', async () => {
    const { families } = await bot.seed({
      families: {
        irina: {
          curator: bot.seeded.staff.anna,
          memberName: 'Ирина Козлова',
          children: [{ fullName: 'Маша Козлова', birthDate: yearsAgo(4), institution: 'kindergarten' }],
        },
      },
    });
    const irina = families.irina;
    const curator = familyChat(bot.emulator, bot.seeded.staff.anna.chat);
    const card = await curator.say(`/family ${irina.member.phone}`, 'Положено по паспорту');
    expect(card.text).toContain(
      'Положено по паспорту, ещё не оформлено:\n• Бесплатная няня\n• Перевод в детский сад ближе к дому\n• Помощь психолога\n• Выплаты и пособия\n• Юридическая помощь',
    );
    expect(card.text).toContain('Контакта с семьёй ещё не было');
    bot.emulator.pressButtonByText(bot.seeded.staff.anna.chat, card.message_id, 'Записать меру поддержки');
    const ask = await curator.next('Какую меру поддержки получает семья?');
    // What is due comes first.
    expect(buttonsOf(ask).slice(0, 3)).toEqual([
      'Бесплатная няня',
      'Перевод в детский сад ближе к дому',
      'Помощь психолога',
    ]);
    await curator.press('Бесплатная няня', 'С какой даты?');
    await curator.say('01.11.2026', 'Короткая заметка');
    await curator.press('Пропустить', 'Записали меру поддержки');
    const after = await curator.next('Меры поддержки:');
    expect(after.text).toContain('• Бесплатная няня, с 01.11.2026');
    expect(after.text).toContain(
      'Положено по паспорту, ещё не оформлено:\n• Перевод в детский сад ближе к дому',
    );
    const [granted] = await bot.db
      .select()
      .from(supportMeasures)
      .where(eq(supportMeasures.familyId, irina.family.id));
    expect(granted).toMatchObject({ measure: 'free_nanny', since: '2026-11-01' });

    const chat = familyChat(bot.emulator, irina.chat);
    await chat.say('/menu', 'Главное меню');
    bot.emulator.pressReplyButton(irina.chat, 'Меры поддержки');
    const list = await chat.next('Получено:');
    expect(list.text).toContain('Получено:\n• Бесплатная няня — с 01.11.2026');
    expect(list.text).not.toContain('Вам положено:\n• Бесплатная няня');
    await bot.settled();
  });

  it('offers newly eligible measures once: when a child turns 7, the first-grade measure is offered, and never again', async () => {
    const imported = await importMeasures(
      bot.db,
      `
measures:
  - code: first_grade_kit
    title: Набор первоклассника
    gives: Рюкзак и канцелярия к 1 сентября.
    who: Дети от 7 лет.
    howToGet: { where: Центр социальной защиты, contacts: Куратор }
    requestCategory: other
    eligibility: { children: { minAge: 7, maxAge: 7 } }
`,
    );
    expect(imported.ok).toBe(true);
    const { families } = await bot.seed({
      families: {
        vera: {
          curator: bot.seeded.staff.anna,
          memberName: 'Вера Орлова',
          // Turns 7 in three days.
          children: [{ fullName: 'Коля Орлов', birthDate: yearsAgo(7, 3), institution: 'kindergarten' }],
        },
      },
    });
    const vera = families.vera;
    const offersOf = async () =>
      (await bot.db.select().from(measureOffers).where(eq(measureOffers.familyId, vera.family.id))).map(
        (offer) => offer.measureCode,
      );
    const chat = familyChat(bot.emulator, vera.chat);

    // Today: a nanny and a kindergarten nearer home (under 7), and what every family may get — in one message.
    await bot.lanes.add(await offerNewlyEligibleMeasures({ db: bot.db, today: today() }));
    const first = await chat.next('Вам теперь положены меры поддержки:');
    expect(first.text).toContain(
      '• Бесплатная няня\n• Перевод в детский сад ближе к дому\n• Помощь психолога\n• Выплаты и пособия\n• Юридическая помощь',
    );
    const firstOffers = ['free_nanny', 'kindergarten_transfer', 'psychologist', 'payments', 'legal'];
    expect(buttonsOf(first)).toEqual([
      'Бесплатная няня',
      'Перевод в детский сад ближе к дому',
      'Помощь психолога',
      'Выплаты и пособия',
      'Юридическая помощь',
    ]);
    expect(await offersOf()).toEqual(firstOffers);

    // The same day again, and the next day: nothing new.
    expect(await offerNewlyEligibleMeasures({ db: bot.db, today: today() })).toEqual([]);
    expect(await offerNewlyEligibleMeasures({ db: bot.db, today: addDays(today(), 1) })).toEqual([]);

    // The child turns 7: the first-grade kit, once.
    const birthday = addDays(today(), 3);
    await bot.lanes.add(await offerNewlyEligibleMeasures({ db: bot.db, today: birthday }));
    const second = await chat.next('Вам теперь положена мера поддержки:');
    expect(second.text).toContain('• Набор первоклассника');
    expect(await offerNewlyEligibleMeasures({ db: bot.db, today: birthday })).toEqual([]);
    expect(await offerNewlyEligibleMeasures({ db: bot.db, today: addDays(birthday, 1) })).toEqual([]);
    expect(await offersOf()).toEqual([...firstOffers, 'first_grade_kit']);

    // The offer's button opens the measure with «Хочу оформить».
    const detail = await pressInPlace(vera.chat, second, 'Набор первоклассника');
    expect(detail.text).toContain('Рюкзак и канцелярия к 1 сентября.');
    expect(buttonsOf(detail)).toContain('Хочу оформить');
    await bot.settled();
    const sent = await bot.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.familyId, vera.family.id), eq(notifications.kind, 'measures-offer')));
    expect(sent.map((row) => row.status)).toEqual(['sent', 'sent']);
  });
});
