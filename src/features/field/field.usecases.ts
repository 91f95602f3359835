import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { families, familyMembers, fieldFindings, fieldQuestionnaires } from '../../db/schema/index.js';
import { inDistricts } from '../../db/sql-lists.js';
import type { DeadlinePolicies } from '../../deadline-policies.js';
import { staffByTelegramId } from '../access/index.js';
import { createRequest } from '../requests/index.js';

/** The questionnaire's topics; each `needs_help` answer (with what is needed) becomes a request. */
export const fieldTopics = {
  living_alone: ['yes', 'no'],
  mobility: ['independent', 'limited', 'needs_help'],
  care_at_home: ['not_needed', 'needs_help'],
  children: ['no_children', 'fine', 'needs_help'],
  employment: ['employed', 'not_looking', 'needs_help'],
} as const;
export type FieldTopic = keyof typeof fieldTopics | 'other_help';
const topicOrder: FieldTopic[] = [...(Object.keys(fieldTopics) as FieldTopic[]), 'other_help'];

export interface FieldAnswers {
  contact: 'visit' | 'call';
  answers: Record<string, string>;
  /** What each topic answered «нужна помощь» needs, in the words of whoever filled it in. */
  needs: Array<{ topic: FieldTopic; text: string }>;
}

export type FieldRefusal = 'wrong_role' | 'not_found' | 'out_of_scope';

/** Field workers and curators fill questionnaires in, for families of their districts (or their own). */
async function authorise(db: DbOrTx, telegramId: number, familyId?: number) {
  const staff = await staffByTelegramId(db, telegramId);
  if (!staff?.active || (staff.role !== 'field' && staff.role !== 'curator'))
    return { ok: false, reason: 'wrong_role' } as const;
  if (familyId === undefined) return { ok: true, staff } as const;
  const [family] = await db
    .select({ districtId: families.districtId, curatorId: families.curatorId, erasedAt: families.erasedAt })
    .from(families)
    .where(eq(families.id, familyId));
  if (!family || family.erasedAt) return { ok: false, reason: 'not_found' } as const;
  if (!staff.districtIds.includes(family.districtId) && family.curatorId !== staff.id)
    return { ok: false, reason: 'out_of_scope' } as const;
  return { ok: true, staff, districtId: family.districtId } as const;
}

/** Whether this person may fill questionnaires in at all (the command's guard). */
export async function mayFillIn(db: DbOrTx, telegramId: number) {
  return (await authorise(db, telegramId)).ok;
}

/** The family of a phone, in the filler's scope; with its first member (requests are made in their name). */
export async function findFieldFamily(
  db: DbOrTx,
  telegramId: number,
  phone: string,
): Promise<{ ok: true; familyId: number; memberId: number } | { ok: false; reason: FieldRefusal }> {
  const [member] = await db
    .select({ familyId: familyMembers.familyId })
    .from(familyMembers)
    .where(and(eq(familyMembers.phone, phone), isNull(familyMembers.erasedAt)))
    .limit(1);
  if (!member) return { ok: false, reason: 'not_found' };
  const allowed = await authorise(db, telegramId, member.familyId);
  if (!allowed.ok) return allowed;
  const [first] = await db
    .select({ id: familyMembers.id })
    .from(familyMembers)
    .where(and(eq(familyMembers.familyId, member.familyId), isNull(familyMembers.erasedAt)))
    .orderBy(asc(familyMembers.id))
    .limit(1);
  return { ok: true, familyId: member.familyId, memberId: first!.id };
}

/** A request's text for a need found in the field: the topic and what is needed. */
export type NeedText = (need: { topic: FieldTopic; text: string }, contact: 'visit' | 'call') => string;

/**
 * Saves a questionnaire (checked again on the server), its findings and one request per need (each with its
 * outbox events, routed as usual) in ONE transaction: a crash between them leaves nothing, never a questionnaire
 * with fewer findings. Returns the requests' numbers.
 */
export async function saveQuestionnaire(
  deps: { db: Db; timeZone: string; policies?: DeadlinePolicies },
  input: { telegramId: number; familyId: number; memberId: number; filled: FieldAnswers; needText: NeedText },
): Promise<{ ok: true; numbers: number[]; staffId: number } | { ok: false; reason: FieldRefusal }> {
  return deps.db.transaction(async (tx) => {
    const allowed = await authorise(tx, input.telegramId, input.familyId);
    if (!allowed.ok) return allowed;
    const [row] = await tx
      .insert(fieldQuestionnaires)
      .values({
        familyId: input.familyId,
        districtId: allowed.districtId!,
        staffId: allowed.staff.id,
        contact: input.filled.contact,
        answers: input.filled.answers,
      })
      .returning({ id: fieldQuestionnaires.id });
    const numbers: number[] = [];
    for (const need of input.filled.needs)
      numbers.push(await requestForNeed({ ...deps, db: tx }, input, row!.id, allowed.staff.id, need));
    return { ok: true, numbers, staffId: allowed.staff.id } as const;
  });
}

/** One need's request and its finding, inside the questionnaire's transaction; a refusal undoes them all. */
async function requestForNeed(
  deps: { db: DbOrTx; timeZone: string; policies?: DeadlinePolicies },
  input: { familyId: number; memberId: number; filled: FieldAnswers; needText: NeedText },
  questionnaireId: number,
  staffId: number,
  need: { topic: FieldTopic; text: string },
) {
  const created = await createRequest(deps, {
    familyId: input.familyId,
    memberId: input.memberId,
    submissionKey: `field-${questionnaireId}-${need.topic.replaceAll('_', '-')}`,
    draft: { category: 'other', details: { text: input.needText(need, input.filled.contact) } },
    attachments: [],
    createdByStaffId: staffId,
    alsoInTransaction: async (tx, requestId) => {
      await tx.insert(fieldFindings).values({ questionnaireId, requestId, topic: need.topic });
    },
  });
  if (!created.ok) throw new Error(`field request refused: ${created.reason}`);
  return created.request.number;
}

/**
 * Questionnaires and the needs they found (by topic), in districts ('all': the region) within a period: for
 * /stats. Counted by the district the family was in when the questionnaire was filled in.
 */
export async function fieldFigures(
  db: DbOrTx,
  scope: { districtIds: number[] | 'all'; since: Date; until: Date },
) {
  const inScope = inDistricts('q.district_id', scope.districtIds);
  const rows = await db.execute<{
    topic: string | null;
    whole: number;
    questionnaires: number;
    findings: number;
  }>(sql`
    select f.topic, grouping(f.topic) as whole, count(distinct q.id)::int as questionnaires,
           count(f.request_id)::int as findings
    from ${fieldQuestionnaires} q left join ${fieldFindings} f on f.questionnaire_id = q.id
    where ${inScope} and q.created_at >= ${scope.since.toISOString()}::timestamptz
      and q.created_at < ${scope.until.toISOString()}::timestamptz
    group by grouping sets ((), (f.topic))`);
  const total = rows.find((row) => Number(row.whole) === 1);
  const byTopic = rows
    .filter((row) => Number(row.whole) === 0 && row.topic !== null && Number(row.findings) > 0)
    .map((row) => ({ topic: row.topic as FieldTopic, findings: Number(row.findings) }))
    .sort((a, b) => topicOrder.indexOf(a.topic) - topicOrder.indexOf(b.topic));
  return {
    questionnaires: Number(total?.questionnaires ?? 0),
    findings: byTopic.reduce((sum, row) => sum + row.findings, 0),
    byTopic,
  };
}
