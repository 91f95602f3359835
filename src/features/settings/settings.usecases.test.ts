import { eq, inArray } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegisteredFamily } from '../../../test/helpers/factories.js';
import { createDraftsRepository } from '../../bot/dialogue/drafts.js';
import { createDb } from '../../db/client.js';
import {
  attachments,
  consentEvents,
  dialogueDrafts,
  families,
  familyMembers,
  householdMembers,
  messages,
  requestEvents,
  requests,
} from '../../db/schema/index.js';
import { collectStoredData, withdrawConsent } from './settings.usecases.js';

const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 2 });
afterAll(async () => {
  await sql.end({ timeout: 5 });
});

/** A family with one resolved and one open request, a message each way and an attachment. */
async function familyWithHistory(telegramId: number) {
  const { family, member } = await createRegisteredFamily(db, {
    telegramId,
    children: [{ fullName: 'Иванов Артём' }],
    elderly: [{ fullName: 'Иванова Нина', careNeeds: 'продукты' }],
  });
  const deadline = new Date(Date.now() + 3_600_000);
  const [resolved, open] = await db
    .insert(requests)
    .values([
      {
        familyId: family.id,
        memberId: member.id,
        category: 'nanny',
        details: { childName: 'Иванов Артём', address: 'ул. Советская' },
        status: 'resolved',
        rating: 5,
        ratingComment: 'Спасибо Анне Петровне',
        takeDeadlineAt: deadline,
        resolveDeadlineAt: deadline,
      },
      {
        familyId: family.id,
        memberId: member.id,
        category: 'legal',
        details: { topic: 'documents', description: 'Паспорт сына' },
        takeDeadlineAt: deadline,
        resolveDeadlineAt: deadline,
      },
    ])
    .returning();
  await db.insert(messages).values([
    {
      requestId: open!.id,
      familyId: family.id,
      direction: 'family_to_staff',
      senderMemberId: member.id,
      kind: 'text',
      text: 'Мой номер 8900…',
      familyChatId: telegramId,
      familyMessageId: 10,
    },
    {
      requestId: open!.id,
      familyId: family.id,
      direction: 'staff_to_family',
      kind: 'photo',
      fileId: 'photo-file',
      familyChatId: telegramId,
      familyMessageId: 11,
    },
  ]);
  await db
    .insert(attachments)
    .values({ requestId: open!.id, kind: 'document', fileId: 'doc', fileName: 'паспорт.pdf' });
  return { family, member, resolved: resolved!, open: open! };
}

describe('withdrawConsent', () => {
  it('of the last member erases the family’s personal data and keeps anonymous statistics', async () => {
    const { family, member, resolved, open } = await familyWithHistory(555_000_001);
    // A request of theirs half answered, a curator's phone intake about them, and someone else's draft.
    const drafts = createDraftsRepository(db);
    const draft = { args: [], step: 'description', consentVersion: 'v1' };
    await drafts.save({ ...draft, telegramId: 555_000_001, dialogue: 'request', answers: { a: 'Паспорт' } });
    await drafts.save({
      ...draft,
      telegramId: 555_000_091,
      dialogue: 'intake',
      answers: { phone: '+79990000001' },
      aboutFamilyId: family.id,
    });
    await drafts.save({ ...draft, telegramId: 555_000_092, dialogue: 'request', answers: {} });
    expect(
      await withdrawConsent({ db }, { familyId: family.id, memberId: member.id, telegramId: 555_000_001 }),
    ).toEqual({
      familyErased: true,
    });

    const [erasedMember] = await db.select().from(familyMembers).where(eq(familyMembers.id, member.id));
    expect(erasedMember).toMatchObject({ fullName: null, phone: null, telegramId: null, relationship: null });
    const [erasedFamily] = await db.select().from(families).where(eq(families.id, family.id));
    expect(erasedFamily).toMatchObject({ address: null, locality: null, districtId: family.districtId });
    const household = await db
      .select()
      .from(householdMembers)
      .where(eq(householdMembers.familyId, family.id));
    expect(household.map((h) => [h.kind, h.fullName, h.birthDate, h.careNeeds])).toEqual([
      ['child', null, null, null],
      ['elderly', null, null, null],
    ]);
    const familyMessages = await db
      .select()
      .from(messages)
      .where(eq(messages.familyId, family.id))
      .orderBy(messages.id);
    expect(familyMessages.map((m) => [m.kind, m.text, m.fileId, m.familyChatId])).toEqual([
      ['text', null, null, null],
      ['photo', null, null, null],
    ]);
    expect(await db.select().from(attachments).where(eq(attachments.requestId, open.id))).toEqual([]);

    const kept = await db
      .select()
      .from(requests)
      .where(eq(requests.familyId, family.id))
      .orderBy(requests.id);
    expect(kept.map((r) => [r.id, r.category, r.status, r.details, r.rating, r.ratingComment])).toEqual([
      [resolved.id, 'nanny', 'resolved', {}, 5, null],
      [open.id, 'legal', 'cancelled', {}, null, null],
    ]);
    const events = await db.select().from(requestEvents).where(eq(requestEvents.requestId, open.id));
    expect(events.map((e) => [e.type, e.actorKind, e.data])).toEqual([
      ['cancelled', 'system', { reason: 'consent_withdrawn' }],
    ]);
    const consents = await db.select().from(consentEvents).where(eq(consentEvents.memberId, member.id));
    expect(consents.map((c) => [c.decision, c.telegramId])).toEqual([['withdrawn', 555_000_001]]);
    const draftsLeft = await db
      .select({ telegramId: dialogueDrafts.telegramId })
      .from(dialogueDrafts)
      .where(inArray(dialogueDrafts.telegramId, [555_000_001, 555_000_091, 555_000_092]));
    expect(draftsLeft).toEqual([{ telegramId: 555_000_092 }]);
    await drafts.erase(555_000_092);
  });

  it('of one of two members erases that member only; a second call changes nothing', async () => {
    const { family, member } = await familyWithHistory(555_000_002);
    const [other] = await db
      .insert(familyMembers)
      .values({
        familyId: family.id,
        telegramId: 555_000_003,
        fullName: 'Иванов Пётр',
        phone: '+79000000003',
      })
      .returning();
    const owner = { familyId: family.id, memberId: other!.id, telegramId: 555_000_003 };
    expect(await withdrawConsent({ db }, owner)).toEqual({ familyErased: false });
    expect(await withdrawConsent({ db }, owner)).toEqual({ familyErased: false });
    const [stillThere] = await db.select().from(families).where(eq(families.id, family.id));
    expect(stillThere!.erasedAt).toBeNull();
    expect(stillThere!.address).not.toBeNull();
    const data = await collectStoredData({ db }, { familyId: family.id, memberId: member.id });
    expect(data.member?.fullName).toBe('Мария Иванова');
    expect(data.otherMembers).toEqual([]);
    expect(data.requests.map((r) => r.status)).toEqual(['resolved', 'new']);
    expect(await db.select().from(consentEvents).where(eq(consentEvents.memberId, other!.id))).toHaveLength(
      1,
    );
  });
});
