import { afterAll, describe, expect, it } from 'vitest';
import { createRegisteredFamily } from '../../../test/helpers/factories.js';
import { retractionsOf } from '../../../test/helpers/retractions.js';
import {
  createConfirmedRequest,
  createStaffMember,
  districtByCode,
} from '../../../test/helpers/routing-factories.js';
import { createDb } from '../../db/client.js';
import { notifications } from '../../db/schema/index.js';
import { retractHandedOver } from './retraction.js';

// A message sent in several parts (one Bot API call per turn) whose first part is already in the previous
// curator's chat when the reassignment comes, between two turns: the rest is withdrawn unsent, and the part
// already shown is taken back like a sent message. (Found by the second reader of the claim lease.)
describe('a reassignment between the parts of a card', () => {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 3 });
  afterAll(async () => {
    await sql.end();
  });

  it('takes back the parts already shown', async () => {
    const district = await districtByCode(db, 'dankov');
    const previous = await createStaffMember(db, { telegramId: 9_500_001, districtIds: [district.id] });
    const next = await createStaffMember(db, { telegramId: 9_500_002, districtIds: [district.id] });
    const { family } = await createRegisteredFamily(db, {
      telegramId: 9_500_003,
      districtId: district.id,
      curatorId: previous.id,
    });
    const request = await createConfirmedRequest(db, { familyId: family.id });
    await db.insert(notifications).values({
      dedupeKey: `partial-retraction:${request.id}`,
      kind: 'test_card',
      requestId: request.id,
      recipientStaffId: previous.id,
      chatId: 9_500_001,
      // Part 1 went out as message 311; part 2 waits for the chat's next slot.
      payload: { sentSteps: [[311]] },
    });

    await retractHandedOver(db, { requestId: request.id, toStaffId: next.id, kinds: ['test_card'] });

    const takenBack = await retractionsOf(db, 9_500_001, 311);
    expect(takenBack).toHaveLength(1);
  });
});
