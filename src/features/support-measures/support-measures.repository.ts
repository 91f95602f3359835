import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { bindDb } from '../../db/bind-db.js';
import type { DbOrTx } from '../../db/client.js';
import {
  districts,
  families,
  familyMembers,
  householdMembers,
  measureOffers,
  measures,
  supportMeasures,
} from '../../db/schema/index.js';
import { memberReachable } from '../delivery/index.js';
import type { MeasureEntry } from './support-measures.catalogue.js';
import type { PassportFacts } from './support-measures.rules.js';

export type MeasureRow = typeof measures.$inferSelect;

/** Saves the catalogue's entries: a known code is updated, a new one added; others stay as they are. */
async function upsertMeasures(db: DbOrTx, entries: MeasureEntry[]) {
  for (const entry of entries) {
    const values = {
      code: entry.code,
      title: entry.title,
      gives: entry.gives,
      whoIsEligible: entry.who,
      howToGet: entry.howToGet,
      eligibility: entry.eligibility,
      validFrom: entry.validFrom ?? null,
      validTo: entry.validTo ?? null,
      requestCategory: entry.requestCategory,
    };
    await db
      .insert(measures)
      .values(values)
      .onConflictDoUpdate({ target: measures.code, set: { ...values, updatedAt: sql`now()` } });
  }
}

const listMeasures = (db: DbOrTx) => db.select().from(measures).orderBy(asc(measures.id));

/** Families to look at, a page at a time (by id after `afterId`), with a chat to reach them in. */
async function familiesWithChat(db: DbOrTx, afterId: number, limit: number) {
  const rows = await db
    .selectDistinct({ id: families.id })
    .from(families)
    .innerJoin(familyMembers, eq(familyMembers.familyId, families.id))
    .where(and(gt(families.id, afterId), isNull(families.erasedAt), memberReachable))
    .orderBy(asc(families.id))
    .limit(limit);
  return rows.map((row) => row.id);
}

/** What the eligibility rules read of these families' passports, by family id. */
async function factsOf(db: DbOrTx, familyIds: number[]): Promise<Map<number, PassportFacts>> {
  if (familyIds.length === 0) return new Map();
  const rows = await db
    .select({
      id: families.id,
      districtId: families.districtId,
      districtCode: districts.code,
      employment: families.employment,
    })
    .from(families)
    .innerJoin(districts, eq(districts.id, families.districtId))
    .where(and(inArray(families.id, familyIds), isNull(families.erasedAt)));
  const household = await db
    .select({
      familyId: householdMembers.familyId,
      kind: householdMembers.kind,
      birthDate: householdMembers.birthDate,
      institution: householdMembers.institution,
    })
    .from(householdMembers)
    .where(inArray(householdMembers.familyId, familyIds));
  return new Map(
    rows.map((row) => {
      const own = household.filter((member) => member.familyId === row.id);
      const facts: PassportFacts & { districtId: number } = {
        districtId: row.districtId,
        districtCode: row.districtCode,
        children: own.filter((m) => m.kind === 'child'),
        relatives: own.filter((m) => m.kind === 'elderly'),
        ...(row.employment ? { employment: row.employment } : {}),
      };
      return [row.id, facts];
    }),
  );
}

/** The measures these families receive (recorded by curators), with since when. */
const receivedOf = (db: DbOrTx, familyIds: number[]) =>
  familyIds.length === 0
    ? Promise.resolve([])
    : db
        .select({
          familyId: supportMeasures.familyId,
          code: supportMeasures.measure,
          since: supportMeasures.since,
        })
        .from(supportMeasures)
        .where(inArray(supportMeasures.familyId, familyIds))
        .orderBy(asc(supportMeasures.id));

const offeredOf = (db: DbOrTx, familyIds: number[]) =>
  familyIds.length === 0
    ? Promise.resolve([])
    : db
        .select({ familyId: measureOffers.familyId, code: measureOffers.measureCode })
        .from(measureOffers)
        .where(inArray(measureOffers.familyId, familyIds));

/** Records the offers; returns the codes not offered before (a second run offers nothing again). */
async function recordOffers(db: DbOrTx, familyId: number, codes: string[]) {
  if (codes.length === 0) return [];
  const rows = await db
    .insert(measureOffers)
    .values(codes.map((measureCode) => ({ familyId, measureCode })))
    .onConflictDoNothing()
    .returning({ code: measureOffers.measureCode });
  return rows.map((row) => row.code);
}

/** Families of these districts (all when undefined), not erased, by id. */
async function familiesOfDistricts(db: DbOrTx, districtIds: number[] | undefined) {
  const rows = await db
    .select({ id: families.id })
    .from(families)
    .where(
      and(
        isNull(families.erasedAt),
        districtIds === undefined ? undefined : inArray(families.districtId, districtIds),
      ),
    );
  return rows.map((row) => row.id);
}

export function createSupportMeasuresRepository({ db }: { db: DbOrTx }) {
  return bindDb(db, {
    upsertMeasures,
    listMeasures,
    familiesWithChat,
    familiesOfDistricts,
    factsOf,
    receivedOf,
    offeredOf,
    recordOffers,
  });
}
