import { asc, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { attachments, outbox, requestEvents, requests } from '../../src/db/schema/index.js';
import { deadlinesFor } from '../../src/deadline-policies.js';
import { detailsSchemas } from '../../src/features/requests/requests.schemas.js';
import { regionDate } from '../../src/time.js';
import { useE2E } from '../helpers/e2e.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { type FamilyChat, familyChat } from '../helpers/family-dialogue.js';

const bot = useE2E({
  pipeline: false,
  seed: { staff: { anna: { name: 'Анна Петрова', districts: ['lipetsk-city'] } } },
});

/** A registered family (passport with two children and a grandmother) that has the main menu on screen. */
async function registeredFamily(name: string, household = true) {
  const user = bot.emulator.createUser({ first_name: name, language_code: 'ru' });
  const family = await createRegisteredFamily(bot.db, {
    telegramId: user.id,
    curatorId: bot.seeded.staff.anna.id,
    children: household
      ? [{ fullName: 'Оля Иванова', institution: 'kindergarten' }, { fullName: 'Петя Иванов' }]
      : [],
    elderly: household ? [{ fullName: 'Анна Сергеевна Иванова' }] : [],
  });
  const chat = familyChat(bot.emulator, user.id);
  await chat.say('/menu', 'Главное меню');
  return { user, chat, ...family };
}

type Step =
  | ['press', string, string]
  | ['say', string, string]
  | ['photo', string]
  | ['document', string]
  | ['weekdays', string[], string];

async function run(chat: FamilyChat, steps: Step[]) {
  for (const step of steps) {
    switch (step[0]) {
      case 'press':
        await chat.press(step[1], step[2]);
        break;
      case 'say':
        await chat.say(step[1], step[2]);
        break;
      case 'photo':
        bot.emulator.sendPhoto(chat.userId, { caption: undefined });
        await chat.next(step[1]);
        break;
      case 'document':
        bot.emulator.sendDocument(chat.userId, {
          file_name: 'справка.pdf',
          mime_type: 'application/pdf',
          size: 2048,
        });
        await chat.next(step[1]);
        break;
      case 'weekdays': {
        const [question] = bot.emulator.messages(chat.userId, { from: 'bot' }).slice(-1);
        for (const label of step[1]) {
          const edited = bot.emulator.waitForEdit(chat.userId, question!.message_id);
          bot.emulator.pressButtonByText(chat.userId, question!.message_id, label);
          await edited;
        }
        await chat.press('Готово', step[2]);
        break;
      }
    }
  }
}

/** «Нужна помощь» → a category → its questions → the summary → «Отправить»; returns the confirmation. */
async function makeRequest(chat: FamilyChat, category: string, firstQuestion: string, steps: Step[]) {
  bot.emulator.pressReplyButton(chat.userId, 'Нужна помощь');
  await chat.next('С чем нужна помощь');
  await chat.press(category, firstQuestion);
  await run(chat, steps);
  return chat.press('✅ Отправить куратору', 'принята');
}

const noCommentNoFiles: Step[] = [
  ['press', 'Пропустить', 'документы или фото'],
  ['press', 'Пропустить', 'Всё верно?'],
];

describe('a registered family makes one request of every category', () => {
  it('saves nine requests with validated details, deadlines, a created event and an outbox row each', async () => {
    const { chat, family } = await registeredFamily('Мария');

    const confirmations = [
      await makeRequest(chat, 'Няня', 'С кем из детей', [
        ['press', 'Все дети', 'один раз или регулярно'],
        ['press', 'Регулярно', 'По каким дням'],
        ['weekdays', ['Пн', 'Ср', 'Пт'], 'В какие часы'],
        ['say', 'с 8:00 до 13:00', 'Адрес из вашего паспорта'],
        ['press', 'Да, по этому адресу', 'добавить для куратора'],
        ['say', 'Оля ходит в сад до обеда', 'документы или фото'],
        ['photo', 'Файлов: 1'],
        ['document', 'Файлов: 2'],
        ['press', 'Готово (2)', 'Всё верно?'],
      ]),
      await makeRequest(chat, 'Перевод в детский сад ближе к дому', 'Для какого ребёнка', [
        ['press', 'Оля Иванова', 'ходит сейчас'],
        ['say', 'Детский сад № 5', 'хотите перевести'],
        ['say', 'Сад № 12 или любой в Октябрьском районе', 'С какого числа'],
        ['say', '01.09.2027', 'добавить для куратора'],
        ...noCommentNoFiles,
      ]),
      await makeRequest(chat, 'Бесплатное питание в школе', 'Для какого ребёнка', [
        ['press', 'Петя Иванов', 'В какой школе'],
        ['say', 'Школа № 3', 'В каком классе'],
        ['say', '3 «Б»', 'Что случилось с питанием'],
        ['press', 'Питание было, но прекратилось', 'добавить для куратора'],
        ...noCommentNoFiles,
      ]),
      await makeRequest(chat, 'Помощь психолога', 'Как срочно', [
        ['press', 'Можно в ближайшие дни', 'Для кого нужна помощь психолога'],
        ['press', 'Для ребёнка', 'Как удобнее поговорить'],
        ['press', 'По видеосвязи', 'Когда вам удобно'],
        ['say', 'В будни после 18:00', 'добавить для куратора'],
        ['say', 'Сын плохо спит с тех пор, как папа уехал', 'документы или фото'],
        ['press', 'Пропустить', 'Всё верно?'],
      ]),
      await makeRequest(chat, 'Соцработник для пожилых родственников', 'Кому из родственников', [
        ['press', 'Анна Сергеевна Иванова', 'Адрес из вашего паспорта'],
        ['press', 'Нет, по другому', 'Напишите адрес'],
        ['say', 'с. Казинка, ул. Лесная, д. 4', 'Какая помощь нужна'],
        ['press', 'Продукты и лекарства', 'Как часто'],
        ['press', 'Раз в неделю', 'добавить для куратора'],
        ...noCommentNoFiles,
      ]),
      await makeRequest(chat, 'Работа и обучение', 'Для кого', [
        ['press', 'Для меня', 'Чем занимается человек сейчас'],
        ['say', 'Бухгалтер, 10 лет стажа, сейчас не работаю', 'Какую работу или обучение'],
        ['say', 'Удалённая работа или курсы 1С', 'добавить для куратора'],
        ...noCommentNoFiles,
      ]),
      await makeRequest(chat, 'Юридическая помощь', 'О чём вопрос', [
        ['press', 'Кредиты и долги', 'Коротко опишите'],
        ['say', 'Банк требует платёж, хотя муж мобилизован', 'добавить для куратора'],
        ...noCommentNoFiles,
      ]),
      await makeRequest(chat, 'Медицинская помощь', 'Для кого', [
        ['press', 'Для другого родственника', 'Что нужно'],
        ['say', 'Запись к кардиологу для свекрови', 'добавить для куратора'],
        ...noCommentNoFiles,
      ]),
      await makeRequest(chat, 'Другое', 'своими словами', [
        ['say', 'Нужно наколоть дрова на зиму', 'добавить для куратора'],
        ...noCommentNoFiles,
      ]),
    ];
    for (const message of confirmations) {
      // No name before routing and delivery have decided who gets it (issue 13 §6).
      // The summary they pressed, now with the request's number under it (an edit, not a new message).
      expect(message.text).toMatch(
        /^Проверьте заявку:\n[\s\S]*\n\nЗаявка № \d{4} принята, передаём её куратору\. Куратор свяжется с вами\./,
      );
    }

    const saved = await bot.db
      .select()
      .from(requests)
      .where(eq(requests.familyId, family.id))
      .orderBy(asc(requests.id));
    expect(saved.map((r) => r.category)).toEqual([
      'nanny',
      'kindergarten_transfer',
      'school_meals',
      'psychologist',
      'elderly_care',
      'employment',
      'legal',
      'medical',
      'other',
    ]);
    expect(confirmations.map((m) => m.text?.match(/Заявка № (\d+)/)?.[1])).toEqual(
      saved.map((r) => String(r.number)),
    );
    const schemas = detailsSchemas(regionDate(new Date(), 'Europe/Moscow'));
    for (const request of saved) {
      expect(schemas[request.category].safeParse(request.details).success).toBe(true);
      expect(request).toMatchObject({
        status: 'new',
        priority: 'normal',
        curatorId: bot.seeded.staff.anna.id,
        memberId: expect.any(Number),
      });
      expect(request.takeDeadlineAt).toEqual(
        deadlinesFor(request.category, 'normal', request.createdAt).takeDeadlineAt,
      );
      expect(request.resolveDeadlineAt).toEqual(
        deadlinesFor(request.category, 'normal', request.createdAt).resolveDeadlineAt,
      );
    }
    expect(saved[0]!.details).toMatchObject({
      children: [
        { householdMemberId: expect.any(Number), name: 'Оля Иванова' },
        { householdMemberId: expect.any(Number), name: 'Петя Иванов' },
      ],
      schedule: { kind: 'regular', days: ['mon', 'wed', 'fri'], hours: 'с 8:00 до 13:00' },
      address: 'г. Липецк, ул. Советская, д. 10, кв. 5',
      comment: 'Оля ходит в сад до обеда',
    });
    expect(saved[1]!.details).toMatchObject({ wantedDate: '2027-09-01', child: { name: 'Оля Иванова' } });
    expect(saved[4]!.details).toMatchObject({
      relative: { name: 'Анна Сергеевна Иванова' },
      address: 'с. Казинка, ул. Лесная, д. 4',
      helpKind: 'products_medicines',
      frequency: 'weekly',
    });

    const ids = saved.map((r) => r.id);
    const events = await bot.db.select().from(requestEvents).where(inArray(requestEvents.requestId, ids));
    expect(
      events
        .filter((e) => e.type === 'created')
        .map((e) => e.requestId)
        .sort(),
    ).toEqual([...ids].sort());
    const outboxRows = await bot.db.select().from(outbox).where(eq(outbox.kind, 'request_created'));
    for (const id of ids) {
      expect(outboxRows.filter((row) => row.payload.requestId === id)).toHaveLength(1);
    }
    const files = await bot.db.select().from(attachments).where(eq(attachments.requestId, saved[0]!.id));
    expect(files.map((f) => [f.kind, f.fileName, f.mimeType, f.fileSize]).sort()).toEqual([
      ['document', 'справка.pdf', 'application/pdf', 2048],
      ['photo', null, null, expect.any(Number)],
    ]);
  });

  it('asks for a name when the passport has no children or relatives', async () => {
    const { chat, family } = await registeredFamily('Ольга', false);
    await makeRequest(chat, 'Бесплатное питание в школе', 'пока нет детей', [
      ['say', 'Ваня Смирнов', 'В какой школе'],
      ['say', 'Гимназия № 1', 'В каком классе'],
      ['say', '5 «А»', 'Что случилось с питанием'],
      ['press', 'Питание ещё не назначили', 'добавить для куратора'],
      ...noCommentNoFiles,
    ]);
    const [saved] = await bot.db.select().from(requests).where(eq(requests.familyId, family.id));
    expect(saved?.details).toMatchObject({ child: { householdMemberId: null, name: 'Ваня Смирнов' } });
  });
});

describe('crisis path', () => {
  it('shows the crisis contacts right after «прямо сейчас», before any other question, and saves it urgent', async () => {
    const { chat, family } = await registeredFamily('Светлана');
    bot.emulator.pressReplyButton(chat.userId, 'Нужна помощь');
    await chat.next('С чем нужна помощь');
    await chat.press('Помощь психолога', 'Как срочно');
    const contacts = await chat.press('Нужна помощь прямо сейчас');
    expect(contacts.text).toContain('112');
    expect(contacts.text).toContain('8-800-2000-122');
    // Nothing is saved yet: the contacts do not wait for the request.
    expect(await bot.db.select().from(requests).where(eq(requests.familyId, family.id))).toEqual([]);
    await chat.next('Для кого нужна помощь психолога');
    await chat.press('Для меня', 'Как удобнее');
    await chat.press('По телефону', 'добавить для куратора');
    // No preferred time and no files on the crisis path: straight to the summary.
    await chat.press('Пропустить', 'Всё верно?');
    const done = await chat.press('✅ Отправить куратору', 'принята');
    expect(done.text).toContain('Срочная заявка №');
    expect(done.text).toContain('112');

    const [saved] = await bot.db.select().from(requests).where(eq(requests.familyId, family.id));
    expect(saved).toMatchObject({
      category: 'psychologist',
      priority: 'urgent',
      details: { urgency: 'now', forWhom: 'self', format: 'phone' },
    });
    expect(saved!.takeDeadlineAt.getTime() - saved!.createdAt.getTime()).toBe(15 * 60_000);
    const rows = await bot.db.select().from(outbox).where(eq(outbox.kind, 'request_created'));
    expect(rows.filter((row) => row.payload.requestId === saved!.id)).toHaveLength(1);
  });

  it('changing «прямо сейчас» to planned in the summary asks the preferred time and saves it as normal', async () => {
    const { chat, family } = await registeredFamily('Юлия');
    bot.emulator.pressReplyButton(chat.userId, 'Нужна помощь');
    await chat.next('С чем нужна помощь');
    await chat.press('Помощь психолога', 'Как срочно');
    await chat.press('Нужна помощь прямо сейчас', 'Вы не одни');
    await chat.next('Для кого нужна помощь психолога');
    await chat.press('Для меня', 'Как удобнее');
    await chat.press('В чате', 'добавить для куратора');
    await chat.press('Пропустить', 'Всё верно?');
    await chat.press('✏️ Изменить', 'Что изменить');
    await chat.press('Срочность', 'Как срочно');
    await chat.press('Можно в ближайшие дни', 'Когда вам удобно');
    const summary = await chat.say('Завтра утром', 'Всё верно?');
    expect(summary.text).toContain('Срочность: можно в ближайшие дни');
    expect(summary.text).toContain('Удобное время: Завтра утром');
    const done = await chat.press('✅ Отправить куратору', 'принята');
    expect(done.text).not.toContain('Срочная');
    const [saved] = await bot.db.select().from(requests).where(eq(requests.familyId, family.id));
    expect(saved).toMatchObject({
      priority: 'normal',
      details: { urgency: 'planned', forWhom: 'self', format: 'chat', preferredTime: 'Завтра утром' },
    });
  });
});
