import type { BotUnderTest } from './bot-app.js';
import { createRegisteredFamily } from './factories.js';
import { createConfirmedRequest, createStaffMember, districtByCode } from './routing-factories.js';

/**
 * A curator of `districtCode` with a chat, a family of theirs with a chat («Мария»), and a request the family
 * has just confirmed, waited for until its card reaches the curator through routing and delivery (and the
 * family has read who has it).
 */
export async function routedRequest(
  bot: BotUnderTest,
  { districtCode = 'gryazi', curatorName }: { districtCode?: string; curatorName: string },
) {
  const district = await districtByCode(bot.db, districtCode);
  const curatorUser = bot.emulator.createUser({ first_name: curatorName, language_code: 'ru' });
  const curator = await createStaffMember(bot.db, {
    telegramId: curatorUser.id,
    fullName: curatorName,
    districtIds: [district.id],
  });
  const familyUser = bot.emulator.createUser({ first_name: 'Мария', language_code: 'ru' });
  const { family, member } = await createRegisteredFamily(bot.db, {
    telegramId: familyUser.id,
    curatorId: curator.id,
    districtId: district.id,
  });
  const request = await createConfirmedRequest(bot.db, { familyId: family.id, memberId: member.id });
  const card = await bot.emulator.waitForMessage(
    curatorUser.id,
    (m) => m.text?.includes(`№ ${request.number}`) ?? false,
    15_000,
  );
  // Once the card has arrived, the family is told who has the request; read here so that a test's next
  // wait in the family's chat sees what comes after.
  await bot.emulator.waitForMessage(
    familyUser.id,
    (m) => m.text?.includes(`№ ${request.number} доставлена куратору`) ?? false,
    15_000,
  );
  return { district, curatorUser, curator, familyUser, family, member, request, card };
}
