import { and, asc, eq, isNull } from 'drizzle-orm';
import { bindDb } from '../../db/bind-db.js';
import type { DbOrTx } from '../../db/client.js';
import {
  districts,
  families,
  familyMembers,
  householdMembers,
  servicemen,
  staff,
} from '../../db/schema/index.js';
import type { ChildDraft, PassportDraft, RelativeDraft } from './passport.schemas.js';

/** A stored passport as the family sees it, plus the ids needed to change it. */
export interface StoredPassport {
  draft: PassportDraft;
  curatorName: string | undefined;
  employment: 'employed' | 'unemployed' | null;
  householdIds: { children: number[]; relatives: number[] };
}

export function createPassportRepository({ db }: { db: DbOrTx }) {
  return bindDb(db, {
    load,
    insertChild,
    insertRelative,
    deleteHouseholdMember,
    updateFields,
    updateEmployment,
  });
}

/** The family's passport as seen by one of its members (their own name and relationship). */
async function load(db: DbOrTx, familyId: number, memberId: number): Promise<StoredPassport | undefined> {
  const [family] = await db
    .select({
      districtId: families.districtId,
      districtName: districts.name,
      locality: families.locality,
      address: families.address,
      employment: families.employment,
      curatorName: staff.fullName,
    })
    .from(families)
    .innerJoin(districts, eq(districts.id, families.districtId))
    .leftJoin(staff, eq(staff.id, families.curatorId))
    .where(and(eq(families.id, familyId), isNull(families.erasedAt)));
  if (!family) return undefined;
  const [member] = await db
    .select({ fullName: familyMembers.fullName, relationship: familyMembers.relationship })
    .from(familyMembers)
    .where(and(eq(familyMembers.id, memberId), eq(familyMembers.familyId, familyId)));
  const [serviceman] = await db
    .select()
    .from(servicemen)
    .where(eq(servicemen.familyId, familyId))
    .orderBy(asc(servicemen.id))
    .limit(1);
  const household = await db
    .select()
    .from(householdMembers)
    .where(eq(householdMembers.familyId, familyId))
    .orderBy(asc(householdMembers.id));
  const children = household.filter((row) => row.kind === 'child');
  const relatives = household.filter((row) => row.kind !== 'child');
  return {
    employment: family.employment ?? null,
    draft: {
      applicantName: member?.fullName ?? '',
      relationship: member?.relationship ?? 'other',
      servicemanName: serviceman?.fullName ?? '',
      ...(serviceman?.birthDate ? { servicemanBirthDate: serviceman.birthDate } : {}),
      districtId: family.districtId,
      districtName: family.districtName,
      locality: family.locality ?? '',
      ...(family.address ? { address: family.address } : {}),
      children: children.map((row) => ({
        fullName: row.fullName ?? '',
        birthDate: row.birthDate ?? '',
        institution: row.institution ?? 'none',
      })),
      relatives: relatives.map((row) => ({
        fullName: row.fullName ?? '',
        ...(row.birthDate ? { birthDate: row.birthDate } : {}),
        careNeeds: row.careNeeds ?? '',
      })),
    },
    curatorName: family.curatorName ?? undefined,
    householdIds: { children: children.map((row) => row.id), relatives: relatives.map((row) => row.id) },
  };
}

async function insertChild(db: DbOrTx, familyId: number, child: ChildDraft) {
  await db.insert(householdMembers).values({
    familyId,
    kind: 'child',
    fullName: child.fullName,
    birthDate: child.birthDate,
    institution: child.institution,
  });
}

async function insertRelative(db: DbOrTx, familyId: number, relative: RelativeDraft) {
  await db.insert(householdMembers).values({
    familyId,
    kind: 'elderly',
    fullName: relative.fullName,
    birthDate: relative.birthDate ?? null,
    careNeeds: relative.careNeeds,
  });
}

async function deleteHouseholdMember(db: DbOrTx, familyId: number, householdId: number) {
  const rows = await db
    .delete(householdMembers)
    .where(and(eq(householdMembers.id, householdId), eq(householdMembers.familyId, familyId)))
    .returning({ id: householdMembers.id });
  return rows.length > 0;
}

/** Writes the changed scalar fields of a passport: the member's own, the family's, the serviceman's. */
async function updateFields(db: DbOrTx, familyId: number, memberId: number, draft: PassportDraft, now: Date) {
  await db
    .update(familyMembers)
    .set({ fullName: draft.applicantName, relationship: draft.relationship })
    .where(and(eq(familyMembers.id, memberId), eq(familyMembers.familyId, familyId)));
  await db
    .update(families)
    .set({
      districtId: draft.districtId,
      locality: draft.locality,
      address: draft.address ?? null,
      updatedAt: now,
    })
    .where(eq(families.id, familyId));
  await db
    .update(servicemen)
    .set({ fullName: draft.servicemanName, birthDate: draft.servicemanBirthDate ?? null })
    .where(eq(servicemen.familyId, familyId));
}

/** The family's work situation (the `employment` rule of support measures reads it). */
async function updateEmployment(db: DbOrTx, familyId: number, employment: 'employed' | 'unemployed' | null) {
  await db
    .update(families)
    .set({ employment, updatedAt: new Date() })
    .where(and(eq(families.id, familyId), isNull(families.erasedAt)));
}

export type PassportRepository = ReturnType<typeof createPassportRepository>;
