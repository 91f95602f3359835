import { eq, inArray, sql as raw } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegisteredFamily } from '../../../test/helpers/factories.js';
import { createStaffMember, districtByCode } from '../../../test/helpers/routing-factories.js';
import { createDb } from '../../db/client.js';
import { fieldFindings, fieldQuestionnaires, requests } from '../../db/schema/index.js';
import { type FieldAnswers, saveQuestionnaire } from './field.usecases.js';

const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 2 });
afterAll(async () => {
  await sql.end({ timeout: 5 });
});

let nextId = 9_500_000_000 + process.pid * 100;
const telegramId = () => {
  nextId += 1;
  return nextId;
};

const filled: FieldAnswers = {
  contact: 'visit',
  answers: { living_alone: 'yes', mobility: 'needs_help', care_at_home: 'needs_help' },
  needs: [
    { topic: 'mobility', text: 'Коляска' },
    { topic: 'care_at_home', text: 'Сиделка два раза в неделю' },
  ],
};

async function fieldWorkerAndFamily() {
  const district = await districtByCode(db, 'terbuny');
  const worker = await createStaffMember(db, {
    role: 'field',
    telegramId: telegramId(),
    districtIds: [district.id],
  });
  const { family, member } = await createRegisteredFamily(db, {
    telegramId: telegramId(),
    districtId: district.id,
  });
  return { worker, familyId: family.id, memberId: member.id };
}

async function savedRows(familyId: number) {
  const questionnaires = await db
    .select()
    .from(fieldQuestionnaires)
    .where(eq(fieldQuestionnaires.familyId, familyId));
  const made = await db.select({ id: requests.id }).from(requests).where(eq(requests.familyId, familyId));
  const ids = made.map((row) => row.id);
  const findings = ids.length
    ? await db.select().from(fieldFindings).where(inArray(fieldFindings.requestId, ids))
    : [];
  const events = ids.length
    ? await db.execute<{ n: number }>(
        raw`select count(*)::int as n from outbox where (payload->>'requestId')::bigint = any(${`{${ids.join(',')}}`}::bigint[])`,
      )
    : [{ n: 0 }];
  return {
    questionnaires: questionnaires.length,
    requests: ids.length,
    findings: findings.length,
    events: Number(events[0]!.n),
  };
}

/** Issue 16: a questionnaire, its findings and its requests (with their outbox events) commit together. */
describe('saving a field questionnaire', () => {
  it('writes the questionnaire, one request with its finding and outbox event per need, together', async () => {
    const { worker, familyId, memberId } = await fieldWorkerAndFamily();
    const saved = await saveQuestionnaire(
      { db, timeZone: 'Europe/Moscow' },
      { telegramId: worker.telegramId, familyId, memberId, filled, needText: (need) => need.text },
    );
    expect(saved).toMatchObject({ ok: true, staffId: worker.id });
    if (saved.ok) expect(saved.numbers).toHaveLength(2);
    const rows = await savedRows(familyId);
    expect(rows).toMatchObject({ questionnaires: 1, requests: 2, findings: 2 });
    expect(rows.events).toBeGreaterThanOrEqual(2);
  });

  it('leaves nothing at all when the second request fails mid-way', async () => {
    const { worker, familyId, memberId } = await fieldWorkerAndFamily();
    let calls = 0;
    const failing = (need: { text: string }) => {
      calls += 1;
      if (calls === 2) throw new Error('the process died between two requests');
      return need.text;
    };
    await expect(
      saveQuestionnaire(
        { db, timeZone: 'Europe/Moscow' },
        { telegramId: worker.telegramId, familyId, memberId, filled, needText: failing },
      ),
    ).rejects.toThrow('died');
    expect(calls).toBe(2);
    expect(await savedRows(familyId)).toEqual({ questionnaires: 0, requests: 0, findings: 0, events: 0 });
  });
});
