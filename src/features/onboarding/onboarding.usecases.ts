import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import type { Language, Relationship } from '../../db/schema/enums.js';
import { consentEvents, families, familyMembers, servicemen, staff } from '../../db/schema/index.js';
import { writeOutbox } from '../../queue/outbox.js';
import {
  checkFamilyInvite,
  claimFamilyInvite,
  type FamilyInviteState,
  isWellFormedFamilyInvite,
  recordFamilyInviteUser,
} from '../family-invites/index.js';
import { addHousehold, type PassportDraft, passportDraftSchema } from '../passport/index.js';
import { leastLoadedCurator, supervisorsToTell } from '../staff/index.js';
import { findCurrentMember } from './onboarding.repository.js';

/** Serializes registrations of one Telegram account (a double tap must not create two families). */
async function lockTelegramAccount(tx: DbOrTx, telegramId: number) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`family-member:${telegramId}`}))`);
}

export interface RegistrationInput {
  telegramId: number;
  phone: string;
  language: Language;
  consentVersion: string;
  draft: PassportDraft;
}

export type RegistrationResult =
  | {
      ok: true;
      familyId: number;
      memberId: number;
      curatorName: string | undefined;
      /**
       * No curator: whether a supervisor can be told now (the district's own, else a regional one — staff's
       * supervisorsToTell, whom routing sends the notice to). False: nobody yet; the notice waits for one (reconciler).
       */
      supervisorToTell: boolean;
    }
  | { ok: false; reason: 'already_registered' };

async function curatorName(db: DbOrTx, id: number | undefined) {
  if (id === undefined) return undefined;
  const [row] = await db.select({ fullName: staff.fullName }).from(staff).where(eq(staff.id, id));
  return row?.fullName;
}

/**
 * Saves a new family in one transaction: family, member with the consent version and time, the consent
 * event, serviceman, household; assigns the least-loaded curator of the district, or — when the district
 * has none — records that the supervisors must be told (outbox), and the family is registered anyway.
 */
export async function registerFamily(
  { db, now = new Date() }: { db: Db; now?: Date },
  input: RegistrationInput,
): Promise<RegistrationResult> {
  const draft = passportDraftSchema.parse(input.draft);
  return db.transaction(async (tx) => {
    await lockTelegramAccount(tx, input.telegramId);
    if (await findCurrentMember(tx, input.telegramId))
      return { ok: false, reason: 'already_registered' } as const;
    const curatorId = await leastLoadedCurator(tx, draft.districtId, { now });
    const [family] = await tx
      .insert(families)
      .values({
        districtId: draft.districtId,
        locality: draft.locality,
        address: draft.address ?? null,
        curatorId: curatorId ?? null,
        reachedBy: 'telegram',
      })
      .returning({ id: families.id });
    const familyId = family!.id;
    const [member] = await tx
      .insert(familyMembers)
      .values({
        familyId,
        telegramId: input.telegramId,
        fullName: draft.applicantName,
        relationship: draft.relationship,
        phone: input.phone,
        language: input.language,
        consentVersion: input.consentVersion,
        consentAt: now,
      })
      .returning({ id: familyMembers.id });
    const memberId = member!.id;
    await tx.insert(consentEvents).values({
      telegramId: input.telegramId,
      memberId,
      decision: 'agreed',
      consentVersion: input.consentVersion,
      createdAt: now,
    });
    await tx.insert(servicemen).values({
      familyId,
      fullName: draft.servicemanName,
      birthDate: draft.servicemanBirthDate ?? null,
    });
    await addHousehold(tx, familyId, draft);
    await writeOutbox(
      tx,
      curatorId === undefined
        ? { kind: 'family_without_curator', payload: { familyId } }
        : { kind: 'family_assigned', payload: { familyId, staffId: curatorId, reason: 'registered' } },
    );
    const supervisorToTell =
      curatorId === undefined && (await supervisorsToTell(tx, draft.districtId, now)).ids.length > 0;
    return {
      ok: true,
      familyId,
      memberId,
      curatorName: await curatorName(tx, curatorId),
      supervisorToTell,
    } as const;
  });
}

export type PhoneLinkResult =
  | { ok: true; familyId: number; memberId: number; curatorName: string | undefined }
  | { ok: false };

/**
 * A family a curator registered by phone (SPEC §4 phone intake): the person who then starts the bot and
 * shares that phone through Telegram's contact button (so the number is theirs) becomes that member — their
 * own consent is recorded now, and no second family is made.
 */
export async function linkPhoneMember(
  { db, now = new Date() }: { db: Db; now?: Date },
  input: { telegramId: number; phone: string; language: Language; consentVersion: string },
): Promise<PhoneLinkResult> {
  return db.transaction(async (tx) => {
    await lockTelegramAccount(tx, input.telegramId);
    if (await findCurrentMember(tx, input.telegramId)) return { ok: false } as const;
    const [found] = await tx
      .select({ id: familyMembers.id, familyId: familyMembers.familyId, curatorId: families.curatorId })
      .from(familyMembers)
      .innerJoin(families, eq(families.id, familyMembers.familyId))
      .where(
        and(
          eq(familyMembers.phone, input.phone),
          isNull(familyMembers.telegramId),
          isNull(familyMembers.erasedAt),
          isNull(families.erasedAt),
        ),
      )
      .orderBy(familyMembers.id)
      .limit(1)
      .for('update', { of: familyMembers });
    if (!found) return { ok: false } as const;
    await tx
      .update(familyMembers)
      .set({
        telegramId: input.telegramId,
        language: input.language,
        consentVersion: input.consentVersion,
        consentAt: now,
      })
      .where(eq(familyMembers.id, found.id));
    await tx.insert(consentEvents).values({
      telegramId: input.telegramId,
      memberId: found.id,
      decision: 'agreed',
      consentVersion: input.consentVersion,
      createdAt: now,
    });
    return {
      ok: true,
      familyId: found.familyId,
      memberId: found.id,
      curatorName: await curatorName(tx, found.curatorId ?? undefined),
    } as const;
  });
}

export type JoinResult =
  | { ok: true; familyId: number; memberId: number; curatorName: string | undefined }
  | { ok: false; reason: Exclude<FamilyInviteState, 'valid'> | 'already_registered' };

/** The invited person joins the family (no new passport): member with consent, consent event, invite used. */
export async function joinFamilyByInvite(
  { db, now = new Date() }: { db: Db; now?: Date },
  input: {
    payload: string;
    telegramId: number;
    phone: string;
    language: Language;
    consentVersion: string;
    fullName: string;
    relationship: Relationship;
  },
): Promise<JoinResult> {
  if (!isWellFormedFamilyInvite(input.payload)) return { ok: false, reason: 'forged' };
  return db.transaction(async (tx) => {
    await lockTelegramAccount(tx, input.telegramId);
    if (await findCurrentMember(tx, input.telegramId))
      return { ok: false, reason: 'already_registered' } as const;
    const invite = await claimFamilyInvite(tx, input.payload, now);
    if (!invite) {
      const state = await checkFamilyInvite({ db, now }, input.payload);
      return { ok: false, reason: state === 'valid' ? 'used' : state } as const;
    }
    const [family] = await tx
      .select({ curatorId: families.curatorId, erasedAt: families.erasedAt })
      .from(families)
      .where(eq(families.id, invite.familyId));
    if (!family || family.erasedAt) return { ok: false, reason: 'expired' } as const;
    const [member] = await tx
      .insert(familyMembers)
      .values({
        familyId: invite.familyId,
        telegramId: input.telegramId,
        fullName: input.fullName,
        relationship: input.relationship,
        phone: input.phone,
        language: input.language,
        consentVersion: input.consentVersion,
        consentAt: now,
      })
      .returning({ id: familyMembers.id });
    await recordFamilyInviteUser(tx, invite.id, member!.id);
    await tx.insert(consentEvents).values({
      telegramId: input.telegramId,
      memberId: member!.id,
      decision: 'agreed',
      consentVersion: input.consentVersion,
      createdAt: now,
    });
    return {
      ok: true,
      familyId: invite.familyId,
      memberId: member!.id,
      curatorName: await curatorName(tx, family.curatorId ?? undefined),
    } as const;
  });
}
