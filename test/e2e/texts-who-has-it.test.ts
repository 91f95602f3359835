import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { districts, notifications, staff } from '../../src/db/schema/index.js';
import { deactivateStaff } from '../../src/features/supervision/supervision.departure.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { useE2E } from '../helpers/e2e.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { type FamilyChat, familyChat, registerThroughBot } from '../helpers/family-dialogue.js';
import { createStaffMember, districtByCode } from '../helpers/routing-factories.js';

/**
 * Issue 13 §6: the family is told who has its request only once the card has reached them (never the name
 * of a curator who blocked the bot), and a curator is told when a family becomes theirs.
 */
const bot = useE2E();

const texts = (userId: number) => bot.emulator.messages(userId).map((m) => m.text ?? '');
const buttons = (message: StoredMessage) => message.reply_markup?.inline_keyboard?.flat() ?? [];

async function curator(districtId: number, name: string) {
  const user = bot.emulator.createUser({ first_name: name.split(' ')[0]!, language_code: 'ru' });
  const member = await createStaffMember(bot.db, {
    telegramId: user.id,
    fullName: name,
    districtIds: [districtId],
  });
  return { user, member };
}

/** «Нужна помощь» → «Другое» → a text → no comment, no files → «Отправить»: the confirmation. */
async function askForHelp(chat: FamilyChat, text: string) {
  await chat.say('Нужна помощь', 'С чем нужна помощь');
  await chat.press('Другое', 'своими словами');
  await chat.say(text, 'добавить для куратора');
  await chat.press('Пропустить', 'документы или фото');
  await chat.press('Пропустить', 'Проверьте заявку');
  return chat.press('✅ Отправить куратору', 'принята');
}

/**
 * Павел, a curator about to leave, with the card of Ольга's new request in his chat; `colleague`: a second
 * curator of his district (none: nobody there could take it over).
 */
async function leavingWithACard(colleague?: string) {
  const code = `leaving-${Date.now()}`;
  const [district] = await bot.db
    .insert(districts)
    .values({ code, name: 'Район ухода', kind: 'municipal' })
    .returning();
  const pavel = await curator(district!.id, 'Павел Уходящий');
  const natalia = colleague === undefined ? undefined : await curator(district!.id, colleague);
  const familyUser = bot.emulator.createUser({ first_name: 'Ольга', language_code: 'ru' });
  await createRegisteredFamily(bot.db, {
    telegramId: familyUser.id,
    curatorId: pavel.member.id,
    districtId: district!.id,
    memberName: 'Ольга Сидорова',
  });
  const chat = familyChat(bot.emulator, familyUser.id);
  await chat.say('/menu', 'Главное меню');
  const confirmed = await askForHelp(chat, 'Нужно наколоть дрова на зиму');
  const number = /Заявка № (\d+) принята/.exec(confirmed.text ?? '')![1]!;
  const card = await bot.emulator.waitForMessage(
    pavel.user.id,
    (m) => m.text?.includes(`№ ${number}`) ?? false,
    10_000,
  );
  const sentToPavel = bot.emulator.messages(pavel.user.id, { from: 'bot' }).length;
  return { pavel, natalia: natalia!, familyUser, number, card, sentToPavel };
}

describe('who has the request', () => {
  it('the family is told the name of the curator the card reached, not of the one who blocked the bot', async () => {
    const district = await districtByCode(bot.db, 'dankov');
    const oleg = await curator(district.id, 'Олег Смирнов');
    const anna = await curator(district.id, 'Анна Петрова');
    bot.emulator.setBlocked(oleg.user.id, true);
    const familyUser = bot.emulator.createUser({ first_name: 'Мария', language_code: 'ru' });
    await createRegisteredFamily(bot.db, {
      telegramId: familyUser.id,
      curatorId: oleg.member.id,
      districtId: district.id,
    });
    const chat = familyChat(bot.emulator, familyUser.id);
    await chat.say('/menu', 'Главное меню');

    const confirmed = await askForHelp(chat, 'Нужно наколоть дрова на зиму');
    const number = /Заявка № (\d+) принята/.exec(confirmed.text ?? '')![1]!;
    // The summary they pressed now reads as the request sent, its number under it, no buttons left.
    expect(confirmed.text).toMatch(/^Проверьте заявку:\nДругое\n/);
    expect(confirmed.text).not.toContain('Всё верно?');
    expect(confirmed.text).toContain(
      `\n\nЗаявка № ${number} принята, передаём её куратору. Куратор свяжется с вами.\nСледить за заявкой можно в разделе «Мои заявки».`,
    );
    expect(confirmed.reply_markup).toBeUndefined();
    const told = await chat.next('доставлена куратору');
    expect(told.text).toBe(`Заявка № ${number} доставлена куратору. Ею займётся Анна Петрова.`);
    await bot.emulator.waitForMessage(anna.user.id, (m) => m.text?.includes(`№ ${number}`) ?? false, 10_000);
    expect(texts(familyUser.id).join('\n')).not.toContain('Олег');
  });

  it('when only the district supervisor can take it, the family is told that, once', async () => {
    // No curator anywhere can take it: on-call duty left over from other files would, so it is switched off.
    await bot.db.update(staff).set({ onCall: false }).where(eq(staff.onCall, true));
    const district = await districtByCode(bot.db, 'terbuny');
    const supervisors = [];
    for (const name of ['Елена Руководитель', 'Игорь Руководитель']) {
      const user = bot.emulator.createUser({ first_name: name.split(' ')[0]!, language_code: 'ru' });
      await createStaffMember(bot.db, {
        role: 'supervisor',
        telegramId: user.id,
        fullName: name,
        districtIds: [district.id],
      });
      supervisors.push(user);
    }
    const familyUser = bot.emulator.createUser({ first_name: 'Ирина', language_code: 'ru' });
    await createRegisteredFamily(bot.db, {
      telegramId: familyUser.id,
      curatorId: null,
      districtId: district.id,
    });
    const chat = familyChat(bot.emulator, familyUser.id);
    await chat.say('/menu', 'Главное меню');

    const confirmed = await askForHelp(chat, 'Помогите с документами');
    const number = /№ (\d+)/.exec(confirmed.text ?? '')![1]!;
    for (const user of supervisors) {
      await bot.emulator.waitForMessage(user.id, (m) => m.text?.includes(`№ ${number}`) ?? false, 10_000);
    }
    const told = await chat.next('передана руководителю');
    expect(told.text).toBe(
      `Заявка № ${number} передана руководителю кураторов вашего района — он назначит куратора.`,
    );
    // Two supervisors got the card; the family reads it once. A marker message proves the chat has settled.
    await chat.say('/menu', 'Главное меню');
    expect(texts(familyUser.id).filter((t) => t.includes('передана руководителю'))).toHaveLength(1);
    const notices = await bot.db
      .select({ id: notifications.id })
      .from(notifications)
      .where(
        and(eq(notifications.kind, 'family_request_delivered'), eq(notifications.chatId, familyUser.id)),
      );
    expect(notices).toHaveLength(1);
  });
});

describe('a curator is told when a family becomes theirs', () => {
  it('on registration, with the applicant, the district and the family card a tap away', async () => {
    const district = await districtByCode(bot.db, 'gryazi');
    const vera = await curator(district.id, 'Вера Кузнецова');
    // The least-loaded curator gets the family: the others of this district carry a family each.
    const others = await bot.db.select({ id: staff.id }).from(staff).where(eq(staff.role, 'curator'));
    for (const other of others) {
      if (other.id === vera.member.id) continue;
      await createRegisteredFamily(bot.db, {
        telegramId: bot.emulator.createUser({ first_name: 'Другая' }).id,
        curatorId: other.id,
        districtId: district.id,
      });
    }
    const familyUser = bot.emulator.createUser({ first_name: 'Мария', language_code: 'ru' });
    await registerThroughBot(familyChat(bot.emulator, familyUser.id), '+79005550101');

    const notice = await bot.emulator.waitForMessage(
      vera.user.id,
      (m) => m.text?.includes('👋') ?? false,
      10_000,
    );
    expect(notice.text).toBe(
      [
        '👋 Новая семья зарегистрировалась в боте и закреплена за вами.',
        'Заявитель: Иванова Мария Петровна',
        'Район: Грязинский район',
        'Кто в семье и какие меры поддержки она уже получает — в карточке семьи, кнопка ниже. Заявки семьи будут приходить сюда.',
      ].join('\n'),
    );
    expect(buttons(notice).map((b) => b.text)).toEqual(['Карточка семьи']);
    bot.emulator.pressButtonByText(vera.user.id, notice.message_id, 'Карточка семьи');
    const card = await bot.emulator.waitForMessage(
      vera.user.id,
      (m) => m.text?.includes('Иванова Мария Петровна') === true && m.message_id !== notice.message_id,
      10_000,
    );
    expect(card.text).toContain('Иванов Пётр Сергеевич');
  });

  it('when their colleague leaves the service and the family is handed to them', async () => {
    const district = await districtByCode(bot.db, 'usman');
    const leaving = await curator(district.id, 'Павел Уходящий');
    const staying = await curator(district.id, 'Наталья Остающаяся');
    const familyUser = bot.emulator.createUser({ first_name: 'Ольга', language_code: 'ru' });
    await createRegisteredFamily(bot.db, {
      telegramId: familyUser.id,
      curatorId: leaving.member.id,
      districtId: district.id,
      memberName: 'Ольга Сидорова',
    });
    await deactivateStaff({ db: bot.db }, leaving.member.id);
    const notice = await bot.emulator.waitForMessage(
      staying.user.id,
      (m) => m.text?.includes('👋') ?? false,
      10_000,
    );
    expect(notice.text).toContain('👋 Вам передана семья: прежний куратор больше не работает в службе.');
    expect(notice.text).toContain('Заявитель: Ольга Сидорова\nРайон: Усманский район');
  });

  // Deactivation hands the open requests over with the family; only a take-back reaches the former curator.
  it('when their colleague leaves with an open request: its card comes with the family, the former curator is sent nothing more', async () => {
    const { pavel, natalia, familyUser, number, card, sentToPavel } =
      await leavingWithACard('Наталья Остающаяся');

    await deactivateStaff({ db: bot.db }, pavel.member.id);

    const handed = await bot.emulator.waitForMessage(
      natalia.user.id,
      (m) => m.text?.startsWith(`Вам передана заявка № ${number}:`) ?? false,
      10_000,
    );
    expect(handed.text).toContain(
      `Вам передана заявка № ${number}: прежний куратор больше не работает в службе.`,
    );
    expect(handed.text).toContain('Нужно наколоть дрова на зиму');
    // The family's notice goes before its requests' cards.
    const family = bot.emulator
      .messages(natalia.user.id, { from: 'bot' })
      .find((m) => m.text?.startsWith('👋'));
    expect(family?.text).toContain('👋 Вам передана семья: прежний куратор больше не работает в службе.');
    expect(family?.text).toContain(`№ ${number}`);
    await bot.emulator.waitForMessage(
      familyUser.id,
      (m) => m.text?.includes('Ваш новый куратор — Наталья Остающаяся') ?? false,
      10_000,
    );
    // Павел's card is taken back (its text replaced, buttons gone); nothing new reaches his chat.
    const edited = await bot.emulator.waitForEdit(pavel.user.id, card.message_id, 10_000, {
      afterVersion: 0,
    });
    expect(edited.text).toContain(`Заявка № ${number} передана другому куратору: Наталья Остающаяся.`);
    expect(bot.emulator.messages(pavel.user.id, { from: 'bot' })).toHaveLength(sentToPavel);
  });

  // Nobody in the district can take the request over: it stays for the supervisor, and the card in the
  // former curator's chat (the family's data) is taken back all the same.
  it('when a curator leaves and no colleague can take the request: their card says it went to the district supervisor', async () => {
    const { pavel, card, number, sentToPavel } = await leavingWithACard();

    await deactivateStaff({ db: bot.db }, pavel.member.id);

    const edited = await bot.emulator.waitForEdit(pavel.user.id, card.message_id, 10_000, {
      afterVersion: 0,
    });
    expect(edited.text).toBe(
      `Заявка № ${number} передана руководителю района. Действия по ней вам больше недоступны, кнопки убраны.`,
    );
    expect(buttons(edited)).toEqual([]);
    expect(bot.emulator.messages(pavel.user.id, { from: 'bot' })).toHaveLength(sentToPavel);
  });
});
