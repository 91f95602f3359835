import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { requests } from '../../src/db/schema/index.js';
import { useE2E } from '../helpers/e2e.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { familyChat } from '../helpers/family-dialogue.js';

/**
 * A message over a field's limit in a dialogue (issue 13 §4): the person is told plainly that it was too
 * long and that nothing was kept, and the question is asked again. The rest of a long text a Telegram
 * client sent as several messages is not taken as the answer (it used to be saved as the comment), and a
 * long text that arrives as one message (the parts joined) is refused the same way.
 */
const bot = useE2E({
  pipeline: false,
  seed: { staff: { anna: { name: 'Анна Петрова', districts: ['lipetsk-city'] } } },
});

const TOO_LONG =
  'Сообщение получилось слишком длинным, поэтому мы ничего из него не сохранили. Пожалуйста, уложитесь в 1\u00a0000 символов и отправьте ответ ещё раз.';

/** A long text cut the way a Telegram client cuts it: parts of 4,096 characters, sent one after another. */
function clientParts(text: string) {
  const parts: string[] = [];
  for (let start = 0; start < text.length; start += 4096) parts.push(text.slice(start, start + 4096));
  return parts;
}

async function atCommentQuestion(name: string) {
  const user = bot.emulator.createUser({ first_name: name, language_code: 'ru' });
  const { family } = await createRegisteredFamily(bot.db, {
    telegramId: user.id,
    curatorId: bot.seeded.staff.anna.id,
  });
  const chat = familyChat(bot.emulator, user.id);
  await chat.say('/menu', 'Главное меню');
  bot.emulator.pressReplyButton(user.id, 'Нужна помощь');
  await chat.next('С чем нужна помощь');
  await chat.press('Юридическая помощь', 'О чём вопрос');
  await chat.press('Документы', 'Коротко опишите');
  const question = await chat.say('Не выдают свидетельство о рождении', 'добавить для куратора');
  return { user, chat, family, question };
}

describe('a too long message in a dialogue', () => {
  it('sent as three parts by the client: one plain hint, the question again, and no part taken as the answer', async () => {
    const { user, chat, family, question } = await atCommentQuestion('Мария');
    const long = `${'Подробно рассказываю, что случилось с документами. '.repeat(180)}А в конце — главное.`;
    const parts = clientParts(long);
    expect(parts).toHaveLength(3);
    for (const part of parts) bot.emulator.sendText(user.id, part);

    expect((await chat.next()).text).toBe(TOO_LONG);
    const again = await chat.next();
    expect(again.text).toBe(question.text);
    // The rest of the text is not an answer: once the bot has handled every part, nothing more was said
    // and the comment question is still open.
    await bot.settled();
    const after = bot.emulator
      .messages(user.id, { from: 'bot' })
      .filter((m) => m.message_id > again.message_id);
    expect(after).toEqual([]);

    await chat.say('Свидетельство нужно для пособия', 'документы или фото');
    await chat.press('Пропустить', 'Всё верно?');
    await chat.press('✅ Отправить куратору', 'принята');
    const [saved] = await bot.db.select().from(requests).where(eq(requests.familyId, family.id));
    expect(saved?.details).toEqual({
      topic: 'documents',
      description: 'Не выдают свидетельство о рождении',
      comment: 'Свидетельство нужно для пособия',
    });
  });

  it('arriving as one text of 9,000 characters (the parts joined): the same plain hint, nothing kept', async () => {
    const { user, chat, family, question } = await atCommentQuestion('Ольга');
    bot.emulator.sendText(user.id, 'Очень длинный рассказ. '.repeat(400));
    expect((await chat.next()).text).toBe(TOO_LONG);
    expect((await chat.next()).text).toBe(question.text);
    await chat.press('Пропустить', 'документы или фото');
    await chat.press('Пропустить', 'Всё верно?');
    await chat.press('✅ Отправить куратору', 'принята');
    const [saved] = await bot.db.select().from(requests).where(eq(requests.familyId, family.id));
    expect(saved?.details).toEqual({ topic: 'documents', description: 'Не выдают свидетельство о рождении' });
  });

  it('a short answer a few seconds after the hint is taken as usual', async () => {
    const { user, chat, family } = await atCommentQuestion('Ирина');
    bot.emulator.sendText(user.id, 'x'.repeat(4096));
    expect((await chat.next()).text).toBe(TOO_LONG);
    await chat.next('добавить для куратора');
    // A few seconds later, by the messages' dates (Telegram's clock, which the emulator can move on).
    bot.emulator.advanceClock(3000);
    await chat.say('Коротко: нужна справка', 'документы или фото');
    await chat.press('Пропустить', 'Всё верно?');
    await chat.press('✅ Отправить куратору', 'принята');
    const [saved] = await bot.db.select().from(requests).where(eq(requests.familyId, family.id));
    expect(saved?.details).toMatchObject({ comment: 'Коротко: нужна справка' });
  });
});
