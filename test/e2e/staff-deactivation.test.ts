import { describe, expect, it } from 'vitest';
import { districts } from '../../src/db/schema/index.js';
import { deactivateStaff } from '../../src/features/supervision/index.js';
import { useE2E } from '../helpers/e2e.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { type FamilyChat, familyChat } from '../helpers/family-dialogue.js';
import { createStaffMember } from '../helpers/routing-factories.js';

/**
 * The admin deactivates a curator with a family and its open request: the colleague who takes the family
 * over gets the request's card as well, the family learns who its curator is now, and the former curator's
 * chat gets nothing more — their card of the request is only taken back.
 */
const bot = useE2E();

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

describe('a curator deactivated with an open request', () => {
  it('hands the request to the colleague with the family, and the former curator is sent nothing more', async () => {
    const code = `leaving-${Date.now()}`;
    const [district] = await bot.db
      .insert(districts)
      .values({ code, name: 'Район ухода', kind: 'municipal' })
      .returning();
    const pavel = await curator(district!.id, 'Павел Уходящий');
    const natalia = await curator(district!.id, 'Наталья Остающаяся');
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
    const edited = await bot.emulator.waitForEdit(pavel.user.id, card.message_id, 10_000, { afterVersion: 0 });
    expect(edited.text).toContain(`Заявка № ${number} передана другому куратору: Наталья Остающаяся.`);
    expect(bot.emulator.messages(pavel.user.id, { from: 'bot' })).toHaveLength(sentToPavel);
  });
});
