import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { messages, requestEvents, requests } from '../../src/db/schema/index.js';
import { ratingPrompt } from '../../src/features/requests/requests.keyboards.js';
import { createRequest } from '../../src/features/requests/requests.usecases.js';
import { createI18n } from '../../src/i18n.js';
import type { CallbackAnswer, StoredMessage } from '../../src/sandbox/emulator/types.js';
import { useE2E } from '../helpers/e2e.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { familyChat } from '../helpers/family-dialogue.js';

const bot = useE2E({
  pipeline: false,
  seed: { staff: { anna: { name: 'Анна Петрова', districts: ['lipetsk-city'] } } },
});
let serial = 0;

async function registeredFamily(name: string) {
  const user = bot.emulator.createUser({ first_name: name, language_code: 'ru' });
  const family = await createRegisteredFamily(bot.db, {
    telegramId: user.id,
    curatorId: bot.seeded.staff.anna.id,
  });
  const chat = familyChat(bot.emulator, user.id);
  await chat.say('/menu', 'Главное меню');
  return { user, chat, ...family };
}

/** A request saved the way a confirmed dialogue saves it. */
async function savedRequest(family: { family: { id: number }; member: { id: number } }, text: string) {
  serial += 1;
  const result = await createRequest(
    { db: bot.db, timeZone: 'Europe/Moscow' },
    {
      familyId: family.family.id,
      memberId: family.member.id,
      submissionKey: `test-key-${serial}-${Date.now()}`,
      draft: { category: 'other', details: { text } },
      attachments: [],
    },
  );
  if (!result.ok) throw new Error('request not saved');
  return result.request;
}

/** Presses a button on a message the bot edits in place (list → card → …) and returns the new version. */
async function pressInPlace(userId: number, message: StoredMessage, label: string): Promise<StoredMessage> {
  const edited = bot.emulator.waitForEdit(userId, message.message_id);
  bot.emulator.pressButtonByText(userId, message.message_id, label);
  return edited;
}

const buttonsOf = (message: StoredMessage) =>
  message.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];
const lastCallbackAnswer = () => bot.emulator.callbackAnswers().at(-1);

describe('«Мои заявки»', () => {
  it('lists the family’s requests newest first, five to a page, with their status', async () => {
    const family = await registeredFamily('Мария');
    const made = [];
    for (let i = 1; i <= 7; i++) made.push(await savedRequest(family, `Просьба ${i}`));
    // Routed, not taken: its card may still be queued, or it went to the supervisors (no curator yet).
    await bot.db
      .update(requests)
      .set({ status: 'assigned', curatorId: null })
      .where(eq(requests.id, made[5]!.id));
    bot.emulator.pressReplyButton(family.user.id, 'Мои заявки');
    const list = await family.chat.next('Ваши заявки');
    expect(list.text).toContain('страница 1 из 2');
    expect(list.text).toContain(`№ ${made[6]!.number} · Другое — принята`);
    expect(list.text).toContain(`№ ${made[5]!.number} · Другое — ждёт, когда её возьмут в работу`);
    expect(list.text).not.toContain(`№ ${made[1]!.number} `);
    expect(buttonsOf(list)).toEqual([
      ...made
        .slice(2)
        .reverse()
        .map((r) => `№ ${r.number} · Другое`),
      'Далее →',
    ]);

    const second = await pressInPlace(family.user.id, list, 'Далее →');
    expect(second.text).toContain('страница 2 из 2');
    expect(buttonsOf(second)).toEqual([
      `№ ${made[1]!.number} · Другое`,
      `№ ${made[0]!.number} · Другое`,
      '← Назад',
    ]);
  });

  it('shows a card with details, history in the region’s time and the curator’s messages', async () => {
    const family = await registeredFamily('Ирина');
    const request = await savedRequest(family, 'Помогите с дровами');
    await bot.db.insert(requestEvents).values({
      requestId: request.id,
      type: 'taken',
      actorKind: 'staff',
      actorStaffId: bot.seeded.staff.anna.id,
      createdAt: new Date('2026-03-10T09:05:00Z'),
    });
    await bot.db.insert(messages).values({
      requestId: request.id,
      familyId: family.family.id,
      direction: 'staff_to_family',
      senderStaffId: bot.seeded.staff.anna.id,
      kind: 'text',
      text: 'Здравствуйте! Завтра приедут волонтёры.',
      createdAt: new Date('2026-03-10T09:10:00Z'),
    });
    bot.emulator.pressReplyButton(family.user.id, 'Мои заявки');
    const list = await family.chat.next('Ваши заявки');
    const card = await pressInPlace(family.user.id, list, `№ ${request.number} · Другое`);
    expect(card.text).toContain(`Заявка № ${request.number} · Другое`);
    expect(card.text).toContain('Запрос: Помогите с дровами');
    expect(card.text).toContain('Куратор: Анна Петрова');
    // 09:05 UTC is 12:05 in Moscow.
    expect(card.text).toContain('10.03.2026, 12:05 — взята в работу, ею занимается куратор Анна Петрова');
    expect(card.text).toContain('10.03.2026, 12:10, Анна Петрова: Здравствуйте! Завтра приедут волонтёры.');
    expect(buttonsOf(card)).toEqual(['Отменить заявку', '← Все заявки']);
  });

  it('cancels an open request after a confirmation', async () => {
    const family = await registeredFamily('Татьяна');
    const request = await savedRequest(family, 'Уже не нужно');
    bot.emulator.pressReplyButton(family.user.id, 'Мои заявки');
    const list = await family.chat.next('Ваши заявки');
    const card = await pressInPlace(family.user.id, list, `№ ${request.number} · Другое`);
    const question = await pressInPlace(family.user.id, card, 'Отменить заявку');
    expect(question.text).toContain(`Отменить заявку № ${request.number}?`);
    const after = await pressInPlace(family.user.id, question, 'Да, отменить');
    expect(lastCallbackAnswer()?.text).toBe('Заявка отменена.');
    expect(after.text).toContain('Статус: отменена вами');
    expect(after.text).toContain('вы отменили заявку');
    expect(buttonsOf(after)).toEqual(['← Все заявки']);
    const [row] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(row?.status).toBe('cancelled');
    const events = await bot.db.select().from(requestEvents).where(eq(requestEvents.requestId, request.id));
    expect(events.map((e) => e.type)).toEqual(['created', 'cancelled']);
  });

  it('reopens a request resolved within 7 days, not an older one', async () => {
    const family = await registeredFamily('Елена');
    const recent = await savedRequest(family, 'Решили вчера');
    const old = await savedRequest(family, 'Решили давно');
    await bot.db
      .update(requests)
      .set({ status: 'resolved', resolvedAt: new Date(Date.now() - 24 * 3_600_000) })
      .where(eq(requests.id, recent.id));
    await bot.db
      .update(requests)
      .set({ status: 'resolved', resolvedAt: new Date(Date.now() - 8 * 24 * 3_600_000) })
      .where(eq(requests.id, old.id));

    bot.emulator.pressReplyButton(family.user.id, 'Мои заявки');
    const list = await family.chat.next('Ваши заявки');
    const oldCard = await pressInPlace(family.user.id, list, `№ ${old.number} · Другое`);
    expect(buttonsOf(oldCard)).not.toContain('Проблема не решена — вернуть в работу');
    // A forged «reopen» for the old one changes nothing either.
    const refused = nextCallbackAnswer();
    bot.emulator.pressButton(family.user.id, oldCard.message_id, `req:${old.id}:reopen`);
    expect((await refused).text).toContain('не позже чем через 7 дней');

    const back = await pressInPlace(family.user.id, oldCard, '← Все заявки');
    const card = await pressInPlace(family.user.id, back, `№ ${recent.number} · Другое`);
    const reopened = await pressInPlace(family.user.id, card, 'Проблема не решена — вернуть в работу');
    expect(reopened.text).toContain('Статус: в работе');
    expect(reopened.text).toContain('вы вернули заявку в работу');
    const rows = await bot.db.select().from(requests).where(eq(requests.familyId, family.family.id));
    expect(rows.find((r) => r.id === recent.id)?.status).toBe('in_progress');
    expect(rows.find((r) => r.id === old.id)?.status).toBe('resolved');
  });

  it('takes a rating 1–5 with an optional comment for a resolved request', async () => {
    const family = await registeredFamily('Наталья');
    const request = await savedRequest(family, 'Нужна консультация');
    await bot.db
      .update(requests)
      .set({ status: 'resolved', resolvedAt: new Date() })
      .where(eq(requests.id, request.id));
    // What the curator workspace sends when a curator resolves a request.
    const prompt = ratingPrompt(createI18n().forLanguage('ru'), request);
    const sent = await fetch(`${bot.emulator.apiRoot}/bot${bot.config.botToken}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: family.user.id, text: prompt.text, reply_markup: prompt.reply_markup }),
    });
    expect(sent.ok).toBe(true);
    const question = await family.chat.next('Оцените');
    await family.chat.press('4 ⭐', 'Хотите что-то добавить');
    expect(lastCallbackAnswer()?.text).toBe('Ваша оценка: 4 из 5.');
    expect(
      buttonsOf(bot.emulator.messages(family.user.id).find((m) => m.message_id === question.message_id)!),
    ).toEqual([]);
    await family.chat.say('Всё быстро, спасибо куратору', 'отзыв по заявке');
    const [row] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(row).toMatchObject({ rating: 4, ratingComment: 'Всё быстро, спасибо куратору' });
    const events = await bot.db.select().from(requestEvents).where(eq(requestEvents.requestId, request.id));
    expect(events.map((e) => [e.type, e.data.rating])).toEqual([
      ['created', undefined],
      ['rated', 4],
    ]);
  });
});

describe('another family’s request', () => {
  it('is never shown or changed, even by a forged button', async () => {
    const owner = await registeredFamily('Вера');
    const stranger = await registeredFamily('Зоя');
    const foreign = await savedRequest(owner, 'Личная просьба Веры');
    await savedRequest(stranger, 'Своя просьба');
    bot.emulator.pressReplyButton(stranger.user.id, 'Мои заявки');
    const list = await stranger.chat.next('Ваши заявки');
    expect(list.text).not.toContain(`№ ${foreign.number}`);

    for (const action of ['open', 'cancel', 'cancel_yes', 'reopen', 'rate:5']) {
      const answer = nextCallbackAnswer();
      bot.emulator.pressButton(stranger.user.id, list.message_id, `req:${foreign.id}:${action}`);
      expect((await answer).text).toBe('Такой заявки нет среди ваших.');
    }
    const current = bot.emulator.messages(stranger.user.id).find((m) => m.message_id === list.message_id);
    expect(current?.text).toBe(list.text);
    expect(JSON.stringify(bot.emulator.messages(stranger.user.id))).not.toContain('Личная просьба Веры');
    const [row] = await bot.db.select().from(requests).where(eq(requests.id, foreign.id));
    expect(row).toMatchObject({ status: 'new', rating: null });
    const events = await bot.db.select().from(requestEvents).where(eq(requestEvents.requestId, foreign.id));
    expect(events.map((e) => e.type)).toEqual(['created']);
  });

  it('refuses malformed request buttons without touching anything', async () => {
    const family = await registeredFamily('Дарья');
    await savedRequest(family, 'Просьба');
    bot.emulator.pressReplyButton(family.user.id, 'Мои заявки');
    const list = await family.chat.next('Ваши заявки');
    for (const data of ['req:abc:open', 'req:1:drop_table', 'req:1:rate:9', 'reqs:page:-1']) {
      const answer = nextCallbackAnswer();
      bot.emulator.pressButton(family.user.id, list.message_id, data);
      expect((await answer).text).toBe(
        'Эта кнопка уже не действует. Ответьте, пожалуйста, на последний вопрос.',
      );
    }
  });
});

/** The answer to the next button press (the pop-up a person sees), subscribed before pressing. */
function nextCallbackAnswer(): Promise<CallbackAnswer> {
  return new Promise((resolve) => {
    const off = bot.emulator.onEvent((event) => {
      if (event.type === 'callback_answer') {
        off();
        resolve(event.answer);
      }
    });
  });
}
