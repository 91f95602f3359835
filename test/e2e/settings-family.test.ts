import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  consentEvents,
  families,
  familyInvites,
  familyMembers,
  householdMembers,
  servicemen,
} from '../../src/db/schema/index.js';
import { useE2E } from '../helpers/e2e.js';
import { familyChat, registerThroughBot } from '../helpers/family-dialogue.js';

const bot = useE2E({ pipeline: false });

async function registeredPerson(name: string, phone: string) {
  const user = bot.emulator.createUser({ first_name: name, language_code: 'ru' });
  const chat = familyChat(bot.emulator, user.id);
  await registerThroughBot(chat, phone, { applicant: `${name}ева Анна` });
  const [member] = await bot.db.select().from(familyMembers).where(eq(familyMembers.telegramId, user.id));
  return { user, chat, member: member! };
}

async function inviteLinkFrom(chat: ReturnType<typeof familyChat>) {
  await chat.say('Настройки', 'Настройки. Что нужно?');
  const message = await chat.press('Пригласить члена семьи', 'Перешлите эту ссылку');
  const link = /https:\/\/t\.me\/\S+/.exec(message.text ?? '')?.[0];
  if (!link) throw new Error('no link in the message');
  return link;
}

describe('a second family member', () => {
  it('joins the family through a single-use invite link, with consent and own contact', async () => {
    const first = await registeredPerson('Мария', '+79001110001');
    const link = await inviteLinkFrom(first.chat);
    expect(link).toMatch(/^https:\/\/t\.me\/patronazh_test_bot\?start=fam_[A-Za-z0-9_-]{32}$/);
    const payload = new URL(link).searchParams.get('start')!;
    const [invite] = await bot.db.select().from(familyInvites);
    expect(invite!.tokenHash).not.toContain(payload.slice(4));

    const second = bot.emulator.createUser({ first_name: 'Пётр', language_code: 'ru' });
    const chat = familyChat(bot.emulator, second.id);
    await chat.say(`/start ${payload}`, 'пригласил вас');
    await chat.next('Вы согласны');
    await chat.press('Даю согласие', 'номером телефона');
    await chat.shareOwnContact('+79001110002', 'номер получили');
    await chat.next('Как вас зовут');
    await chat.say('Иванов Пётр Петрович', 'Кем вы приходитесь');
    const joined = await chat.press('Отец', 'присоединились к семье');
    expect(JSON.stringify(joined.reply_keyboard)).toContain('Нужна помощь');

    const [member] = await bot.db.select().from(familyMembers).where(eq(familyMembers.telegramId, second.id));
    expect(member).toMatchObject({
      familyId: first.member.familyId,
      fullName: 'Иванов Пётр Петрович',
      relationship: 'father',
      phone: '+79001110002',
      consentVersion: 'v1',
    });
    expect(await bot.db.select().from(families)).toHaveLength(1); // no new passport
    const [used] = await bot.db.select().from(familyInvites);
    expect(used).toMatchObject({ usedByMemberId: member!.id });

    // The same link again, by a third person: refused, nothing stored.
    const third = bot.emulator.createUser({ first_name: 'Ольга', language_code: 'ru' });
    const thirdChat = familyChat(bot.emulator, third.id);
    expect((await thirdChat.say(`/start ${payload}`)).text).toContain('уже использована');
    expect((await thirdChat.say(`/start fam_${'x'.repeat(32)}`)).text).toContain('недействительна');
    expect(await bot.db.select().from(familyMembers).where(eq(familyMembers.telegramId, third.id))).toEqual(
      [],
    );
  });
});

describe('language', () => {
  it('switches to English for every text, the menu included, and stores it', async () => {
    const { chat, member } = await registeredPerson('Ирина', '+79002220001');
    await chat.say('Настройки', 'Настройки');
    await chat.press('Язык / Language', 'Выберите язык');
    const changed = await chat.press('English', 'in English');
    expect(JSON.stringify(changed.reply_keyboard)).toContain('I need help');
    const [stored] = await bot.db.select().from(familyMembers).where(eq(familyMembers.id, member.id));
    expect(stored!.language).toBe('en');
    expect((await chat.say('/help')).text).toContain('What the bot can do');
    // The English menu button opens the passport, in English.
    await chat.say('Social passport', "Your family's social passport");
    await chat.next('You can change');
    await chat.press('Close', 'Main menu');
  });
});

describe('what is stored about me', () => {
  it('shows the person and the family as stored', async () => {
    const { chat } = await registeredPerson('Елена', '+79003330001');
    await chat.say('Настройки', 'Настройки');
    const stored = await chat.press('Что хранится обо мне', 'Вот всё');
    expect(stored.text).toContain('Еленаева Анна');
    expect(stored.text).toContain('+79003330001');
    expect(stored.text).toContain('Иванов Пётр Сергеевич');
    // As the consent text names itself: «(версия 1)».
    expect(stored.text).toContain('версия 1,');
    expect(stored.text).not.toContain('версия v1');
  });
});

describe('withdrawal of consent', () => {
  it('erases the member and, when nobody else remains, the family’s personal data; /start starts over', async () => {
    const { user, chat, member } = await registeredPerson('Алла', '+79004440001');
    const familyId = member.familyId;
    await bot.db.update(families).set({ employment: 'unemployed' }).where(eq(families.id, familyId));
    await chat.say('Настройки', 'Настройки');
    await chat.press('Удалить мои данные', 'Удалить ваши данные?');
    expect((await chat.press('Нет, оставить', 'ничего не удаляем')).text).toBeTruthy();
    await chat.say('Настройки', 'Настройки');
    await chat.press('Удалить мои данные', 'Удалить ваши данные?');
    const erased = await chat.press('Да, удалить', 'Ваши данные удалены');
    expect(erased.text).toContain('Паспорт семьи тоже удалён');

    const [row] = await bot.db.select().from(familyMembers).where(eq(familyMembers.id, member.id));
    expect(row).toMatchObject({ fullName: null, phone: null, telegramId: null, relationship: null });
    expect(row!.erasedAt).toBeInstanceOf(Date);
    const [family] = await bot.db.select().from(families).where(eq(families.id, familyId));
    expect(family).toMatchObject({ address: null, locality: null, employment: null });
    expect(family!.erasedAt).toBeInstanceOf(Date);
    expect(family!.districtId).toBeGreaterThan(0); // kept for anonymous statistics
    const [serviceman] = await bot.db.select().from(servicemen).where(eq(servicemen.familyId, familyId));
    expect(serviceman).toMatchObject({ fullName: null, birthDate: null });
    const events = await bot.db.select().from(consentEvents).where(eq(consentEvents.telegramId, user.id));
    expect(events.map((e) => e.decision)).toEqual(['agreed', 'withdrawn']);

    await chat.say('/start', 'Патронаж');
    await chat.next('Согласие на обработку');
  });

  it('keeps the family passport while another member remains', async () => {
    const first = await registeredPerson('Вика', '+79005550001');
    const link = await inviteLinkFrom(first.chat);
    const second = bot.emulator.createUser({ first_name: 'Олег', language_code: 'ru' });
    const chat = familyChat(bot.emulator, second.id);
    await chat.say(`/start ${new URL(link).searchParams.get('start')}`, 'пригласил вас');
    await chat.next('Вы согласны');
    await chat.press('Даю согласие', 'номером');
    await chat.shareOwnContact('+79005550002', 'номер получили');
    await chat.next('Как вас зовут');
    await chat.say('Олегов Олег', 'Кем вы приходитесь');
    await chat.press('Сын или дочь', 'присоединились');

    await chat.say('Настройки', 'Настройки');
    await chat.press('Удалить мои данные', 'Удалить ваши данные?');
    const erased = await chat.press('Да, удалить', 'Ваши данные удалены');
    expect(erased.text).toContain('остался у других членов семьи');
    const [family] = await bot.db.select().from(families).where(eq(families.id, first.member.familyId));
    expect(family!.erasedAt).toBeNull();
    expect(family!.locality).toBe('Грязи');
    const household = await bot.db
      .select()
      .from(householdMembers)
      .where(eq(householdMembers.familyId, first.member.familyId));
    expect(household).toEqual([]);
  });
});
