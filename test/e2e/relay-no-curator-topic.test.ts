import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { staff } from '../../src/db/schema/index.js';
import { useE2E } from '../helpers/e2e.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { familyChat } from '../helpers/family-dialogue.js';
import { createStaffMember, districtByCode } from '../helpers/routing-factories.js';

/**
 * «Написать куратору» for a family without a curator: a general question goes to the supervisors routing
 * names (supervisorsFor: the district's own, else the regional ones), and the family reads who that is —
 * or, with nobody to tell, that the question cannot be passed on now, and what it can do instead.
 */
const bot = useE2E();

async function supervisor(fullName: string, where: { regional: true } | { districtIds: number[] }) {
  const user = bot.emulator.createUser({ first_name: fullName.split(' ')[0]!, language_code: 'ru' });
  await createStaffMember(bot.db, { telegramId: user.id, fullName, role: 'supervisor', ...where });
}

describe('«Написать куратору» without a curator', () => {
  it('says who gets the message: nobody, the regional head, the district head', async () => {
    const volovo = await districtByCode(bot.db, 'volovo');
    const user = bot.emulator.createUser({ first_name: 'Вера', language_code: 'ru' });
    await createRegisteredFamily(bot.db, {
      telegramId: user.id,
      districtId: volovo.id,
      curatorId: null,
      memberName: 'Вера Кузнецова',
    });
    const chat = familyChat(bot.emulator, user.id);
    await chat.say('/menu', 'Главное меню');

    const nobody = await chat.say('Написать куратору', 'Куратор пока не назначен');
    expect(nobody.text).toContain(
      'Куратор пока не назначен, и руководители службы пока не на связи, поэтому общий вопрос сейчас некому передать. Оставить заявку можно и сейчас — кнопка «Нужна помощь». Если помощь нужна срочно, звоните на горячую линию:',
    );
    // No «Общий вопрос» to press: nobody would get it.
    expect(nobody.reply_markup).toBeUndefined();

    await supervisor('Галина Орлова', { regional: true });
    const regional = await chat.say('Написать куратору', 'Куратор пока не назначен');
    expect(regional.text).toBe(
      'Куратор пока не назначен, ваше сообщение получит руководитель по региону. О чём вы хотите написать? Новая просьба о помощи — через «Нужна помощь».',
    );
    expect(JSON.stringify(regional.reply_markup)).toContain('Общий вопрос');

    // The regional head leaves before the family presses «Общий вопрос»: told so, not asked to write.
    await bot.db.update(staff).set({ active: false }).where(eq(staff.fullName, 'Галина Орлова'));
    const late = await chat.press('Общий вопрос', 'Куратор пока не назначен');
    expect(late.text).toContain('поэтому общий вопрос сейчас некому передать');
    await bot.db.update(staff).set({ active: true }).where(eq(staff.fullName, 'Галина Орлова'));

    await supervisor('Пётр Воловский', { districtIds: [volovo.id] });
    const district = await chat.say('Написать куратору', 'Куратор пока не назначен');
    expect(district.text).toBe(
      'Куратор пока не назначен, ваше сообщение получит руководитель кураторов вашего района. О чём вы хотите написать? Новая просьба о помощи — через «Нужна помощь».',
    );
  });
});
