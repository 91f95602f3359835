import { eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { families } from '../../db/schema/index.js';
import { writeOutbox } from '../../queue/outbox.js';
import { leastLoadedCurator } from '../staff/index.js';
import { createPassportRepository } from './passport.repository.js';
import {
  type ChildDraft,
  childSchema,
  type PassportDraft,
  passportDraftSchema,
  type RelativeDraft,
  relativeSchema,
} from './passport.schemas.js';

/** Whose passport: the member's own family, taken from the member row on the server, never from a button. */
export interface PassportOwner {
  familyId: number;
  memberId: number;
}

/** The member's passport as stored; works inside the caller's transaction too. */
export function loadPassport({ db }: { db: DbOrTx }, owner: PassportOwner) {
  return createPassportRepository({ db }).load(owner.familyId, owner.memberId);
}

/** Adds the passport's children and relatives to a family being registered (in the caller's transaction). */
export async function addHousehold(
  db: DbOrTx,
  familyId: number,
  draft: Pick<PassportDraft, 'children' | 'relatives'>,
) {
  const passport = createPassportRepository({ db });
  for (const child of draft.children) await passport.insertChild(familyId, child);
  for (const relative of draft.relatives) await passport.insertRelative(familyId, relative);
}

/**
 * Saves changed passport fields. Moving to another district hands the family to the least-loaded curator
 * there (or, with none, records that the supervisors must be told), in the same transaction.
 */
export async function savePassportFields(
  { db, now = new Date() }: { db: Db; now?: Date },
  owner: PassportOwner,
  input: PassportDraft,
): Promise<{ curatorChanged: boolean }> {
  const draft = passportDraftSchema.parse(input);
  return db.transaction(async (tx) => {
    const [family] = await tx
      .select({ districtId: families.districtId })
      .from(families)
      .where(eq(families.id, owner.familyId));
    if (!family) throw new Error('family not found');
    await createPassportRepository({ db: tx }).updateFields(owner.familyId, owner.memberId, draft, now);
    if (family.districtId === draft.districtId) return { curatorChanged: false };
    const curatorId = await leastLoadedCurator(tx, draft.districtId, { now });
    await tx
      .update(families)
      .set({ curatorId: curatorId ?? null, updatedAt: now })
      .where(eq(families.id, owner.familyId));
    await writeOutbox(
      tx,
      curatorId === undefined
        ? { kind: 'family_without_curator', payload: { familyId: owner.familyId } }
        : {
            kind: 'family_assigned',
            payload: { familyId: owner.familyId, staffId: curatorId, reason: 'district_changed' },
          },
    );
    return { curatorChanged: true };
  });
}

export async function addChild({ db }: { db: Db }, owner: PassportOwner, child: ChildDraft) {
  await createPassportRepository({ db }).insertChild(owner.familyId, childSchema.parse(child));
}

export async function addRelative({ db }: { db: Db }, owner: PassportOwner, relative: RelativeDraft) {
  await createPassportRepository({ db }).insertRelative(owner.familyId, relativeSchema.parse(relative));
}

/** «Работа» in the passport: employed, looking for work, or not said (null). */
export function saveEmployment({ db }: { db: Db }, owner: PassportOwner, employment: string) {
  const value = employment === 'employed' || employment === 'unemployed' ? employment : null;
  return createPassportRepository({ db }).updateEmployment(owner.familyId, value);
}

/** Removes a household entry only if it belongs to the owner's family (ids from the dialogue are re-checked). */
export function removeHouseholdMember({ db }: { db: Db }, owner: PassportOwner, householdId: number) {
  return createPassportRepository({ db }).deleteHouseholdMember(owner.familyId, householdId);
}
