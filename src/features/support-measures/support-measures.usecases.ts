import type { Db, DbOrTx } from '../../db/client.js';
import { insertNotifications, reachableMembersOf } from '../delivery/index.js';
import type { CatalogueParse } from './support-measures.catalogue.js';
import { createSupportMeasuresRepository, type MeasureRow } from './support-measures.repository.js';
import { eligibilitySchema, isEligible, type PassportFacts } from './support-measures.rules.js';

/** A measure in force on `today`: between its valid from and to (either may be open). */
const inForce = (measure: MeasureRow, today: string) =>
  (!measure.validFrom || measure.validFrom <= today) && (!measure.validTo || today <= measure.validTo);

/** Whether the family is eligible; a rule stored wrong (edited by hand) makes no one eligible. */
function eligible(measure: MeasureRow, facts: PassportFacts | undefined, today: string) {
  const rules = eligibilitySchema.safeParse(measure.eligibility);
  return facts !== undefined && rules.success && isEligible(rules.data, facts, today);
}

/** `measures import`: every entry checked first; then all saved in one transaction, or none. */
export async function importMeasures(db: Db, yamlText: string): Promise<CatalogueParse> {
  // Loaded here, by the admin's import alone: the YAML parser would otherwise sit in every bot process.
  const { parseMeasuresYaml } = await import('./support-measures.catalogue.js');
  const parsed = parseMeasuresYaml(yamlText);
  if (!parsed.ok) return parsed;
  await db.transaction((tx) => createSupportMeasuresRepository({ db: tx }).upsertMeasures(parsed.measures));
  return parsed;
}

export const listMeasures = (db: DbOrTx) => createSupportMeasuresRepository({ db }).listMeasures();

/** One measure of the catalogue by its code (in force or not). */
export async function measureByCode(db: DbOrTx, code: string) {
  return (await listMeasures(db)).find((measure) => measure.code === code);
}

export interface FamilyMeasures {
  /** «Вам положено»: eligible, in force, not received. */
  eligible: MeasureRow[];
  /** «Получено»: what curators recorded, with since when. */
  received: Array<{ code: string; title: string; since: string | null }>;
  /** «Другие меры»: in force, neither of the above. */
  others: MeasureRow[];
}

/** The family's «Меры поддержки» on `today` (the region's date). */
export async function familyMeasures(db: DbOrTx, familyId: number, today: string): Promise<FamilyMeasures> {
  const repository = createSupportMeasuresRepository({ db });
  const [catalogue, facts, received] = await Promise.all([
    repository.listMeasures(),
    repository.factsOf([familyId]),
    repository.receivedOf([familyId]),
  ]);
  const receivedCodes = new Set(received.map((row) => row.code));
  const current = catalogue.filter((measure) => inForce(measure, today) && !receivedCodes.has(measure.code));
  const isFor = (measure: MeasureRow) => eligible(measure, facts.get(familyId), today);
  return {
    eligible: current.filter(isFor),
    received: received.map((row) => ({
      code: row.code,
      title: catalogue.find((measure) => measure.code === row.code)?.title ?? row.code,
      since: row.since,
    })),
    others: current.filter((measure) => !isFor(measure)),
  };
}

/**
 * «Вам теперь положено»: to each family in Telegram, the measures it has become eligible for and was never
 * offered, at most one message a family a day. The offer rows and the notifications are written in one
 * transaction per family, so a crash offers nothing twice and loses nothing: a family not reached yet is
 * found again by the next run. Returns the notifications to hand to delivery.
 */
export async function offerNewlyEligibleMeasures(deps: { db: Db; today: string }): Promise<number[]> {
  const { db, today } = deps;
  const catalogue = (await listMeasures(db)).filter((measure) => inForce(measure, today));
  const made: number[] = [];
  if (catalogue.length === 0) return made;
  for (let afterId = 0; ; ) {
    const repository = createSupportMeasuresRepository({ db });
    const page = await repository.familiesWithChat(afterId, 500);
    if (page.length === 0) return made;
    afterId = page.at(-1)!;
    const [facts, received, offered] = await Promise.all([
      repository.factsOf(page),
      repository.receivedOf(page),
      repository.offeredOf(page),
    ]);
    const had = new Set([...received, ...offered].map((row) => `${row.familyId}:${row.code}`));
    for (const familyId of page) {
      const codes = catalogue
        .filter((m) => !had.has(`${familyId}:${m.code}`) && eligible(m, facts.get(familyId), today))
        .map((m) => m.code);
      if (codes.length > 0) made.push(...(await offerToFamily(db, familyId, codes, today)));
    }
  }
}

async function offerToFamily(db: Db, familyId: number, codes: string[], today: string) {
  return db.transaction(async (tx) => {
    const repository = createSupportMeasuresRepository({ db: tx });
    const fresh = await repository.recordOffers(familyId, codes);
    if (fresh.length === 0) return [];
    const members = await reachableMembersOf(tx, familyId);
    return insertNotifications(
      tx,
      members.map((member) => ({
        kind: measureOfferKind,
        dedupeKey: `measures-offer:${familyId}:${today}:member:${member.id}`,
        recipientMemberId: member.id,
        familyId,
        chatId: member.telegramId,
        payload: { codes: fresh },
      })),
    );
  });
}

export const measureOfferKind = 'measures-offer';

export interface DistrictCoverage {
  districtId: number;
  /** Families eligible for at least one measure in force. */
  families: number;
  /** Family–measure pairs: eligible (received or not), and of those received. */
  eligible: number;
  received: number;
}

/** Coverage per district: of what families are eligible for, how much they receive (for /stats). */
export async function measuresCoverage(
  db: DbOrTx,
  districtIds: number[] | undefined,
  today: string,
): Promise<DistrictCoverage[]> {
  const repository = createSupportMeasuresRepository({ db });
  const catalogue = (await repository.listMeasures()).filter((measure) => inForce(measure, today));
  const familyIds = await repository.familiesOfDistricts(districtIds);
  const [facts, received] = await Promise.all([
    repository.factsOf(familyIds),
    repository.receivedOf(familyIds),
  ]);
  const got = new Set(received.map((row) => `${row.familyId}:${row.code}`));
  const byDistrict = new Map<number, DistrictCoverage>();
  for (const familyId of familyIds) {
    const family = facts.get(familyId) as (PassportFacts & { districtId: number }) | undefined;
    if (!family) continue;
    const due = catalogue.filter((measure) => eligible(measure, family, today));
    if (due.length === 0) continue;
    const row = byDistrict.get(family.districtId) ?? {
      districtId: family.districtId,
      families: 0,
      eligible: 0,
      received: 0,
    };
    row.families += 1;
    row.eligible += due.length;
    row.received += due.filter((measure) => got.has(`${familyId}:${measure.code}`)).length;
    byDistrict.set(family.districtId, row);
  }
  return [...byDistrict.values()].sort((a, b) => a.districtId - b.districtId);
}
