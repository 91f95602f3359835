import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { requests } from '../../src/db/schema/index.js';
import { addDays, addYears, regionDate, russianDate } from '../../src/time.js';
import { useE2E } from '../helpers/e2e.js';
import { testConfig } from '../helpers/env.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { type FamilyChat, familyChat, upToServicemanBirthDate } from '../helpers/family-dialogue.js';

/**
 * Dates as a person types them (issue 13 §5): examples that are never in the past, a date the calendar
 * has not got told as such, and birth dates in a plausible range for whose they are.
 */
const bot = useE2E({
  pipeline: false,
  seed: { staff: { anna: { name: 'Анна Петрова', districts: ['lipetsk-city'] } } },
});
const today = regionDate(Date.now(), testConfig().timeZone);

async function registeredFamily(name: string) {
  const user = bot.emulator.createUser({ first_name: name, language_code: 'ru' });
  const family = await createRegisteredFamily(bot.db, {
    telegramId: user.id,
    curatorId: bot.seeded.staff.anna.id,
    children: [{ fullName: 'Оля Иванова' }],
  });
  const chat = familyChat(bot.emulator, user.id);
  await chat.say('/menu', 'Главное меню');
  return { user, chat, ...family };
}

async function startCategory(chat: FamilyChat, category: string, firstQuestion: string) {
  bot.emulator.pressReplyButton(chat.userId, 'Нужна помощь');
  await chat.next('С чем нужна помощь');
  return chat.press(category, firstQuestion);
}

/** A wrong date gets exactly this hint, then the same question again. */
async function refused(chat: FamilyChat, typed: string, hint: string, question: string) {
  expect((await chat.say(typed)).text).toBe(hint);
  expect((await chat.next()).text).toBe(question);
}

describe('request dates', () => {
  it('the nanny question gives tomorrow as its example, and typing the example is taken', async () => {
    const { chat, family } = await registeredFamily('Алла');
    await startCategory(chat, 'Няня', 'С кем из детей');
    await chat.press('Оля Иванова', 'один раз или регулярно');
    const tomorrow = russianDate(addDays(today, 1));
    const question = await chat.press('Один раз', 'На какой день');
    expect(question.text).toBe(`На какой день нужна няня? Напишите дату, например ${tomorrow}.`);
    // A wrong shape repeats the same example; the example itself is accepted.
    await refused(
      chat,
      'завтра',
      `Напишите дату так: ДД.ММ.ГГГГ, например ${tomorrow}.`,
      question.text ?? '',
    );
    await chat.say(tomorrow, 'В какие часы');
    await chat.say('с 9:00 до 13:00', 'Помощь нужна по этому адресу');
    await chat.press('Да, по этому адресу', 'добавить для куратора');
    await chat.press('Пропустить', 'документы или фото');
    const summary = await chat.press('Пропустить', 'Всё верно?');
    expect(summary.text).toContain('Дата: ');
    await chat.press('✅ Отправить куратору', 'принята');
    const [saved] = await bot.db.select().from(requests).where(eq(requests.familyId, family.id));
    expect(saved?.details).toMatchObject({ schedule: { kind: 'once', date: addDays(today, 1) } });
  });

  it('the kindergarten question gives the first of next month, never a past date', async () => {
    const { chat } = await registeredFamily('Ольга');
    await startCategory(chat, 'Перевод в детский сад ближе к дому', 'Для какого ребёнка');
    await chat.press('Оля Иванова', 'ходит сейчас');
    await chat.say('Сад № 5', 'хотите перевести');
    const question = await chat.say('Сад № 12', 'С какого числа');
    const example = /например (\d\d\.\d\d\.\d{4})\./.exec(question.text ?? '')?.[1];
    const [year, month] = today.split('-').map(Number) as [number, number];
    const firstOfNext = new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);
    expect(example).toBe(russianDate(firstOfNext));
    await refused(
      chat,
      '31.02.2027',
      'Такой даты нет: в феврале 2027 года 28 дней. Проверьте, пожалуйста, число.',
      question.text ?? '',
    );
    await refused(
      chat,
      '15.13.2027',
      'Такой даты нет: месяцев в году двенадцать. Проверьте, пожалуйста, месяц.',
      question.text ?? '',
    );
    await chat.say(example ?? '', 'добавить для куратора');
  });
});

describe('birth dates in the passport', () => {
  async function atServicemanBirthDate(name: string, phone: string) {
    const user = bot.emulator.createUser({ first_name: name, language_code: 'ru' });
    const chat = familyChat(bot.emulator, user.id);
    return { chat, question: await upToServicemanBirthDate(chat, phone) };
  }

  it('«31.02.2020» does not exist; a serviceman must be an adult and not over 75', async () => {
    const { chat, question } = await atServicemanBirthDate('Таня', '+79990001001');
    await refused(
      chat,
      '31.02.2020',
      'Такой даты нет: в феврале 2020 года 29 дней. Проверьте, пожалуйста, число.',
      question,
    );
    await refused(
      chat,
      '01.01.2024',
      'По этой дате военнослужащему нет 18 лет. Проверьте, пожалуйста, год рождения.',
      question,
    );
    await refused(
      chat,
      '01.01.1930',
      'По этой дате военнослужащему больше 75 лет. Проверьте, пожалуйста, год рождения.',
      question,
    );
    await refused(chat, '01.01.2999', 'Эта дата ещё не наступила. Проверьте, пожалуйста.', question);
    // Eighteen today is an adult.
    await chat.say(russianDate(addYears(today, -18)), 'В каком районе');
  });

  it('a child is under 18; a relative was born within 120 years', async () => {
    const { chat } = await atServicemanBirthDate('Вера', '+79990001002');
    await chat.press('Пропустить', 'В каком районе');
    await chat.press('Грязинский район', 'Населённый пункт');
    await chat.say('Грязи', 'Адрес');
    await chat.press('Пропустить', 'Есть ли в семье дети');
    await chat.press('Добавить ребёнка', 'Как зовут ребёнка');
    const child = await chat.say('Сидорова Анна', 'Дата рождения ребёнка');
    await refused(
      chat,
      russianDate(addYears(today, -18)),
      'По этой дате ребёнку уже есть 18 лет. Здесь записываем детей до 18 лет — проверьте, пожалуйста, год рождения.',
      child.text ?? '',
    );
    await chat.say(russianDate(addDays(addYears(today, -18), 1)), 'детский сад или школу');
    await chat.press('Школа', 'Детей добавлено');
    await chat.press('Дальше', 'пожилые родственники');
    await chat.press('Добавить родственника', 'Как зовут родственника');
    const relative = await chat.say('Сидорова Мария', 'Дата рождения родственника');
    await refused(
      chat,
      '01.01.1890',
      'Такая дата слишком давняя. Проверьте год, пожалуйста.',
      relative.text ?? '',
    );
    await chat.say('01.01.1940', 'Какая помощь нужна');
  });
});
