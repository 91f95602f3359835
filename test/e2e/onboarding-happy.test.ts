import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  consentEvents,
  districts,
  families,
  familyMembers,
  householdMembers,
  outbox,
  servicemen,
} from '../../src/db/schema/index.js';
import { useE2E } from '../helpers/e2e.js';
import { createCuratorInDistrict } from '../helpers/factories.js';
import { familyChat, registerThroughBot } from '../helpers/family-dialogue.js';

const bot = useE2E({ pipeline: false });

async function districtId(name: string) {
  const [row] = await bot.db.select().from(districts).where(eq(districts.name, name));
  return row!.id;
}

describe('onboarding of a new family', () => {
  it('registers the family with consent, serviceman and household, and names the curator', async () => {
    await createCuratorInDistrict(bot.db, {
      districtId: await districtId('Грязинский район'),
      fullName: 'Анна Петрова',
    });
    const user = bot.emulator.createUser({ first_name: 'Мария', language_code: 'ru' });
    const chat = familyChat(bot.emulator, user.id);
    const done = await registerThroughBot(chat, '+7 900 123-45-67', {
      address: 'ул. Ленина, д. 5, кв. 12',
      children: [
        { name: 'Иванов Артём Петрович', birthDate: '12.04.2018', institution: 'Детский сад' },
        { name: 'Иванова Ольга Петровна', birthDate: '01.09.2012', institution: 'Школа' },
      ],
      relatives: [{ name: 'Сидорова Анна Ивановна', careNeeds: 'Покупка продуктов и лекарств' }],
    });
    if (process.env.PRINT_TRANSCRIPT) console.log(chat.transcript());
    expect(done.text).toContain('Ваш куратор — Анна Петрова');
    expect(JSON.stringify(done.reply_keyboard)).toContain('Нужна помощь');
    // Answered questions keep the answer and lose their buttons, also when the answer was typed.
    const botMessages = bot.emulator.messages(user.id, { from: 'bot' });
    const relationship = botMessages.find((m) => m.text?.startsWith('Кем вы приходитесь'));
    expect(relationship?.text).toContain('✓ Жена');
    expect(relationship?.reply_markup).toBeUndefined();
    const address = botMessages.find((m) => m.text?.startsWith('Адрес: улица'));
    expect(address?.reply_markup).toBeUndefined();
    // The summary: a button's answer after a colon starts with a small letter («Родство: жена», not «Жена»).
    const summary = botMessages.find((m) => m.text?.startsWith('Проверьте'));
    expect(summary?.text).toContain('Заявитель: Иванова Мария Петровна\nРодство: жена\n');

    const [member] = await bot.db.select().from(familyMembers).where(eq(familyMembers.telegramId, user.id));
    expect(member).toMatchObject({
      fullName: 'Иванова Мария Петровна',
      relationship: 'wife',
      phone: '+79001234567',
      consentVersion: 'v1',
      language: 'ru',
    });
    expect(member!.consentAt).toBeInstanceOf(Date);
    const [family] = await bot.db.select().from(families).where(eq(families.id, member!.familyId));
    expect(family).toMatchObject({ locality: 'Грязи', address: 'ул. Ленина, д. 5, кв. 12' });
    expect(family!.curatorId).not.toBeNull();
    const household = await bot.db
      .select()
      .from(householdMembers)
      .where(eq(householdMembers.familyId, family!.id))
      .orderBy(householdMembers.id);
    expect(household.map((h) => [h.kind, h.fullName, h.birthDate, h.institution, h.careNeeds])).toEqual([
      ['child', 'Иванов Артём Петрович', '2018-04-12', 'kindergarten', null],
      ['child', 'Иванова Ольга Петровна', '2012-09-01', 'school', null],
      ['elderly', 'Сидорова Анна Ивановна', null, null, 'Покупка продуктов и лекарств'],
    ]);
    const [serviceman] = await bot.db.select().from(servicemen).where(eq(servicemen.familyId, family!.id));
    expect(serviceman).toMatchObject({ fullName: 'Иванов Пётр Сергеевич', birthDate: null });
    const consents = await bot.db.select().from(consentEvents).where(eq(consentEvents.telegramId, user.id));
    expect(consents.map((c) => [c.decision, c.memberId])).toEqual([['agreed', member!.id]]);
    // The curator is told that the family is theirs now (delivered from this outbox row).
    expect((await bot.db.select().from(outbox)).map((r) => [r.kind, r.payload])).toEqual([
      ['family_assigned', { familyId: family!.id, staffId: family!.curatorId, reason: 'registered' }],
    ]);

    // «Написать куратору» names the curator, offers the topics and points to «Нужна помощь» for a new request.
    const curator = await chat.say('Написать куратору');
    expect(curator.text).toContain('Ваш куратор — Анна Петрова');
    expect(curator.text).toContain('«Нужна помощь»');
    expect((await chat.say('/start')).text).toContain('Вы уже зарегистрированы');
  });

  it('registers a family in a district without a curator and records that the supervisors must be told', async () => {
    const user = bot.emulator.createUser({ first_name: 'Ольга', language_code: 'ru' });
    const chat = familyChat(bot.emulator, user.id);
    const done = await registerThroughBot(chat, '89005550011', { district: 'Данковский район' });
    // No supervisor either (none in this file): the notice waits in the outbox for one, and the family reads so
    // (onboarding-no-supervisor: the regional supervisor gets it once there is one).
    expect(done.text).toContain('руководители службы пока не на связи');
    const [member] = await bot.db.select().from(familyMembers).where(eq(familyMembers.telegramId, user.id));
    const [family] = await bot.db.select().from(families).where(eq(families.id, member!.familyId));
    expect(family!.curatorId).toBeNull();
    const rows = await bot.db.select().from(outbox);
    const ofThisFamily = rows.filter((r) => r.payload.familyId === family!.id);
    expect(ofThisFamily.map((r) => [r.kind, r.payload])).toEqual([
      ['family_without_curator', { familyId: family!.id }],
    ]);
  });
});
