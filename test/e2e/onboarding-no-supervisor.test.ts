import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { familyMembers } from '../../src/db/schema/index.js';
import { useE2E } from '../helpers/e2e.js';
import { familyChat, registerThroughBot } from '../helpers/family-dialogue.js';
import { createConfirmedRequest } from '../helpers/routing-factories.js';

/**
 * A district with no curator and no supervisor of its own: what the family is promised at registration is
 * what routing does — a supervisor who can be told now (the district's, else a regional one) gets the
 * notice; while nobody can be, the family reads so, and the notice comes once a supervisor is there.
 */
const bot = useE2E({ pipeline: { reconcileIntervalMs: 1000 } });

const memberOf = async (telegramId: number) =>
  (await bot.db.select().from(familyMembers).where(eq(familyMembers.telegramId, telegramId)))[0]!;

describe('registration where the district has no curator and no supervisor', () => {
  it('promises a supervisor’s notice only when one can be told, and the regional supervisor gets it', async () => {
    // Nobody at all: no curator, no supervisor of the district, no regional one.
    const olga = bot.emulator.createUser({ first_name: 'Ольга', language_code: 'ru' });
    const first = await registerThroughBot(familyChat(bot.emulator, olga.id), '89005550021', {
      district: 'Данковский район',
    });
    expect(first.text).toContain(
      'Свободного куратора в вашем районе сейчас нет, и руководители службы пока не на связи. Как только руководитель будет на связи, мы сообщим ему о вас, и он назначит куратора.',
    );
    expect(first.text).toContain('Если помощь нужна срочно, звоните на горячую линию:');
    expect(first.text).not.toContain('руководителю придёт уведомление');

    // A regional supervisor joins: the notice about Olga's family reaches her (the district has no supervisor).
    const {
      staff: { galina: galinaSeeded },
    } = await bot.seed({ staff: { galina: { name: 'Галина Орлова', role: 'supervisor', regional: true } } });
    const galina = familyChat(bot.emulator, galinaSeeded.chat);
    const aboutOlga = await galina.next('Семья зарегистрировалась');
    expect(aboutOlga.text).toContain(
      `Семья зарегистрировалась в районе «Данковский район», но там нет активного куратора.\nНазначьте куратора семье (номер семьи в системе: ${(await memberOf(olga.id)).familyId}).`,
    );

    // Now there is someone to tell: the next family of the district reads the promise, and it is kept.
    const irina = bot.emulator.createUser({ first_name: 'Ирина', language_code: 'ru' });
    const irinaChat = familyChat(bot.emulator, irina.id);
    const second = await registerThroughBot(irinaChat, '89005550022', { district: 'Данковский район' });
    expect(second.text).toContain('Куратора назначат в ближайшее время: руководителю придёт уведомление.');
    const irinaMember = await memberOf(irina.id);
    const aboutIrina = await galina.next('Семья зарегистрировалась');
    expect(aboutIrina.text).toContain(`(номер семьи в системе: ${irinaMember.familyId})`);

    // Her request goes to the regional supervisor, and the family is told whose hands it is in.
    const request = await createConfirmedRequest(bot.db, {
      familyId: irinaMember.familyId,
      memberId: irinaMember.id,
      category: 'legal',
    });
    await galina.next(`№ ${request.number}`);
    const delivered = await irinaChat.next(`Заявка № ${request.number} передана`);
    expect(delivered.text).toBe(
      `Заявка № ${request.number} передана руководителю по региону — он назначит куратора.`,
    );
  });
});
