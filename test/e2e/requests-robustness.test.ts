import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { readDialoguePrompt } from '../../src/bot/dialogue/storage.js';
import { outbox, requests } from '../../src/db/schema/index.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { useE2E } from '../helpers/e2e.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { type FamilyChat, familyChat } from '../helpers/family-dialogue.js';
import { eventually } from '../helpers/pipeline.js';

const bot = useE2E({
  pipeline: false,
  seed: { staff: { anna: { name: 'Анна Петрова', districts: ['lipetsk-city'] } } },
});

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

/** An «Другое» request with this text, no comment and no files, up to its summary «Всё верно?». */
async function otherRequestToSummary(chat: FamilyChat, text: string) {
  await startCategory(chat, 'Другое', 'своими словами');
  await chat.say(text, 'добавить для куратора');
  await chat.press('Пропустить', 'документы или фото');
  return chat.press('Пропустить', 'Всё верно?');
}

async function startCategory(chat: FamilyChat, category: string, firstQuestion: string) {
  bot.emulator.pressReplyButton(chat.userId, 'Нужна помощь');
  const categories = await chat.next('С чем нужна помощь');
  const question = await chat.press(category, firstQuestion);
  return { categories, question };
}

/** The wrong answer gets the hint, then exactly the same question again. */
async function expectHintThenSameQuestion(chat: FamilyChat, question: StoredMessage, hint: string) {
  expect((await chat.next()).text).toContain(hint);
  const again = await chat.next();
  expect(again.text).toBe(question.text);
  return again;
}

const requestsOf = (familyId: number) =>
  bot.db.select().from(requests).where(eq(requests.familyId, familyId));

describe('request dialogues never dead-end', () => {
  it('a photo, sticker, voice or location where text is expected gets a hint and the same question', async () => {
    const { user, chat, family } = await registeredFamily('Мария');
    await startCategory(chat, 'Юридическая помощь', 'О чём вопрос');
    const description = await chat.press('Документы', 'Коротко опишите');
    let current = description;
    for (const send of [
      () => bot.emulator.sendPhoto(user.id),
      () => bot.emulator.sendSticker(user.id),
      () => bot.emulator.sendVoice(user.id),
      () => bot.emulator.sendLocation(user.id, { latitude: 52.6, longitude: 39.6 }),
    ]) {
      send();
      current = await expectHintThenSameQuestion(chat, current, 'ответьте текстом');
    }
    bot.emulator.sendText(user.id, 'x'.repeat(1001));
    await expectHintThenSameQuestion(chat, current, 'уложитесь в 1\u00a0000 символов');
    await chat.say('Не выдают свидетельство о рождении', 'добавить для куратора');
    await chat.press('Пропустить', 'документы или фото');
    await chat.press('Пропустить', 'Всё верно?');
    await chat.press('✅ Отправить куратору', 'принята');
    const saved = await requestsOf(family.id);
    expect(saved).toHaveLength(1);
    expect(saved[0]?.details).toEqual({
      topic: 'documents',
      description: 'Не выдают свидетельство о рождении',
    });
  });

  it('an overlong short answer, a typed answer to buttons and a sticker there get hints', async () => {
    const { user, chat } = await registeredFamily('Ирина');
    const { question } = await startCategory(chat, 'Бесплатное питание в школе', 'Для какого ребёнка');
    bot.emulator.sendSticker(user.id);
    await expectHintThenSameQuestion(chat, question, 'выберите вариант кнопкой');
    bot.emulator.sendText(user.id, 'Оля');
    await expectHintThenSameQuestion(chat, question, 'выберите вариант кнопкой');
    const school = await chat.press('Оля Иванова', 'В какой школе');
    bot.emulator.sendText(user.id, 'Школа '.repeat(40));
    await expectHintThenSameQuestion(chat, school, 'уложитесь в 200 символов');
    const schoolClass = await chat.say('Школа № 3', 'В каком классе');
    bot.emulator.sendText(user.id, '3 «Б» класс, классный руководитель Мария Ивановна');
    await expectHintThenSameQuestion(chat, schoolClass, 'уложитесь в 20 символов');
  });

  it('an impossible date, a past date and a date over a year ahead get hints and the same question', async () => {
    const { chat, family } = await registeredFamily('Ольга');
    await startCategory(chat, 'Перевод в детский сад ближе к дому', 'Для какого ребёнка');
    await chat.press('Оля Иванова', 'ходит сейчас');
    await chat.say('Сад № 5', 'хотите перевести');
    const date = await chat.say('Сад № 12', 'С какого числа');
    bot.emulator.sendText(chat.userId, '31.02.2027');
    await expectHintThenSameQuestion(chat, date, 'Такой даты нет');
    bot.emulator.sendText(chat.userId, '01.09.2020');
    await expectHintThenSameQuestion(chat, date, 'Эта дата уже прошла');
    bot.emulator.sendText(chat.userId, '01.09.2099');
    expect((await chat.next()).text).toContain('слишком далеко');
    expect((await chat.next()).text).toBe(date.text);
    expect(await requestsOf(family.id)).toEqual([]);
  });

  it('a stale button from an earlier question gets a hint and the current question again', async () => {
    const { user, chat } = await registeredFamily('Елена');
    const { categories, question } = await startCategory(chat, 'Медицинская помощь', 'Для кого');
    // The category keyboard was taken off after the choice; an old client may still press its data.
    const staleData = bot.emulator
      .injectedUpdates()
      .map((update) => update.callback_query)
      .filter((query) => query?.message?.message_id === categories.message_id)
      .at(-1)?.data;
    expect(staleData).toBeDefined();
    bot.emulator.pressButton(user.id, categories.message_id, staleData!);
    await expectHintThenSameQuestion(chat, question, 'Эта кнопка уже не действует');
    // A forged press of another request's button in the middle of a dialogue changes nothing either.
    bot.emulator.pressButton(user.id, question.message_id, 'req:999999:cancel_yes');
    await expectHintThenSameQuestion(chat, question, 'Эта кнопка уже не действует');
    await chat.press('Для меня', 'Что нужно');
  });

  it('the weekday keyboard wants at least one day, and a typed answer there gets a hint', async () => {
    const { user, chat } = await registeredFamily('Алла');
    await startCategory(chat, 'Няня', 'С кем из детей');
    const days = await chat
      .press('Оля Иванова', 'один раз или регулярно')
      .then(() => chat.press('Регулярно', 'По каким дням'));
    bot.emulator.sendText(user.id, 'пн и ср');
    expect((await chat.next()).text).toContain('Отметьте дни кнопками');
    const again = await chat.next();
    expect(again.text).toBe(days.text);
    expect(
      bot.emulator.messages(user.id).find((m) => m.message_id === days.message_id)?.reply_markup,
    ).toBeUndefined();
    const answer = new Promise<string | undefined>((resolve) => {
      const off = bot.emulator.onEvent((event) => {
        if (event.type === 'callback_answer') {
          off();
          resolve(event.answer.text);
        }
      });
    });
    bot.emulator.pressButtonByText(user.id, again.message_id, 'Готово');
    expect(await answer).toBe('Отметьте хотя бы один день.');
    const edited = bot.emulator.waitForEdit(user.id, again.message_id);
    bot.emulator.pressButtonByText(user.id, again.message_id, 'Вт');
    expect(JSON.stringify((await edited).reply_markup)).toContain('✓ Вт');
    bot.emulator.pressButtonByText(user.id, again.message_id, 'Готово');
    await chat.next('В какие часы');
  });

  it('«Нужна помощь» typed by someone not registered points to /start and saves nothing', async () => {
    const user = bot.emulator.createUser({ first_name: 'Гость', language_code: 'ru' });
    const chat = familyChat(bot.emulator, user.id);
    expect((await chat.say('Нужна помощь')).text).toContain('/start');
    expect((await chat.say('Мои заявки')).text).toContain('/start');
  });

  it('a double press of «Отправить» saves one request with one outbox row', async () => {
    const { user, chat, family } = await registeredFamily('Татьяна');
    const summary = await otherRequestToSummary(chat, 'Нужна помощь с ремонтом крыльца');
    const send = summary.reply_markup?.inline_keyboard.flat().find((b) => b.text === '✅ Отправить куратору');
    const data = send && 'callback_data' in send ? send.callback_data : undefined;
    expect(data).toBeDefined();
    bot.emulator.pressButton(user.id, summary.message_id, data!);
    bot.emulator.pressButton(user.id, summary.message_id, data!);
    await chat.nextOrEdited('принята', summary);
    // Whatever the second press produced, it came before the answer to this later message.
    await chat.say('/menu', 'Главное меню');
    const saved = await requestsOf(family.id);
    expect(saved).toHaveLength(1);
    const rows = await bot.db.select().from(outbox).where(eq(outbox.kind, 'request_created'));
    expect(rows.filter((row) => row.payload.requestId === saved[0]!.id)).toHaveLength(1);
    const confirmations = bot.emulator
      .messages(user.id, { from: 'bot' })
      .filter((m) => m.text?.includes('принята'));
    expect(confirmations).toHaveLength(1);
  });

  it('«Отправить» turns the summary into the request sent; a summary gone from the chat gets «принята» as a message', async () => {
    const { user, chat, family } = await registeredFamily('Галина');
    const summary = await otherRequestToSummary(chat, 'Нужна помощь с ремонтом забора');
    const accepted = await chat.press('✅ Отправить куратору', 'принята');
    // One message: the summary itself, without its question and buttons, the number under it.
    expect(accepted.message_id).toBe(summary.message_id);
    const [saved] = await requestsOf(family.id);
    expect(accepted.text).toBe(
      `${summary.text!.replace('\n\nВсё верно?', '')}\n\nЗаявка № ${saved!.number} принята, передаём её куратору. Куратор свяжется с вами.\nСледить за заявкой можно в разделе «Мои заявки».`,
    );
    expect(accepted.reply_markup).toBeUndefined();

    // The second request's summary is deleted from the chat before the press reaches the bot.
    const second = await otherRequestToSummary(chat, 'И ещё нужна помощь с дровами');
    const send = second.reply_markup?.inline_keyboard.flat().find((b) => b.text === '✅ Отправить куратору');
    await fetch(`${bot.emulator.url}/bot${bot.config.botToken}/deleteMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: user.id, message_id: second.message_id }),
    });
    bot.emulator.pressButton(
      user.id,
      second.message_id,
      send && 'callback_data' in send ? send.callback_data! : '',
    );
    const told = await chat.next('принята');
    const both = await requestsOf(family.id);
    expect(both).toHaveLength(2);
    const number = Math.max(...both.map((r) => r.number));
    expect(told.text).toBe(
      `Заявка № ${number} принята, передаём её куратору. Куратор свяжется с вами.\nСледить за заявкой можно в разделе «Мои заявки».`,
    );
    // The main menu is still under the input field.
    bot.emulator.pressReplyButton(user.id, 'Мои заявки');
    expect((await chat.next('Ваши заявки')).text).toContain(`№ ${number}`);
  });

  it('/cancel and a menu button leave the dialogue at any step, and nothing is saved', async () => {
    const { chat, family } = await registeredFamily('Наталья');
    await startCategory(chat, 'Работа и обучение', 'Для кого');
    await chat.press('Для меня', 'Чем занимается');
    await chat.say('/cancel', 'отменили');
    // The next text is not taken as an answer to the old question.
    await startCategory(chat, 'Другое', 'своими словами');
    bot.emulator.pressReplyButton(chat.userId, 'Мои заявки');
    await chat.next('У вас пока нет заявок');
    expect(await requestsOf(family.id)).toEqual([]);
  });

  it('continues at the same step after a restart of the bot', async () => {
    const { chat, family } = await registeredFamily('Вера');
    await startCategory(chat, 'Юридическая помощь', 'О чём вопрос');
    bot.emulator.pressButtonByText(chat.userId, undefined, 'Жильё');
    await chat.next('Коротко опишите');
    // The bot answers before it stores the step, and the stop below does not wait for an update in hand
    // (see the report on app.ts): restart once this step is stored, as it is between two messages — the
    // state then waits on the new question.
    const stored = async () => {
      const prompt = await readDialoguePrompt(bot.redis, bot.config.redisPrefix, chat.userId);
      return prompt?.text.includes('Коротко опишите') ?? false;
    };
    await eventually(stored, 5_000, 'the step stored in Redis');
    expect(await stored()).toBe(true);
    await bot.restart();
    await chat.say('Управляющая компания не делает ремонт', 'добавить для куратора');
    await chat.press('Пропустить', 'документы или фото');
    await chat.press('Пропустить', 'Всё верно?');
    await chat.press('✅ Отправить куратору', 'принята');
    const saved = await requestsOf(family.id);
    expect(saved.map((r) => r.details)).toEqual([
      { topic: 'housing', description: 'Управляющая компания не делает ремонт' },
    ]);
  });

  it('the summary offers «Изменить» ten times, then only send and cancel; the edits are in the request', async () => {
    const { chat, family } = await registeredFamily('Вера');
    let summary = await otherRequestToSummary(chat, 'Нужна справка');
    const labels = (message: StoredMessage) =>
      (message.reply_markup?.inline_keyboard ?? []).flat().map((button) => button.text);
    for (let round = 1; round <= 10; round++) {
      expect(labels(summary), `round ${round}`).toContain('✏️ Изменить');
      await chat.press('✏️ Изменить', 'Что изменить');
      await chat.press('Запрос', 'своими словами');
      summary = await chat.say(`Нужна справка № ${round}`, 'Всё верно?');
    }
    expect(summary.text).toContain('Нужна справка № 10');
    expect(labels(summary)).toEqual(['✅ Отправить куратору', 'Не отправлять']);
    await chat.press('✅ Отправить куратору', 'принята');
    const [saved] = await requestsOf(family.id);
    expect(saved?.details).toEqual({ text: 'Нужна справка № 10' });
  });
});
