import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { consentEvents, families, familyMembers, servicemen } from '../../src/db/schema/index.js';
import { useE2E } from '../helpers/e2e.js';
import { createCuratorInDistrict } from '../helpers/factories.js';
import { familyChat, registerThroughBot } from '../helpers/family-dialogue.js';

const bot = useE2E({ pipeline: false });

function newPerson(name: string) {
  const user = bot.emulator.createUser({ first_name: name, language_code: 'ru' });
  return { user, chat: familyChat(bot.emulator, user.id) };
}

/** /start → consent agreed → own contact: the person stands at «Как вас зовут?». */
async function upToName(chat: ReturnType<typeof familyChat>, phone: string) {
  await chat.say('/start', 'Патронаж');
  await chat.next('Вы согласны');
  await chat.press('Даю согласие', 'номером телефона');
  await chat.shareOwnContact(phone, 'номер получили');
  return chat.next('Как вас зовут');
}

describe('consent', () => {
  it('a refusal stores nothing but the refusal, and shows the hotline', async () => {
    const { user, chat } = newPerson('Нина');
    await chat.say('/start', 'Патронаж');
    await chat.next('Вы согласны');
    const refused = await chat.press('Не даю согласия', 'Без согласия');
    expect(refused.text).toContain('122');
    const events = await bot.db.select().from(consentEvents).where(eq(consentEvents.telegramId, user.id));
    expect(events.map((e) => [e.decision, e.memberId, e.consentVersion])).toEqual([['refused', null, 'v1']]);
    expect(await bot.db.select().from(familyMembers).where(eq(familyMembers.telegramId, user.id))).toEqual(
      [],
    );
    // The dialogue is over: a later text gets the way back, not a passport question.
    expect((await chat.say('Иванова Нина')).text).toContain('/start');
  });
});

describe('phone number', () => {
  it('refuses someone else’s contact and a number typed as text, then takes the own contact', async () => {
    const { user, chat } = newPerson('Вера');
    await chat.say('/start', 'Патронаж');
    await chat.next('Вы согласны');
    const question = await chat.press('Даю согласие', 'номером телефона');
    expect(JSON.stringify(question.reply_keyboard)).toContain('request_contact');

    bot.emulator.sendContact(user.id, { phone_number: '+79990000001', user_id: user.id + 1 });
    expect((await chat.next()).text).toContain('Это чужой контакт');
    expect((await chat.next()).text).toBe(question.text);

    expect((await chat.say('+7 999 000-00-02')).text).toContain(
      'Номер, написанный текстом, мы принять не можем',
    );
    expect((await chat.next()).text).toBe(question.text);

    await chat.shareOwnContact('+79990000003', 'номер получили');
    await chat.next('Как вас зовут');
  });
});

describe('a wrong kind of answer gets a hint and the same question', () => {
  it('photo, sticker, voice, location, overlong text and a bad name where a name is expected', async () => {
    const { user, chat } = newPerson('Лена');
    const question = await upToName(chat, '+79990000010');
    const cases: Array<[() => void, string]> = [
      [() => bot.emulator.sendPhoto(user.id), 'ответьте текстом'],
      [() => bot.emulator.sendSticker(user.id), 'ответьте текстом'],
      [() => bot.emulator.sendVoice(user.id), 'ответьте текстом'],
      [() => bot.emulator.sendLocation(user.id, { latitude: 52.6, longitude: 39.6 }), 'ответьте текстом'],
      [() => bot.emulator.sendText(user.id, 'А'.repeat(1001)), 'уложитесь в 200 символов'],
    ];
    for (const [act, hint] of cases) {
      act();
      expect((await chat.next()).text).toContain(hint);
      expect((await chat.next()).text).toBe(question.text);
    }
    // Five hints used: the next answer is a good one and the dialogue goes on.
    await chat.say('Петрова Елена', 'Кем вы приходитесь');
  });

  it('an impossible date, a future date and a stale or forged button press', async () => {
    const { user, chat } = newPerson('Таня');
    await upToName(chat, '+79990000020');
    const relationQuestion = await chat.say('Сидорова Татьяна', 'Кем вы приходитесь');
    await chat.press('Мать', 'военнослужащего');
    const dateQuestion = await chat.say('Сидоров Иван', 'Дата рождения военнослужащего');

    expect((await chat.say('31.02.1990')).text).toContain('Такой даты нет');
    expect((await chat.next()).text).toBe(dateQuestion.text);
    expect((await chat.say('01.01.2999')).text).toContain('ещё не наступила');
    expect((await chat.next()).text).toBe(dateQuestion.text);

    // The relationship question's button again (stale), then forged data.
    const staleData = relationQuestion.reply_markup?.inline_keyboard[0]?.[0];
    bot.emulator.pressButton(
      user.id,
      relationQuestion.message_id,
      (staleData as { callback_data: string }).callback_data,
    );
    expect((await chat.next()).text).toContain('кнопка уже не действует');
    expect((await chat.next()).text).toBe(dateQuestion.text);
    bot.emulator.pressButton(user.id, dateQuestion.message_id, 'dlg:zzzzzz:0');
    expect((await chat.next()).text).toContain('кнопка уже не действует');
    const answers = bot.emulator.callbackAnswers().filter((a) => a.user_id === user.id);
    // Agree and «Мать» were good presses (no pop-up); the stale and the forged one got the hint.
    expect(answers.map((a) => a.text)).toEqual([
      undefined,
      undefined,
      expect.stringContaining('кнопка уже не действует'),
      expect.stringContaining('кнопка уже не действует'),
    ]);
    await chat.next(dateQuestion.text);
    await chat.say('15.06.1985', 'В каком районе');
    const [serviceman] = await bot.db.select().from(servicemen);
    expect(serviceman).toBeUndefined(); // nothing is stored before the summary is confirmed
  });

  it('after too many wrong answers a way on is offered; leaving there is like /cancel', async () => {
    const { user, chat } = newPerson('Галя');
    await upToName(chat, '+79990000030');
    for (let i = 0; i < 5; i++) {
      bot.emulator.sendSticker(user.id);
      await chat.next('ответьте текстом');
      await chat.next('Как вас зовут');
    }
    bot.emulator.sendSticker(user.id);
    await chat.next('ответьте текстом');
    const offer = await chat.next('не получается');
    await chat.next('Как вас зовут');
    bot.emulator.pressButtonByText(user.id, offer.message_id, 'Прервать без сохранения');
    expect((await chat.next()).text).toBe('Хорошо, прервали — ответы этого разговора не сохранились.');
    expect((await chat.say('Галина')).text).toContain('/start');
    await chat.say('/start', 'Патронаж');
  });
});

describe('escape commands', () => {
  it('/cancel leaves registration with nothing stored; /help and /start work in the middle', async () => {
    const { user, chat } = newPerson('Зоя');
    await upToName(chat, '+79990000040');
    expect((await chat.say('/help')).text).toContain('/start');
    expect((await chat.say('Зуева Зоя')).text).toContain('/start'); // the dialogue was left by /help
    await upToName(chat, '+79990000040');
    expect((await chat.say('/cancel')).text).toContain('отменили');
    expect(await bot.db.select().from(familyMembers).where(eq(familyMembers.telegramId, user.id))).toEqual(
      [],
    );
    await upToName(chat, '+79990000040');
    expect(await bot.db.select().from(familyMembers).where(eq(familyMembers.telegramId, user.id))).toEqual(
      [],
    );
  });
});

describe('summary', () => {
  it('changes any field before saving, and a double press of «сохранить» saves once', async () => {
    const { user, chat } = newPerson('Рита');
    await registerThroughBot(chat, '+79990000050', { stopAtSummary: true });
    await chat.press('Изменить', 'Что изменить?');
    await chat.press('Ваше ФИО', 'Как вас зовут');
    const summary = await chat.say('Смирнова Маргарита', 'Заявитель: Смирнова Маргарита');
    expect(summary.text).toContain('Военнослужащий: Иванов Пётр Сергеевич');
    const question = await chat.next('Сохранить?');
    const save = question.reply_markup?.inline_keyboard.flat().find((b) => b.text === 'Всё верно, сохранить');
    const data = (save as { callback_data: string }).callback_data;
    bot.emulator.pressButton(user.id, question.message_id, data);
    bot.emulator.pressButton(user.id, question.message_id, data);
    await chat.next('зарегистрирована');
    await chat.say('/menu', 'Главное меню');
    const answers = bot.emulator.callbackAnswers().filter((a) => a.user_id === user.id);
    expect(answers.at(-1)?.text).toContain('кнопка уже не действует');
    const members = await bot.db.select().from(familyMembers).where(eq(familyMembers.telegramId, user.id));
    expect(members.map((m) => m.fullName)).toEqual(['Смирнова Маргарита']);
    expect(await bot.db.select().from(families).where(eq(families.id, members[0]!.familyId))).toHaveLength(1);
    expect(
      await bot.db.select().from(consentEvents).where(eq(consentEvents.telegramId, user.id)),
    ).toHaveLength(1);
  });
});

describe('staff', () => {
  it('an active curator’s own account is not registered as a family', async () => {
    const { user, chat } = newPerson('Анна');
    await createCuratorInDistrict(bot.db, { telegramId: user.id });
    expect((await chat.say('/start')).text).toContain('подключён как сотрудник');
    expect(await bot.db.select().from(consentEvents).where(eq(consentEvents.telegramId, user.id))).toEqual(
      [],
    );
  });
});
