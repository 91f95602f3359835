import { and, asc, desc, eq, inArray, isNotNull, isNull, lte, ne, sql } from 'drizzle-orm';
import { bindDb } from '../../db/bind-db.js';
import type { DbOrTx } from '../../db/client.js';
import { checkIns, families, familyMembers, messages, requests, staff } from '../../db/schema/index.js';
import { memberReachable } from '../delivery/index.js';
import { checkInSlotSql } from './check-ins.schedule.js';
import type { CallOutcome, CheckInAnswer } from './check-ins.schemas.js';

/** When the family was last asked (or, never asked, when it registered). */
const lastAskedAt = sql`coalesce((select max(${checkIns.createdAt}) from ${checkIns} where ${checkIns.familyId} = ${families.id}), ${families.createdAt})`;

/**
 * Families due a check-in at a slot already open today (slot ≤ `openSlots`): asked last before `cutoff`,
 * with someone in Telegram to ask. At most `limit`, lowest ids first.
 */
async function dueFamilies(db: DbOrTx, cutoff: Date, openSlots: number, limit: number) {
  const { spread, dayLength } = checkInSlotSql;
  const rows = await db
    .select({ id: families.id })
    .from(families)
    .where(
      and(
        isNull(families.erasedAt),
        sql`exists (select 1 from ${familyMembers} where ${familyMembers.familyId} = ${families.id} and ${memberReachable})`,
        sql`${lastAskedAt} <= ${cutoff.toISOString()}::timestamptz`,
        sql`(${families.id}::bigint * ${spread}) % ${dayLength} <= ${openSlots}`,
      ),
    )
    .orderBy(asc(families.id))
    .limit(limit);
  return rows.map((row) => row.id);
}

/** Locks the family and says whether it is still due (another run may have asked it meanwhile). */
async function lockIfStillDue(db: DbOrTx, familyId: number, cutoff: Date) {
  const [row] = await db
    .select({ id: families.id })
    .from(families)
    .where(
      and(
        eq(families.id, familyId),
        isNull(families.erasedAt),
        sql`${lastAskedAt} <= ${cutoff.toISOString()}::timestamptz`,
      ),
    )
    .for('update');
  return row !== undefined;
}

async function insertCheckIn(db: DbOrTx, values: { familyId: number; memberId: number; now: Date }) {
  const [row] = await db
    .insert(checkIns)
    .values({ familyId: values.familyId, memberId: values.memberId, createdAt: values.now })
    .returning({ id: checkIns.id });
  return row!.id;
}

/** The check-in, locked, with its family's curator; undefined when it is not this family's. */
async function lockCheckIn(db: DbOrTx, checkInId: number, familyId?: number) {
  const [row] = await db
    .select({
      id: checkIns.id,
      familyId: checkIns.familyId,
      answer: checkIns.answer,
      callOutcome: checkIns.callOutcome,
      curatorId: families.curatorId,
    })
    .from(checkIns)
    .innerJoin(families, eq(families.id, checkIns.familyId))
    .where(
      and(eq(checkIns.id, checkInId), familyId === undefined ? undefined : eq(checkIns.familyId, familyId)),
    )
    .for('update', { of: checkIns });
  return row;
}

const saveAnswer = (db: DbOrTx, checkInId: number, answer: CheckInAnswer, now: Date) =>
  db.update(checkIns).set({ answer, answeredAt: now }).where(eq(checkIns.id, checkInId));

const saveCallOutcome = (db: DbOrTx, checkInId: number, outcome: CallOutcome, staffId: number, now: Date) =>
  db
    .update(checkIns)
    .set({ callOutcome: outcome, callRecordedAt: now, callRecordedById: staffId })
    .where(eq(checkIns.id, checkInId));

/** Check-ins made before `cutoff` that nobody answered and no curator was told of, of families with one. */
async function silentCheckIns(db: DbOrTx, cutoff: Date, limit: number) {
  return db
    .select({ id: checkIns.id, familyId: checkIns.familyId, curatorId: families.curatorId })
    .from(checkIns)
    .innerJoin(families, eq(families.id, checkIns.familyId))
    .where(
      and(
        isNull(checkIns.answeredAt),
        isNull(checkIns.silentNoticeAt),
        lte(checkIns.createdAt, cutoff),
        isNotNull(families.curatorId),
        isNull(families.erasedAt),
      ),
    )
    .orderBy(asc(checkIns.id))
    .limit(limit);
}

/** Marks the notice given; false when another run did first (so only one notice goes). */
async function markSilentNotice(db: DbOrTx, checkInId: number, now: Date) {
  const rows = await db
    .update(checkIns)
    .set({ silentNoticeAt: now })
    .where(and(eq(checkIns.id, checkInId), isNull(checkIns.silentNoticeAt), isNull(checkIns.answeredAt)))
    .returning({ id: checkIns.id });
  return rows.length > 0;
}

/**
 * The last contact with each family: its answer to a check-in, a call that reached it, its last message
 * to staff, its last request, and for a family a curator registered by phone, that call (the family's
 * creation). Families with none are absent.
 */
async function lastContacts(db: DbOrTx, familyIds: number[]): Promise<Map<number, Date>> {
  if (familyIds.length === 0) return new Map();
  const [answered, called, wrote, asked, registered] = await Promise.all([
    db
      .select({
        familyId: checkIns.familyId,
        at: sql<Date>`max(${checkIns.answeredAt})`.mapWith(checkIns.answeredAt),
      })
      .from(checkIns)
      .where(and(inArray(checkIns.familyId, familyIds), isNotNull(checkIns.answeredAt)))
      .groupBy(checkIns.familyId),
    db
      .select({
        familyId: checkIns.familyId,
        at: sql<Date>`max(${checkIns.callRecordedAt})`.mapWith(checkIns.callRecordedAt),
      })
      .from(checkIns)
      .where(and(inArray(checkIns.familyId, familyIds), ne(checkIns.callOutcome, 'no_answer')))
      .groupBy(checkIns.familyId),
    db
      .select({
        familyId: messages.familyId,
        at: sql<Date>`max(${messages.createdAt})`.mapWith(messages.createdAt),
      })
      .from(messages)
      .where(and(inArray(messages.familyId, familyIds), eq(messages.direction, 'family_to_staff')))
      .groupBy(messages.familyId),
    db
      .select({
        familyId: requests.familyId,
        at: sql<Date>`max(${requests.createdAt})`.mapWith(requests.createdAt),
      })
      .from(requests)
      .where(inArray(requests.familyId, familyIds))
      .groupBy(requests.familyId),
    db
      .select({ familyId: families.id, at: families.createdAt })
      .from(families)
      .where(and(inArray(families.id, familyIds), eq(families.reachedBy, 'phone'))),
  ]);
  const latest = new Map<number, Date>();
  for (const row of [...answered, ...called, ...wrote, ...asked, ...registered]) {
    const known = latest.get(row.familyId);
    if (row.at && (!known || row.at > known)) latest.set(row.familyId, row.at);
  }
  return latest;
}

/** Families of these districts (all: undefined), not erased: first member's name, district, curator. */
const familiesOf = (db: DbOrTx, districtIds: number[] | undefined) =>
  db
    .select({
      id: families.id,
      districtId: families.districtId,
      createdAt: families.createdAt,
      name: sql<
        string | null
      >`(select ${familyMembers.fullName} from ${familyMembers} where ${familyMembers.familyId} = ${families.id} and ${familyMembers.erasedAt} is null order by ${familyMembers.id} limit 1)`,
      curatorName: staff.fullName,
    })
    .from(families)
    .leftJoin(staff, eq(staff.id, families.curatorId))
    .where(
      and(isNull(families.erasedAt), districtIds ? inArray(families.districtId, districtIds) : undefined),
    )
    .orderBy(asc(families.id));

/** The family's name and phone for a call task: its first member not erased who has a phone. */
async function callContact(db: DbOrTx, familyId: number) {
  const [member] = await db
    .select({ name: familyMembers.fullName, phone: familyMembers.phone })
    .from(familyMembers)
    .where(and(eq(familyMembers.familyId, familyId), isNull(familyMembers.erasedAt)))
    .orderBy(desc(isNotNull(familyMembers.phone)), asc(familyMembers.id))
    .limit(1);
  return member;
}

/** The family's curator's chat, while the curator is active. */
async function curatorChat(db: DbOrTx, familyId: number) {
  const [row] = await db
    .select({ staffId: staff.id, chatId: staff.telegramId })
    .from(families)
    .innerJoin(staff, eq(staff.id, families.curatorId))
    .where(and(eq(families.id, familyId), eq(staff.active, true)));
  return row;
}

export function createCheckInsRepository({ db }: { db: DbOrTx }) {
  return bindDb(db, {
    dueFamilies,
    lockIfStillDue,
    insertCheckIn,
    lockCheckIn,
    saveAnswer,
    saveCallOutcome,
    silentCheckIns,
    markSilentNotice,
    lastContacts,
    familiesOf,
    callContact,
    curatorChat,
  });
}
