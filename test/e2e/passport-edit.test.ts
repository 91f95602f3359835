import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { districts, families, familyMembers, householdMembers, outbox } from '../../src/db/schema/index.js';
import { useE2E } from '../helpers/e2e.js';
import { createCuratorInDistrict } from '../helpers/factories.js';
import { familyChat, registerThroughBot } from '../helpers/family-dialogue.js';

const bot = useE2E({ pipeline: false });

async function registeredPerson(name: string, phone: string) {
  const user = bot.emulator.createUser({ first_name: name, language_code: 'ru' });
  const chat = familyChat(bot.emulator, user.id);
  await registerThroughBot(chat, phone);
  const [member] = await bot.db.select().from(familyMembers).where(eq(familyMembers.telegramId, user.id));
  return { user, chat, member: member! };
}

describe('Социальный паспорт', () => {
  it('records work: «Ищу работу» makes the employment measure due in «Меры поддержки»', async () => {
    const { chat, member } = await registeredPerson('Вера', '+79006660009');
    const view = await chat.say('Социальный паспорт', 'Социальный паспорт вашей семьи');
    expect(view.text).toContain('Работа: не указано');
    await chat.next('можно что-то изменить');
    await chat.press('Работа', 'Вы сейчас работаете?');
    await chat.press('Ищу работу', 'Сохранили');
    await chat.next('Что-нибудь ещё?');
    await chat.press('Закрыть', 'Главное меню');
    const [family] = await bot.db.select().from(families).where(eq(families.id, member.familyId));
    expect(family!.employment).toBe('unemployed');
    const again = await chat.say('Социальный паспорт', 'Социальный паспорт вашей семьи');
    expect(again.text).toContain('Работа: ищет работу');
    await chat.next('можно что-то изменить');
    await chat.press('Закрыть', 'Главное меню');
    const due = await chat.say('Меры поддержки', 'Вам положено:');
    const dueList = (due.text ?? '').split('Вам положено:')[1]!.split('Другие меры')[0];
    expect(dueList).toContain('Обучение в центре занятости');
  });

  it('shows the passport, changes the address, adds a child skipped at registration and removes one', async () => {
    const { chat, member } = await registeredPerson('Дарья', '+79006660001');
    const view = await chat.say('Социальный паспорт', 'Социальный паспорт вашей семьи');
    expect(view.text).toContain('Военнослужащий: Иванов Пётр Сергеевич');
    expect(view.text).toContain('Дети: нет');
    await chat.next('можно что-то изменить');

    await chat.press('Изменить сведения', 'Что изменить?');
    await chat.press('Адрес', 'Адрес: улица');
    await chat.say('ул. Мира, д. 1', 'Сохранили');
    await chat.next('Что-нибудь ещё?');

    await chat.press('Добавить ребёнка', 'Как зовут ребёнка');
    await chat.say('Иванов Илья Петрович', 'Дата рождения ребёнка');
    await chat.say('03.03.2016', 'детский сад или школу');
    await chat.press('Школа', 'Сохранили');
    await chat.next('Что-нибудь ещё?');

    await chat.press('Добавить родственника', 'Как зовут родственника');
    await chat.say('Петрова Нина Ивановна', 'Дата рождения родственника');
    await chat.say('02.02.1940', 'Какая помощь нужна');
    await chat.say('Уборка и покупка продуктов', 'Сохранили');
    await chat.next('Что-нибудь ещё?');

    await chat.press('Убрать из списка', 'Кого убрать');
    await chat.press('Петрова Нина Ивановна', 'Убрать из паспорта: Петрова Нина Ивановна?');
    await chat.press('Да, убрать', 'Убрали');
    await chat.next('Что-нибудь ещё?');
    await chat.press('Закрыть', 'Главное меню');

    const [family] = await bot.db.select().from(families).where(eq(families.id, member.familyId));
    expect(family!.address).toBe('ул. Мира, д. 1');
    const household = await bot.db
      .select()
      .from(householdMembers)
      .where(eq(householdMembers.familyId, member.familyId));
    expect(household.map((h) => [h.kind, h.fullName, h.birthDate, h.institution])).toEqual([
      ['child', 'Иванов Илья Петрович', '2016-03-03', 'school'],
    ]);

    const again = await chat.say('Социальный паспорт', 'Социальный паспорт вашей семьи');
    expect(again.text).toContain('1. Иванов Илья Петрович, 03.03.2016, ходит в школу');
    expect(again.text).toContain('Адрес: ул. Мира, д. 1');
  });

  it('moving to another district hands the family to a curator there (or tells the supervisors)', async () => {
    const [dankov] = await bot.db.select().from(districts).where(eq(districts.name, 'Данковский район'));
    await createCuratorInDistrict(bot.db, { districtId: dankov!.id, fullName: 'Светлана Кураторова' });
    const { chat, member } = await registeredPerson('Юлия', '+79006660002');
    const before = await bot.db.select().from(outbox).orderBy(outbox.id);
    await chat.say('Социальный паспорт', 'Социальный паспорт');
    await chat.next('можно что-то изменить');
    await chat.press('Изменить сведения', 'Что изменить?');
    await chat.press('Район', 'В каком районе');
    await chat.press('Данковский район', 'Район изменился');
    await chat.next('Что-нибудь ещё?');
    await chat.press('Закрыть', 'Главное меню');
    const [family] = await bot.db.select().from(families).where(eq(families.id, member.familyId));
    expect(family!.districtId).toBe(dankov!.id);
    expect(family!.curatorId).not.toBeNull();
    // The curator there is told the family is theirs now.
    const after = await bot.db.select().from(outbox).orderBy(outbox.id);
    expect(after.slice(before.length).map((r) => [r.kind, r.payload])).toEqual([
      [
        'family_assigned',
        { familyId: member.familyId, staffId: family!.curatorId, reason: 'district_changed' },
      ],
    ]);
    expect((await chat.say('Социальный паспорт', 'Социальный паспорт')).text).toContain(
      'Ваш куратор — Светлана Кураторова',
    );
  });

  it('a forged button does nothing; a main-menu button in the middle leaves the dialogue for that menu', async () => {
    const { user, chat, member } = await registeredPerson('Ксения', '+79006660003');
    await chat.say('Социальный паспорт', 'Социальный паспорт');
    const actions = await chat.next('можно что-то изменить');
    bot.emulator.pressButton(user.id, actions.message_id, 'dlg:000000:4');
    await chat.next('кнопка уже не действует');
    await chat.next('можно что-то изменить');
    await chat.press('Добавить ребёнка', 'Как зовут ребёнка');
    await chat.say('Настройки', 'Настройки. Что нужно?');
    await chat.press('Закрыть', 'Главное меню');
    const household = await bot.db
      .select()
      .from(householdMembers)
      .where(eq(householdMembers.familyId, member.familyId));
    expect(household).toEqual([]);
  });

  it('is only for registered people', async () => {
    const user = bot.emulator.createUser({ first_name: 'Гость', language_code: 'ru' });
    const chat = familyChat(bot.emulator, user.id);
    expect((await chat.say('Социальный паспорт')).text).toContain('/start');
  });
});
