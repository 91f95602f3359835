import { afterAll, describe, expect, it } from 'vitest';
import { createStaffMember, districtByCode } from '../../../test/helpers/routing-factories.js';
import { createDb } from '../../db/client.js';
import { checkSender } from './announcements.usecases.js';

const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 2 });
afterAll(async () => {
  await sql.end({ timeout: 5 });
});

let nextId = 9_400_000_000 + process.pid * 100;
const telegramId = () => {
  nextId += 1;
  return nextId;
};

/** Who may announce to whom (issue 16 §2), checked on the server against the current state. */
describe('the sender of an announcement', () => {
  it('is a supervisor: their districts; a regional one: any district or the whole region', async () => {
    const [terbuny, chaplygin] = await Promise.all([
      districtByCode(db, 'terbuny'),
      districtByCode(db, 'chaplygin'),
    ]);
    const local = await createStaffMember(db, {
      role: 'supervisor',
      telegramId: telegramId(),
      districtIds: [terbuny.id],
    });
    const regional = await createStaffMember(db, {
      role: 'supervisor',
      telegramId: telegramId(),
      regional: true,
    });
    const curator = await createStaffMember(db, { telegramId: telegramId(), districtIds: [terbuny.id] });
    const gone = await createStaffMember(db, {
      role: 'supervisor',
      telegramId: telegramId(),
      districtIds: [terbuny.id],
      active: false,
    });

    expect(await checkSender(db, local.telegramId, [terbuny.id])).toMatchObject({
      ok: true,
      staffId: local.id,
    });
    expect(await checkSender(db, local.telegramId, [terbuny.id, chaplygin.id])).toEqual({
      ok: false,
      reason: 'out_of_scope',
    });
    expect(await checkSender(db, local.telegramId, [])).toEqual({ ok: false, reason: 'out_of_scope' });
    expect(await checkSender(db, regional.telegramId, [])).toMatchObject({ ok: true, regional: true });
    expect(await checkSender(db, regional.telegramId, [chaplygin.id])).toMatchObject({ ok: true });
    for (const refused of [curator, gone])
      expect(await checkSender(db, refused.telegramId, [terbuny.id])).toEqual({
        ok: false,
        reason: 'not_supervisor',
      });
  });
});
