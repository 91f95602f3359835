import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { messages, notifications, requestEvents, requests } from '../../src/db/schema/index.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { useE2E } from '../helpers/e2e.js';
import { familyChat } from '../helpers/family-dialogue.js';
import { eventually } from '../helpers/pipeline.js';
import { createConfirmedRequest } from '../helpers/routing-factories.js';

/**
 * Issue 5's first two acceptance items, end to end through the emulator with real PostgreSQL and Redis:
 * a family makes a request, the curator takes it, they write five messages each way (a photo and a
 * document from each side among them), the curator resolves it, the family rates it; the database holds
 * the whole history in order with both sides' message ids; a reply to the third relayed family message
 * threads to the right request although the family has another one open.
 */
const bot = useE2E();

const WAIT = 15_000;
const body = (m: StoredMessage) => m.text ?? m.caption ?? '';
const buttonsOf = (m: StoredMessage) => m.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];

/**
 * Every copy recorded as sent. A person replies seconds after reading; the emulator shows a copy a moment
 * before the worker commits its id, so a test waits for that commit before replying to it.
 */
const delivered = () =>
  eventually(
    async () =>
      (await bot.db.select().from(notifications).where(eq(notifications.status, 'pending'))).length === 0,
    WAIT,
    'every notification sent',
  );

describe('a request talked through between the family and the curator', () => {
  it('five messages each way, resolved and rated; the history in order with both message ids', async () => {
    const {
      staff: { curator },
      families: { maria },
    } = await bot.seed({
      staff: { curator: { name: 'Анна Петрова', districts: ['gryazi'] } },
      families: { maria: { curator: 'curator', memberName: 'Мария Иванова' } },
    });
    const { family, member } = maria;
    const F = maria.chat;
    const C = curator.chat;
    const chat = familyChat(bot.emulator, F, WAIT);
    const toCurator = (contains: string) =>
      bot.emulator.waitForMessage(C, (m) => body(m).includes(contains), WAIT);
    const toFamily = (contains: string) =>
      bot.emulator.waitForMessage(F, (m) => body(m).includes(contains), WAIT);

    // The family asks for help through the bot.
    await chat.say('/menu');
    bot.emulator.pressReplyButton(F, 'Нужна помощь');
    await chat.next('С чем нужна помощь');
    await chat.press('Другое', 'своими словами');
    await chat.say('Нужно наколоть дрова на зиму', 'добавить для куратора');
    await chat.press('Пропустить', 'документы или фото');
    await chat.press('Пропустить', 'Всё верно?');
    const accepted = await chat.press('✅ Отправить куратору', 'принята');
    const number = Number(/№ (\d+)/.exec(accepted.text ?? '')?.[1]);
    const [request] = await bot.db.select().from(requests).where(eq(requests.number, number));
    expect(request).toBeDefined();
    const label = `№ ${number}`;

    // The card reaches the curator with «Ответить»; the curator takes the request.
    const card = await toCurator(`Новая заявка ${label}`);
    expect(buttonsOf(card)).toEqual(['Взять в работу', 'Ответить', 'Карточка семьи']);
    const taken = bot.emulator.waitForEdit(C, card.message_id, WAIT);
    bot.emulator.pressButtonByText(C, card.message_id, 'Взять в работу');
    expect(buttonsOf(await taken)).toEqual([
      'Ответить',
      'Ждём ответа семьи',
      'Решена',
      'Отклонить',
      'Карточка семьи',
    ]);
    await toFamily('взяли в работу');

    // A second open request of the same family: the threading below must not confuse the two.
    const other = await createConfirmedRequest(bot.db, { familyId: family.id, memberId: member.id });
    await toCurator(`Новая заявка № ${other.number}`);

    // 1. Curator → family: a Telegram reply to the card.
    bot.emulator.sendText(C, 'Здравствуйте, Мария! Когда вам удобно, чтобы пришли?', {
      replyTo: card.message_id,
    });
    expect((await toCurator('Передаём семье')).text).toBe(`Передаём семье · заявка ${label}.`);
    const c1 = await toFamily('Когда вам удобно');
    expect(c1.text).toBe(
      `💬 Куратор Анна Петрова · заявка ${label}\n\nЗдравствуйте, Мария! Когда вам удобно, чтобы пришли?`,
    );
    expect(c1.forward_origin).toBeUndefined();
    expect(buttonsOf(c1)).toEqual(['Ответить куратору']);

    // 2. Family → curator: a Telegram reply to that message.
    await delivered();
    bot.emulator.sendText(F, 'В субботу после обеда.', { replyTo: c1.message_id });
    expect((await chat.next('Передаём куратору')).text).toBe(
      `Передаём куратору (заявка ${label}). Ответ придёт сюда, в этот чат.`,
    );
    const f1 = await toCurator('В субботу после обеда');
    expect(f1.text).toBe(`💬 Мария Иванова · заявка ${label}\n\nВ субботу после обеда.`);
    expect(buttonsOf(f1)).toEqual(['Ответить']);

    // 3. Curator → family: «Ответить» on the card, then a photo.
    bot.emulator.pressButtonByText(C, card.message_id, 'Ответить');
    expect((await toCurator('Следующее ваше сообщение')).text).toContain(`семье по заявке ${label}`);
    bot.emulator.sendPhoto(C, { caption: 'Вот так выглядит наш волонтёр.' });
    await toCurator('Передаём семье');
    const c2 = await toFamily('волонтёр');
    expect(c2.photo).toBeDefined();
    expect(c2.caption).toBe(`💬 Куратор Анна Петрова · заявка ${label}\n\nВот так выглядит наш волонтёр.`);

    // 4. Family → curator: a photo, as a reply.
    await delivered();
    bot.emulator.sendPhoto(F, { caption: 'А это наш двор.', replyTo: c2.message_id });
    await chat.next('Передаём куратору');
    const f2 = await toCurator('наш двор');
    expect(f2.photo).toBeDefined();
    expect(f2.caption).toBe(`💬 Мария Иванова · заявка ${label}\n\nА это наш двор.`);

    // 5. Curator → family: a document, replying to the family's photo.
    await delivered();
    bot.emulator.sendDocument(C, {
      file_name: 'памятка.pdf',
      caption: 'Памятка для семьи.',
      replyTo: f2.message_id,
    });
    await toCurator('Передаём семье');
    const c3 = await toFamily('Памятка для семьи');
    expect(c3.document?.file_name).toBe('памятка.pdf');

    // 6. Family → curator: «Написать куратору», the request, then a document.
    bot.emulator.pressReplyButton(F, 'Написать куратору');
    const topics = await chat.next('О чём вы хотите написать');
    expect(topics.text).toContain('Ваш куратор — Анна Петрова');
    expect(buttonsOf(topics)).toEqual([`№ ${number} · Другое`, `№ ${other.number} · Няня`, 'Общий вопрос']);
    await chat.press(`№ ${number} · Другое`, 'Напишите сообщение куратору');
    bot.emulator.sendDocument(F, { file_name: 'справка.pdf', caption: 'Справка из части.' });
    await chat.next('Передаём куратору');
    const f3 = await toCurator('Справка из части');
    expect(f3.document?.file_name).toBe('справка.pdf');
    expect(f3.caption).toContain(`заявка ${label}`);

    // 7. Curator → family: a reply to the family's third message (the document) threads to this request.
    await delivered();
    bot.emulator.sendText(C, 'Спасибо, справку получила.', { replyTo: f3.message_id });
    await toCurator('Передаём семье');
    const c4 = await toFamily('справку получила');
    expect(c4.text).toContain(`заявка ${label}`);
    expect(c4.reply_to_message?.message_id).toBeDefined();

    // 8. Family → curator: still writing about the request they chose (no reply needed).
    bot.emulator.sendText(F, 'Хорошо, ждём.');
    await chat.next('Передаём куратору');
    await toCurator('Хорошо, ждём.');
    bot.emulator.pressReplyButton(F, 'Мои заявки');
    await chat.next();

    // 9. Curator → family; 10. family → curator, replying to the curator's third message.
    await delivered();
    bot.emulator.sendText(C, 'Волонтёр придёт в субботу в 14:00.', { replyTo: f2.message_id });
    await toCurator('Передаём семье');
    await toFamily('в субботу в 14:00');
    await delivered();
    bot.emulator.sendText(F, 'Спасибо большое!', { replyTo: c3.message_id });
    await chat.next('Передаём куратору');
    await toCurator('Спасибо большое!');

    // The curator resolves it; the family rates it.
    bot.emulator.pressButtonByText(C, card.message_id, 'Решена');
    await toCurator('комментарий для семьи');
    bot.emulator.sendText(C, 'Дрова накололи.');
    await toCurator('решена');
    const told = await toFamily('Комментарий куратора (Анна Петрова): Дрова накололи.');
    bot.emulator.pressButtonByText(F, told.message_id, '5 ⭐');
    await eventually(
      async () => (await bot.db.select().from(requests).where(eq(requests.id, request!.id)))[0]?.rating === 5,
      WAIT,
      'the rating',
    );

    // The database: every relayed message in order, with both sides' chat and message ids.
    const rows = await eventually(
      async () => {
        const all = await bot.db
          .select()
          .from(messages)
          .where(eq(messages.requestId, request!.id))
          .orderBy(asc(messages.id));
        const relayed = all.slice(0, 10);
        return relayed.length === 10 &&
          relayed.every((r) => r.familyMessageId !== null && r.staffMessageId !== null)
          ? all
          : undefined;
      },
      WAIT,
      'both message ids on every relayed message',
    );
    expect(rows.map((r) => [r.direction, r.kind])).toEqual([
      ['staff_to_family', 'text'],
      ['family_to_staff', 'text'],
      ['staff_to_family', 'photo'],
      ['family_to_staff', 'photo'],
      ['staff_to_family', 'document'],
      ['family_to_staff', 'document'],
      ['staff_to_family', 'text'],
      ['family_to_staff', 'text'],
      ['staff_to_family', 'text'],
      ['family_to_staff', 'text'],
      ['staff_to_family', 'text'],
    ]);
    expect(rows[10]!.text).toBe('Дрова накололи.');
    for (const row of rows.slice(0, 10)) {
      expect(row.familyChatId).toBe(F);
      expect(row.staffChatId).toBe(C);
    }
    expect(rows[0]).toMatchObject({ familyMessageId: c1.message_id, staffMessageId: expect.any(Number) });
    expect(rows[1]).toMatchObject({ familyMessageId: expect.any(Number), staffMessageId: f1.message_id });
    expect(rows[5]).toMatchObject({ staffMessageId: f3.message_id, text: 'Справка из части.' });
    expect(
      rows
        .slice(0, 10)
        .every((r) => r.senderStaffId === (r.direction === 'staff_to_family' ? curator.id : null)),
    ).toBe(true);
    // Nothing of this dialogue went to the other request.
    const onOther = await bot.db.select().from(messages).where(eq(messages.requestId, other.id));
    expect(onOther).toEqual([]);

    const history = await bot.db
      .select()
      .from(requestEvents)
      .where(eq(requestEvents.requestId, request!.id))
      .orderBy(asc(requestEvents.id));
    expect(history.map((e) => e.type)).toEqual([
      'created',
      'assigned',
      'taken',
      ...Array<string>(10).fill('message'),
      'status_changed',
      'rated',
    ]);
    expect(history.slice(3, 13).map((e) => e.data.messageId)).toEqual(rows.slice(0, 10).map((r) => r.id));
  });
});
