import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { familyMembers, requests } from '../../src/db/schema/index.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { useE2E } from '../helpers/e2e.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import {
  type FamilyChat,
  familyChat,
  upToApplicantName,
  upToServicemanBirthDate,
} from '../helpers/family-dialogue.js';
import { eventually } from '../helpers/pipeline.js';
import { createConfirmedRequest } from '../helpers/routing-factories.js';

/**
 * Five or six wrong answers to one question (issue 13 §5): the answers given so far are kept, and the person
 * is offered a way on — answer again, skip where the question allows, leave the question to the curator
 * where there is one, or leave for the menu — instead of the whole draft being dropped.
 */
const WAIT = 20_000;
const STUCK =
  'Похоже, с этим вопросом не получается — ничего страшного. Всё, что вы уже ответили, сохранено.';
const bot = useE2E({ seed: { staff: { anna: { name: 'Анна Петрова', districts: ['gryazi'] } } } });
/** The curator of every family here. */
const anna = () => bot.seeded.staff.anna;

const buttonsOf = (m: StoredMessage) => m.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];

/** Six stickers where text is wanted: five hints, then the sixth hint with the way-on offer under it. */
async function stickSixTimes(chat: FamilyChat, question: string): Promise<StoredMessage> {
  for (let i = 0; i < 5; i++) {
    bot.emulator.sendSticker(chat.userId);
    await chat.next('ответьте текстом');
    expect((await chat.next()).text).toBe(question);
  }
  bot.emulator.sendSticker(chat.userId);
  await chat.next('ответьте текстом');
  const offer = await chat.next();
  expect(offer.text).toContain(STUCK);
  expect((await chat.next()).text).toBe(question);
  return offer;
}

describe('a request question that will not go', () => {
  it('is left to the curator: the draft goes on and the curator reads what to ask', async () => {
    const {
      families: { seeded },
    } = await bot.seed({ families: { seeded: { curator: anna() } } });
    const { family } = seeded;
    const user = { id: seeded.chat };
    const chat = familyChat(bot.emulator, user.id, WAIT);
    await chat.say('/menu', 'Главное меню');
    bot.emulator.pressReplyButton(user.id, 'Нужна помощь');
    await chat.next('С чем нужна помощь');
    await chat.press('Юридическая помощь', 'О чём вопрос');
    const description = await chat.press('Документы', 'Коротко опишите');
    const offer = await stickSixTimes(chat, description.text ?? '');
    // Not skippable: no «Пропустить»; the curator and the menu are offered.
    expect(buttonsOf(offer)).toEqual(['Пусть уточнит куратор', 'Выйти в меню без сохранения']);
    const question = bot.emulator.messages(user.id, { from: 'bot' }).at(-1)!;
    bot.emulator.pressButtonByText(user.id, offer.message_id, 'Пусть уточнит куратор');
    await chat.next('добавить для куратора');
    // The offer keeps its words and loses its buttons; the question below it shows the choice.
    const settled = bot.emulator.messages(user.id, { from: 'bot' });
    expect(settled.find((m) => m.message_id === offer.message_id)).toMatchObject({ text: offer.text });
    expect(settled.find((m) => m.message_id === offer.message_id)?.reply_markup).toBeUndefined();
    expect(settled.find((m) => m.message_id === question.message_id)?.text).toBe(
      `${description.text}\n\n✓ Уточнит куратор`,
    );
    await chat.press('Пропустить', 'документы или фото');
    const summary = await chat.press('Пропустить', 'Всё верно?');
    expect(summary.text).toContain('Тема: документы\nСуть вопроса: уточнит куратор');
    await chat.press('✅ Отправить куратору', 'принята');
    const [saved] = await bot.db.select().from(requests).where(eq(requests.familyId, family.id));
    expect(saved?.details).toEqual({ topic: 'documents', description: '@curator' });
    const card = await eventually(
      async () =>
        bot.emulator.messages(anna().chat).find((m) => (m.text ?? '').includes(`№ ${saved?.number}`)),
      WAIT,
      'the card at the curator',
    );
    expect(card.text).toContain('Суть вопроса: семья не смогла ответить — уточните у неё');
  });

  it('«Выйти в меню без сохранения» leaves as /cancel does, and says so', async () => {
    const {
      families: { seeded },
    } = await bot.seed({ families: { seeded: { curator: anna() } } });
    const { family } = seeded;
    const user = { id: seeded.chat };
    const chat = familyChat(bot.emulator, user.id, WAIT);
    await chat.say('/menu', 'Главное меню');
    bot.emulator.pressReplyButton(user.id, 'Нужна помощь');
    await chat.next('С чем нужна помощь');
    const question = await chat.press('Другое', 'своими словами');
    const offer = await stickSixTimes(chat, question.text ?? '');
    bot.emulator.pressButtonByText(user.id, offer.message_id, 'Выйти в меню без сохранения');
    expect((await chat.next()).text).toBe('Хорошо, отменили. Главное меню — ниже.');
    expect(await bot.db.select().from(requests).where(eq(requests.familyId, family.id))).toEqual([]);
  });
});

describe('registration', () => {
  function newPerson(name: string) {
    const user = bot.emulator.createUser({ first_name: name, language_code: 'ru' });
    return { user, chat: familyChat(bot.emulator, user.id, WAIT) };
  }

  it('a skippable question offers «Пропустить этот вопрос», and the earlier answers stay', async () => {
    const { user, chat } = newPerson('Таня');
    const question = await upToServicemanBirthDate(chat, '+79990002001');
    const offer = await stickSixTimes(chat, question);
    expect(buttonsOf(offer)).toEqual(['Пропустить этот вопрос', 'Прервать без сохранения']);
    bot.emulator.pressButtonByText(user.id, offer.message_id, 'Пропустить этот вопрос');
    await chat.next('В каком районе');
    await chat.press('Грязинский район', 'Населённый пункт');
    await chat.say('Грязи', 'Адрес');
    await chat.press('Пропустить', 'Есть ли в семье дети');
    await chat.press('Пропустить', 'пожилые родственники');
    const summary = await chat.press('Пропустить', 'Проверьте');
    expect(summary.text).toContain('Заявитель: Сидорова Татьяна');
    expect(summary.text).toContain('Военнослужащий: Сидоров Иван');
    await chat.next('Сохранить?');
    await chat.press('Всё верно, сохранить', 'зарегистрирована');
  });

  it('a required question offers only leaving, and answering again goes on', async () => {
    const { chat } = newPerson('Галя');
    const name = await upToApplicantName(chat, '+79990002002');
    const offer = await stickSixTimes(chat, name.text ?? '');
    expect(buttonsOf(offer)).toEqual(['Прервать без сохранения']);
    // Answering again is the first way on: the dialogue goes on from here.
    await chat.say('Петрова Галина', 'Кем вы приходитесь');
  });

  it('after the third round of wrong answers it pauses, honestly', async () => {
    const { user, chat } = newPerson('Зоя');
    const name = await upToApplicantName(chat, '+79990002003');
    await stickSixTimes(chat, name.text ?? '');
    await stickSixTimes(chat, name.text ?? '');
    for (let i = 0; i < 5; i++) {
      bot.emulator.sendSticker(user.id);
      await chat.next('ответьте текстом');
      await chat.next('Как вас зовут');
    }
    bot.emulator.sendSticker(user.id);
    await chat.next('ответьте текстом');
    expect((await chat.next()).text).toBe(
      'Давайте прервёмся: регистрацию мы закрыли, ответы не сохранились. Отправьте /start, когда будет удобно.',
    );
    expect(await bot.db.select().from(familyMembers).where(eq(familyMembers.telegramId, user.id))).toEqual(
      [],
    );
  });
});

describe('a staff member’s dialogue', () => {
  it('after the third round of wrong answers it pauses with the staff member’s commands, not «регистрацию… /start»', async () => {
    const familyUser = bot.emulator.createUser({ first_name: 'Ольга', language_code: 'ru' });
    const { family } = await createRegisteredFamily(bot.db, {
      telegramId: familyUser.id,
      curatorId: anna().id,
    });
    const request = await createConfirmedRequest(bot.db, { familyId: family.id, category: 'legal' });
    await bot.db
      .update(requests)
      .set({ status: 'in_progress', curatorId: anna().id, takenById: anna().id, takenAt: new Date() })
      .where(eq(requests.id, request.id));
    const chat = familyChat(bot.emulator, anna().chat, WAIT);
    const onMessage = await chat.say('/help', 'Команды куратора');
    bot.emulator.pressButton(anna().chat, onMessage.message_id, `cur:${request.id}:resolve`);
    const comment = await chat.next('комментарий для семьи');
    await stickSixTimes(chat, comment.text ?? '');
    await stickSixTimes(chat, comment.text ?? '');
    for (let i = 0; i < 5; i++) {
      bot.emulator.sendSticker(anna().chat);
      await chat.next('ответьте текстом');
      await chat.next('комментарий для семьи');
    }
    bot.emulator.sendSticker(anna().chat);
    await chat.next('ответьте текстом');
    expect((await chat.next()).text).toBe(
      'Давайте прервёмся: этот разговор закрыт, ответы из него не сохранились. Ваши команды — /help.',
    );
    const [row] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(row?.status).toBe('in_progress');
  });
});
