import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { families, familyMembers, requests, servicemen } from '../../src/db/schema/index.js';
import { useE2E } from '../helpers/e2e.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { familyChat, registerThroughBot } from '../helpers/family-dialogue.js';

/**
 * What a person types is cleaned once, at the edge (issue 12 §5): U+0000 never reaches PostgreSQL,
 * controls, bidi overrides and zero-width characters never reach the passport or a curator's card, and a
 * place or a request written in emoji alone gets a kind hint instead of being taken.
 */
const bot = useE2E({
  pipeline: false,
  seed: { staff: { anna: { name: 'Анна Петрова', districts: ['lipetsk-city'] } } },
});

describe('a passport typed with hidden characters', () => {
  it('is saved, cleaned: no NUL, no escape codes, no bidi override, no zero-width characters', async () => {
    const user = bot.emulator.createUser({ first_name: 'Мария', language_code: 'ru' });
    const chat = familyChat(bot.emulator, user.id);
    const done = await registerThroughBot(chat, '+79001112233', {
      applicant: 'Иванова\u0000 Мария\u200B Петровна',
      serviceman: '\u202EИванов Пётр Сергеевич\u202C',
      locality: 'Гря\u200Bзи\u0007',
      address: 'ул. Мира,\u001B[2J д. 1\uFEFF',
    });
    expect(done.text).toContain('зарегистрирована');
    const [member] = await bot.db.select().from(familyMembers).where(eq(familyMembers.telegramId, user.id));
    expect(member?.fullName).toBe('Иванова Мария Петровна');
    const [family] = await bot.db.select().from(families).where(eq(families.id, member!.familyId));
    expect(family?.locality).toBe('Грязи');
    expect(family?.address).toBe('ул. Мира,[2J д. 1');
    const [serviceman] = await bot.db.select().from(servicemen).where(eq(servicemen.familyId, family!.id));
    expect(serviceman?.fullName).toBe('Иванов Пётр Сергеевич');
  });
});

describe('emoji where a place or a request is expected', () => {
  it('a locality of emoji gets the hint and the same question; then a real one is taken', async () => {
    const user = bot.emulator.createUser({ first_name: 'Ольга', language_code: 'ru' });
    const chat = familyChat(bot.emulator, user.id);
    await chat.say('/start', 'Патронаж');
    await chat.next('Вы согласны');
    await chat.press('Даю согласие', 'номером телефона');
    await chat.shareOwnContact('+79001112244', 'Как вас зовут');
    await chat.say('Петрова Ольга Ивановна', 'Кем вы приходитесь');
    await chat.press('Жена', 'военнослужащего');
    await chat.say('Петров Иван Ильич', 'Дата рождения');
    await chat.press('Пропустить', 'В каком районе');
    const question = await chat.press('Грязинский район', 'Населённый пункт');
    const hint = await chat.say('🏠🏡\u200B', 'буквами');
    expect(hint.text).toBe('Напишите, пожалуйста, название населённого пункта буквами, например: Грязи.');
    expect((await chat.next()).text).toBe(question.text);
    await chat.say('Двуречки', 'Адрес');
  });

  it('a request «Другое» of emoji gets the hint; nothing is saved until it is written in words', async () => {
    const user = bot.emulator.createUser({ first_name: 'Анна', language_code: 'ru' });
    const { family } = await createRegisteredFamily(bot.db, {
      telegramId: user.id,
      curatorId: bot.seeded.staff.anna.id,
    });
    const chat = familyChat(bot.emulator, user.id);
    await chat.say('/menu', 'Главное меню');
    bot.emulator.pressReplyButton(user.id, 'Нужна помощь');
    await chat.next('С чем нужна помощь');
    const question = await chat.press('Другое', 'своими словами');
    const hint = await chat.say('🙏🙏🙏 !!!', 'словами');
    expect(hint.text).toBe(
      'Опишите, пожалуйста, словами, чем помочь: по одним значкам и эмодзи куратор не поймёт, что нужно.',
    );
    expect((await chat.next()).text).toBe(question.text);
    await chat.say('Нужно\u0000 наколоть дрова\u202E на зиму', 'добавить для куратора');
    await chat.press('Пропустить', 'документы или фото');
    await chat.press('Пропустить', 'Всё верно?');
    await chat.press('✅ Отправить куратору', 'принята');
    const [saved] = await bot.db.select().from(requests).where(eq(requests.familyId, family.id));
    expect(saved?.details).toEqual({ text: 'Нужно наколоть дрова на зиму' });
  });
});
