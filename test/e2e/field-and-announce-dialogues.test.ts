import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { announcements, fieldFindings, fieldQuestionnaires, requests } from '../../src/db/schema/index.js';
import { useE2E } from '../helpers/e2e.js';
import { familyChat } from '../helpers/family-dialogue.js';
import { eventually } from '../helpers/pipeline.js';

/**
 * The two dialogues of issue 16 §2 and §4 in the bot, as people meet them on the emulator with Telegram's
 * limits on: a field worker's needs questionnaire whose «нужна помощь» answers become requests at the
 * family's curator, counted in /stats; a supervisor's /announce to the families with school children of
 * their districts, which a family that turned announcements off in «Настройки» does not get.
 */
const bot = useE2E({
  seed: {
    staff: {
      curator: { name: 'Анна Петрова', districts: ['lipetsk-city'] },
      supervisor: { name: 'Ольга Смирнова', districts: ['lipetsk-city'], role: 'supervisor' },
      field: { name: 'Игорь Волков', districts: ['lipetsk-city'], role: 'field' },
    },
    families: {
      pupils: { curator: 'curator', children: [{ fullName: 'Петя', institution: 'school' }] },
      quiet: { curator: 'curator', children: [{ fullName: 'Катя', institution: 'school' }] },
      toddlers: { curator: 'curator', children: [{ fullName: 'Ваня', institution: 'none' }] },
      alone: { curator: 'curator' },
    },
  },
});

describe('a field questionnaire', () => {
  it('makes a request of each «нужна помощь», routed to the curator and counted in /stats', async () => {
    const { staff, families } = bot.seeded;
    const worker = familyChat(bot.emulator, staff.field.chat);
    await worker.say('/field', 'Анкета нужд семьи');
    await worker.say('позвоните мне', 'Не похоже на номер телефона');
    await worker.say(families.pupils.member.phone!, 'Как вы связались с семьёй?');
    await worker.press('🏠 Визит', 'живёт один');
    await worker.press('Нет', 'выходить из дома');
    await worker.press('🆘 Нужна помощь', 'Какая помощь нужна, чтобы передвигаться');
    await worker.say('Сопровождение в поликлинику раз в неделю', 'уход на дому');
    await worker.press('Не нужен', 'Как дела у детей');
    await worker.press('Всё в порядке', 'помощь с работой');
    await worker.press('🆘 Нужна помощь', 'помощь нужна с работой');
    await worker.say('Курсы бухгалтеров для мамы', 'Какая ещё помощь');
    await worker.press('Пропустить', 'Будут созданы 2 заявки куратору семьи');
    const saved = await worker.press('✅ Сохранить', 'Анкета сохранена');
    const numbers = [...(saved.text ?? '').matchAll(/\d{4,}/g)].map((m) => m[0]);
    expect(numbers).toHaveLength(2);

    for (const number of numbers) {
      await eventually(
        async () =>
          bot.emulator
            .messages(staff.curator.chat, { from: 'bot' })
            .some((m) => m.text?.includes(`№ ${number}`) && m.text.includes('Найдено при визите')),
        20_000,
        `the card of № ${number}`,
      );
    }
    const [questionnaire] = await bot.db.select().from(fieldQuestionnaires);
    expect(questionnaire).toMatchObject({ familyId: families.pupils.family.id, staffId: staff.field.id });
    expect(questionnaire!.answers).toMatchObject({ mobility: 'needs_help', employment: 'needs_help' });
    const found = await bot.db
      .select({ topic: fieldFindings.topic, category: requests.category })
      .from(fieldFindings)
      .innerJoin(requests, eq(requests.id, fieldFindings.requestId));
    expect(found.map((f) => f.topic).sort()).toEqual(['employment', 'mobility']);

    // 30 s for each of the sender's messages: the report follows the last copy by up to ~12 s (the worker
    // looks every 10 s), and on a loaded machine the bot's own answers have come after 10 s.
    const supervisor = familyChat(bot.emulator, staff.supervisor.chat, 30_000);
    await supervisor.say(
      '/stats',
      'Анкеты нужд за период: 1; найдено нужд (стали заявками): 2 (передвижение 1, работа и обучение 1)',
    );
  });
  it('is filled in by a curator too: the request comes to their own chat, the questionnaire in their name', async () => {
    const { staff, families } = bot.seeded;
    const curator = familyChat(bot.emulator, staff.curator.chat);
    await curator.say('/field', 'Анкета нужд семьи');
    await curator.say(families.alone.member.phone!, 'Как вы связались с семьёй?');
    await curator.press('📞 Звонок', 'живёт один');
    await curator.press('Да', 'выходить из дома');
    await curator.press('С трудом, но справляется', 'уход на дому');
    await curator.press('🆘 Нужна помощь', 'Какой уход нужен на дому');
    await curator.say('Сиделка два раза в неделю', 'Как дела у детей');
    await curator.press('Детей нет', 'помощь с работой');
    await curator.press('Не ищет работу', 'Какая ещё помощь');
    await curator.press('Пропустить', 'Будет создана 1 заявка куратору семьи');
    const saved = await curator.press('✅ Сохранить', 'Анкета сохранена. Создана заявка №');
    const number = /№ (\d+)/.exec(saved.text ?? '')![1];
    await eventually(
      async () =>
        bot.emulator
          .messages(staff.curator.chat, { from: 'bot' })
          .some((m) => m.text?.includes(`№ ${number}`) && m.text.includes('Найдено при звонке')),
      20_000,
      `the card of № ${number} at the curator`,
    );
    const mine = await bot.db
      .select()
      .from(fieldQuestionnaires)
      .where(eq(fieldQuestionnaires.familyId, families.alone.family.id));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ staffId: staff.curator.id, contact: 'call' });
    expect(mine[0]!.answers).toMatchObject({ living_alone: 'yes', care_at_home: 'needs_help' });
  });
});

describe('an announcement from the bot', () => {
  it('counts, previews and sends to the chosen families only; an opted-out family is skipped', async () => {
    const { staff, families } = bot.seeded;
    const quiet = familyChat(bot.emulator, families.quiet.chat);
    await quiet.say('Настройки', 'Настройки. Что нужно?');
    await quiet.press('Объявления: включены', 'объявления выключены');

    // 30 s for each of the sender's messages: the report follows the last copy by up to ~12 s (the worker
    // looks every 10 s), and on a loaded machine the bot's own answers have come after 10 s.
    const supervisor = familyChat(bot.emulator, staff.supervisor.chat, 30_000);
    await supervisor.say('/announce', 'Напишите текст объявления');
    await supervisor.say(
      'С 1 сентября школьникам положено бесплатное питание. Напишите куратору.',
      'фото или документ',
    );
    await supervisor.press('Пропустить', 'кнопку «Хочу оформить»');
    await supervisor.press('Бесплатное питание в школе', 'Кому отправить?');
    await supervisor.press('Всем моим районам', 'Отправить всем семьям');
    await supervisor.press('Где есть школьники', 'Объявление получит 1 семья (1 человек)');
    const preview = bot.emulator.messages(staff.supervisor.chat, { from: 'bot' }).at(-3)!;
    expect(preview.text).toContain('бесплатное питание');
    expect(preview.text).toContain('«Настройки» → «Объявления»');
    expect(bot.emulator.messages(staff.supervisor.chat, { from: 'bot' }).at(-2)!.text).toContain(
      'Под объявлением будет кнопка «Хочу оформить»',
    );
    await supervisor.press('✅ Отправить', 'Объявление принято: 1 получатель');

    // «Хочу оформить» under the family's copy opens the request of the measure's category.
    const pupils = familyChat(bot.emulator, families.pupils.chat);
    const copy = await pupils.next('бесплатное питание');
    expect(copy.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['Хочу оформить']);
    await pupils.press('Хочу оформить', 'Для какого ребёнка?');
    await eventually(
      async () => (await bot.db.select().from(announcements)).every((a) => a.finishedAt !== null),
      30_000,
      'the announcement finished',
    );
    await supervisor.next('Отчёт об объявлении');
    for (const other of [families.quiet, families.toddlers])
      expect(
        bot.emulator
          .messages(other.chat, { from: 'bot' })
          .some((m) => m.text?.includes('бесплатное питание')),
      ).toBe(false);
  });

  it('carries a photo or a document: the families get the file with the text and the footer as its caption', async () => {
    const { staff, families } = bot.seeded;
    // 30 s for each of the sender's messages: the report follows the last copy by up to ~12 s (the worker
    // looks every 10 s), and on a loaded machine the bot's own answers have come after 10 s.
    const supervisor = familyChat(bot.emulator, staff.supervisor.chat, 30_000);
    const withCaption = (userId: number, fragment: string) =>
      bot.emulator.waitForMessage(userId, (m) => (m.caption ?? '').includes(fragment), 30_000);
    const sends = [
      {
        kind: 'photo',
        text: 'Афиша праздника для детей в субботу.',
        send: () => bot.emulator.sendPhoto(staff.supervisor.chat),
      },
      {
        kind: 'document',
        text: 'Памятка о выплатах семьям: прочитайте до конца месяца.',
        send: () =>
          bot.emulator.sendDocument(staff.supervisor.chat, {
            file_name: 'памятка.pdf',
            mime_type: 'application/pdf',
          }),
      },
    ] as const;
    for (const { kind, text, send } of sends) {
      await supervisor.say('/announce', 'Напишите текст объявления');
      await supervisor.say(text, 'фото или документ');
      send();
      await supervisor.next('Получили. Файлов: 1');
      await supervisor.press('Готово (1)', 'кнопку «Хочу оформить»');
      await supervisor.press('Без кнопки', 'Кому отправить?');
      await supervisor.press('Всем моим районам', 'Отправить всем семьям');
      await supervisor.press('Где есть школьники', 'Объявление получит 1 семья (1 человек)');
      const preview = bot.emulator
        .messages(staff.supervisor.chat, { from: 'bot' })
        .findLast((m) => (m.caption ?? '').includes(text))!;
      expect(preview[kind]).toBeTruthy();
      expect(preview.caption).toContain('«Настройки» → «Объявления»');
      const beforeSend = bot.emulator.messages(staff.supervisor.chat).at(-1)?.message_id ?? 0;
      await supervisor.press('✅ Отправить', 'Объявление принято: 1 получатель');

      const copy = await withCaption(families.pupils.chat, text);
      expect(copy[kind]).toBeTruthy();
      expect(copy.caption).toContain('«Настройки» → «Объявления»');
      // To one family the report may come before the bot's «принято» (the copy goes at once): either order.
      await bot.emulator.waitForMessage(
        staff.supervisor.chat,
        (m) => (m.text ?? '').includes('Отчёт об объявлении'),
        30_000,
        { afterMessageId: beforeSend },
      );
      expect(
        bot.emulator.messages(families.quiet.chat, { from: 'bot' }).some((m) => m.caption?.includes(text)),
      ).toBe(false);
    }
  });
});
