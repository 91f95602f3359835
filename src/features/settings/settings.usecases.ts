import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { createDraftsRepository } from '../../bot/dialogue/drafts.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { type Language, openRequestStatuses } from '../../db/schema/enums.js';
import {
  attachments,
  consentEvents,
  consultations,
  families,
  familyInvites,
  familyMembers,
  heldMessages,
  householdMembers,
  messages,
  requestEvents,
  requests,
  servicemen,
} from '../../db/schema/index.js';
import { writeOutbox } from '../../queue/outbox.js';
import { loadPassport, type PassportOwner } from '../passport/index.js';

export async function setMemberLanguage({ db }: { db: Db }, owner: PassportOwner, language: Language) {
  await db
    .update(familyMembers)
    .set({ language })
    .where(and(eq(familyMembers.id, owner.memberId), eq(familyMembers.familyId, owner.familyId)));
}

/** Everything stored about this person and their family, for «Что хранится обо мне». */
export async function collectStoredData({ db }: { db: Db }, owner: PassportOwner) {
  const [member] = await db.select().from(familyMembers).where(eq(familyMembers.id, owner.memberId));
  const passport = await loadPassport({ db }, owner);
  const otherMembers = await db
    .select({ fullName: familyMembers.fullName, relationship: familyMembers.relationship })
    .from(familyMembers)
    .where(and(eq(familyMembers.familyId, owner.familyId), isNull(familyMembers.erasedAt)))
    .orderBy(asc(familyMembers.id));
  const familyRequests = await db
    .select({
      number: requests.number,
      category: requests.category,
      status: requests.status,
      createdAt: requests.createdAt,
    })
    .from(requests)
    .where(eq(requests.familyId, owner.familyId))
    .orderBy(asc(requests.createdAt));
  const [messageCount] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(messages)
    .where(eq(messages.familyId, owner.familyId));
  const consents = await db
    .select({
      decision: consentEvents.decision,
      version: consentEvents.consentVersion,
      at: consentEvents.createdAt,
    })
    .from(consentEvents)
    .where(eq(consentEvents.memberId, owner.memberId))
    .orderBy(asc(consentEvents.id));
  return {
    member: member
      ? {
          fullName: member.fullName,
          relationship: member.relationship,
          phone: member.phone,
          telegramId: member.telegramId,
          language: member.language,
          consentVersion: member.consentVersion,
          consentAt: member.consentAt?.toISOString() ?? null,
        }
      : undefined,
    passport: passport?.draft,
    otherMembers: otherMembers.filter((row) => row.fullName !== member?.fullName),
    requests: familyRequests.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })),
    messageCount: messageCount?.count ?? 0,
    consents: consents.map((row) => ({ ...row, at: row.at.toISOString() })),
  };
}

export type StoredData = Awaited<ReturnType<typeof collectStoredData>>;

/**
 * «Удалить мои данные» (SPEC §8): consent withdrawn, recorded as a consent event; the member's personal
 * fields are erased at once (name, phone, relationship, Telegram id — so /start begins afresh) and so are
 * the texts and files of messages they sent. When no registered member of the family remains, the family's
 * personal data goes too (address, locality, serviceman, household names and dates, request details,
 * message texts, attachments, rating comments, a psychologist's notes); open requests and booked
 * consultations are cancelled. What stays is anonymous statistics: district, categories, dates, statuses,
 * ratings, the request history of ids and codes.
 * A `consent_withdrawn` outbox row takes the data back from staff chats and tells the staff (erasure.ts).
 */
export async function withdrawConsent(
  { db, now = new Date() }: { db: Db; now?: Date },
  owner: PassportOwner & { telegramId: number },
): Promise<{ familyErased: boolean }> {
  return db.transaction(async (tx) => {
    if (!(await eraseMember(tx, owner, now))) return { familyErased: false };
    const remaining = await tx
      .select({ id: familyMembers.id })
      .from(familyMembers)
      .where(and(eq(familyMembers.familyId, owner.familyId), isNull(familyMembers.erasedAt)));
    const told = (familyErased: boolean, cancelledRequestIds: number[]) =>
      writeOutbox(tx, {
        kind: 'consent_withdrawn',
        payload: { familyId: owner.familyId, memberId: owner.memberId, familyErased, cancelledRequestIds },
      });
    if (remaining.length > 0) {
      // The member's own messages leave the staff chats; the family's data stays for the others.
      await told(false, []);
      return { familyErased: false };
    }
    await told(true, await eraseFamily(tx, owner.familyId, now));
    return { familyErased: true };
  });
}

/**
 * The member's side of a withdrawal: the consent event, their personal fields, their messages' texts and
 * files, what they typed and was not passed on, their unfinished dialogues. False: nothing to erase.
 */
async function eraseMember(tx: DbOrTx, owner: PassportOwner & { telegramId: number }, now: Date) {
  const [member] = await tx
    .select({ consentVersion: familyMembers.consentVersion, erasedAt: familyMembers.erasedAt })
    .from(familyMembers)
    .where(and(eq(familyMembers.id, owner.memberId), eq(familyMembers.familyId, owner.familyId)))
    .for('update');
  if (!member || member.erasedAt) return false;
  await tx.insert(consentEvents).values({
    telegramId: owner.telegramId,
    memberId: owner.memberId,
    decision: 'withdrawn',
    consentVersion: member.consentVersion ?? 'unknown',
    createdAt: now,
  });
  await tx
    .update(familyMembers)
    .set({ fullName: null, phone: null, relationship: null, telegramId: null, erasedAt: now })
    .where(eq(familyMembers.id, owner.memberId));
  await tx
    .update(messages)
    .set({ text: null, fileId: null, familyChatId: null })
    .where(eq(messages.senderMemberId, owner.memberId));
  // Messages typed outside any dialogue and not yet passed on go entirely (features/relay).
  await tx.delete(heldMessages).where(eq(heldMessages.memberId, owner.memberId));
  // So do the answers of any dialogue of theirs not finished (bot/dialogue/drafts.ts).
  await createDraftsRepository(tx).erase(owner.telegramId);
  return true;
}

/** The family's personal data, when no registered member remains; returns the requests it cancelled. */
async function eraseFamily(tx: DbOrTx, familyId: number, now: Date): Promise<number[]> {
  // A curator's phone intake or request on the family's behalf, not finished: its answers go too.
  await createDraftsRepository(tx).eraseAboutFamily(familyId);
  await tx
    .update(families)
    .set({ address: null, locality: null, employment: null, erasedAt: now, updatedAt: now })
    .where(eq(families.id, familyId));
  await tx
    .update(servicemen)
    .set({ fullName: null, birthDate: null })
    .where(eq(servicemen.familyId, familyId));
  await tx
    .update(householdMembers)
    .set({ fullName: null, birthDate: null, institutionName: null, careNeeds: null })
    .where(eq(householdMembers.familyId, familyId));
  await tx
    .update(messages)
    .set({ text: null, fileId: null, familyChatId: null })
    .where(eq(messages.familyId, familyId));
  await tx
    .update(familyInvites)
    .set({ expiresAt: now })
    .where(and(eq(familyInvites.familyId, familyId), isNull(familyInvites.usedAt)));
  const familyRequestIds = tx
    .select({ id: requests.id })
    .from(requests)
    .where(eq(requests.familyId, familyId));
  await tx.delete(attachments).where(inArray(attachments.requestId, familyRequestIds));
  const cancelled = await cancelOpenRequests(tx, familyId, now);
  await cancelConsultations(tx, familyId, now);
  await tx
    .update(requests)
    .set({ details: {}, ratingComment: null, updatedAt: now })
    .where(eq(requests.familyId, familyId));
  return cancelled;
}

/**
 * The family's bookings with a psychologist go with its requests: a booked one is cancelled (`erased`, by the
 * family), so no reminder naming nobody reaches the psychologist and /today and /week no longer list it; the
 * psychologist's notes on every consultation of the family are erased (they are about the family). The
 * psychologist's messages about them are taken back by the `consent_withdrawn` job (erasure.ts).
 */
async function cancelConsultations(tx: DbOrTx, familyId: number, now: Date) {
  await tx
    .update(consultations)
    .set({ status: 'cancelled', cancelReason: 'erased', cancelledBy: 'family', closedAt: now })
    .where(and(eq(consultations.familyId, familyId), eq(consultations.status, 'booked')));
  await tx.update(consultations).set({ notes: null }).where(eq(consultations.familyId, familyId));
}

/** The family's open requests cancelled by the withdrawal, each with its `cancelled` event. */
async function cancelOpenRequests(tx: DbOrTx, familyId: number, now: Date): Promise<number[]> {
  const cancelled = await tx
    .update(requests)
    .set({ status: 'cancelled', closedAt: now, updatedAt: now })
    .where(and(eq(requests.familyId, familyId), inArray(requests.status, [...openRequestStatuses])))
    .returning({ id: requests.id });
  if (cancelled.length > 0) {
    await tx.insert(requestEvents).values(
      cancelled.map((row) => ({
        requestId: row.id,
        type: 'cancelled' as const,
        actorKind: 'system' as const,
        data: { reason: 'consent_withdrawn' },
        createdAt: now,
      })),
    );
  }
  return cancelled.map((row) => row.id);
}
