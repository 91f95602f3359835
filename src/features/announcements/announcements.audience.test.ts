import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegisteredFamily } from '../../../test/helpers/factories.js';
import { districtByCode } from '../../../test/helpers/routing-factories.js';
import { createDb } from '../../db/client.js';
import { familyMembers, householdMembers } from '../../db/schema/index.js';
import { type AudienceFilter, audienceRecipients } from './announcements.audience.js';

const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 2 });
afterAll(async () => {
  await sql.end({ timeout: 5 });
});

const TODAY = '2026-12-04';
let nextId = 9_300_000_000 + process.pid * 100;

/** A family of the district with this household; returns its id. */
async function family(districtId: number, household: Array<Partial<typeof householdMembers.$inferInsert>>) {
  nextId += 1;
  const { family: made } = await createRegisteredFamily(db, { telegramId: nextId, districtId });
  for (const member of household)
    await db.insert(householdMembers).values({ familyId: made.id, kind: 'child', ...member });
  return made.id;
}

/**
 * Who an announcement's passport filters reach (issue 16 §2): a table of households and, for each filter
 * (and two together), whether the family is in. Ages are counted on the region's date: a child who turns 7
 * today is no longer «до 7 лет».
 */
describe('announcement audience filters', () => {
  it('picks the families each filter names, all filters at once, in the chosen districts only', async () => {
    const district = await districtByCode(db, 'elets');
    const other = await districtByCode(db, 'dobroe');
    const f = {
      toddlerInKindergarten: await family(district.id, [
        { birthDate: '2021-03-14', institution: 'kindergarten' },
      ]),
      sevenToday: await family(district.id, [{ birthDate: '2019-12-04', institution: 'school' }]),
      sevenTomorrow: await family(district.id, [{ birthDate: '2019-12-05', institution: 'none' }]),
      pupilAndGrandma: await family(district.id, [
        { birthDate: '2015-09-01', institution: 'school' },
        { kind: 'elderly', birthDate: null },
      ]),
      nobody: await family(district.id, []),
      elsewhere: await family(other.id, [{ birthDate: '2022-01-01', institution: 'kindergarten' }]),
    };
    const cases: Array<[AudienceFilter[], Array<keyof typeof f>]> = [
      [[], ['toddlerInKindergarten', 'sevenToday', 'sevenTomorrow', 'pupilAndGrandma', 'nobody']],
      [['children_under_7'], ['toddlerInKindergarten', 'sevenTomorrow']],
      [['kindergarten'], ['toddlerInKindergarten']],
      [['school_children'], ['sevenToday', 'pupilAndGrandma']],
      [['elderly'], ['pupilAndGrandma']],
      [['school_children', 'elderly'], ['pupilAndGrandma']],
      [['children_under_7', 'school_children'], []],
    ];
    const ours = new Set(Object.values(f));
    for (const [filters, expected] of cases) {
      const recipients = await audienceRecipients(db, { districtIds: [district.id], filters }, TODAY);
      const got = recipients.filter((r) => ours.has(r.familyId)).map((r) => r.familyId);
      expect(got.sort(), filters.join('+') || 'no filter').toEqual(expected.map((name) => f[name]).sort());
    }
    const both = await audienceRecipients(
      db,
      { districtIds: [district.id, other.id], filters: ['kindergarten'] },
      TODAY,
    );
    expect(
      both
        .filter((r) => ours.has(r.familyId))
        .map((r) => r.familyId)
        .sort(),
    ).toEqual([f.toddlerInKindergarten, f.elsewhere].sort());
  });

  it('leaves out members who turned announcements off, blocked the bot, deleted their data or have no chat', async () => {
    const district = await districtByCode(db, 'izmalkovo');
    const ids: number[] = [];
    for (const change of [
      { announcementsOff: false },
      { announcementsOff: true },
      { botBlocked: true },
      { erasedAt: new Date() },
      { telegramId: null },
    ]) {
      const familyId = await family(district.id, []);
      await db.update(familyMembers).set(change).where(eq(familyMembers.familyId, familyId));
      ids.push(familyId);
    }
    const recipients = await audienceRecipients(db, { districtIds: [district.id], filters: [] }, TODAY);
    expect(recipients.filter((r) => ids.includes(r.familyId)).map((r) => r.familyId)).toEqual([ids[0]]);
  });
});
