import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { bindDb } from '../../db/bind-db.js';
import type { DbOrTx } from '../../db/client.js';
import type { ActorKind, ConsultationStatus } from '../../db/schema/enums.js';
import {
  auditLog,
  consultations,
  consultationWaitlist,
  families,
  familyMembers,
  psychologistSchedules,
  requests,
  staff,
  staffDistricts,
} from '../../db/schema/index.js';
import { inDistricts } from '../../db/sql-lists.js';

export function createPsychologistsRepository({ db }: { db: DbOrTx }) {
  return bindDb(db, {
    scheduleOf,
    saveSchedule,
    schedulesServing,
    bookedKeys,
    insertConsultation,
    consultationById,
    lockConsultation,
    closeConsultation,
    bookedOfRequest,
    consultationsOfPsychologist,
    saveNotes,
    requestForBooking,
    joinWaitlist,
    leaveWaitlist,
    bookedAfter,
    futureBookedOf,
    lockRequest,
    lockPsychologist,
    auditNotesOpened,
    waitlistedServedBy,
    psychologistCard,
    memberLanguage,
    familyMemberName,
  });
}

type Schedule = typeof psychologistSchedules.$inferSelect;

async function scheduleOf(db: DbOrTx, staffId: number): Promise<Schedule | undefined> {
  const [row] = await db
    .select()
    .from(psychologistSchedules)
    .where(eq(psychologistSchedules.staffId, staffId));
  return row;
}

async function saveSchedule(db: DbOrTx, staffId: number, patch: Partial<Omit<Schedule, 'staffId'>>) {
  const [row] = await db
    .insert(psychologistSchedules)
    .values({ staffId, ...patch, updatedAt: new Date() })
    .onConflictDoUpdate({ target: psychologistSchedules.staffId, set: { ...patch, updatedAt: new Date() } })
    .returning();
  return row!;
}

/** Schedules of the active psychologists who serve the district (listed for it, or the whole region). */
async function schedulesServing(db: DbOrTx, districtId: number) {
  const listed = db
    .select({ staffId: staffDistricts.staffId })
    .from(staffDistricts)
    .where(eq(staffDistricts.districtId, districtId));
  return db
    .select({ schedule: psychologistSchedules, fullName: staff.fullName, institution: staff.institution })
    .from(psychologistSchedules)
    .innerJoin(staff, eq(staff.id, psychologistSchedules.staffId))
    .where(
      and(
        eq(staff.role, 'psychologist'),
        eq(staff.active, true),
        eq(staff.botBlocked, false),
        or(eq(staff.regional, true), inArray(staff.id, listed)),
      ),
    )
    .orderBy(asc(staff.id));
}

/** `staffId:ms` of every booked consultation of these psychologists from `from` on. */
async function bookedKeys(db: DbOrTx, staffIds: number[], from: Date) {
  if (staffIds.length === 0) return new Set<string>();
  const rows = await db
    .select({ staffId: consultations.psychologistId, startsAt: consultations.startsAt })
    .from(consultations)
    .where(
      and(
        inArray(consultations.psychologistId, staffIds),
        eq(consultations.status, 'booked'),
        gte(consultations.endsAt, from),
      ),
    );
  return new Set(rows.map((row) => `${row.staffId}:${row.startsAt.getTime()}`));
}

/** The new booking, or undefined when the slot (or the request) already has one: the unique indexes decide. */
async function insertConsultation(db: DbOrTx, values: typeof consultations.$inferInsert) {
  const [row] = await db.insert(consultations).values(values).onConflictDoNothing().returning();
  return row;
}

async function consultationById(db: DbOrTx, id: number) {
  const [row] = await db.select().from(consultations).where(eq(consultations.id, id));
  return row;
}

async function lockConsultation(db: DbOrTx, id: number) {
  const [row] = await db.select().from(consultations).where(eq(consultations.id, id)).for('update');
  return row;
}

/** Closes a booked consultation (held, no-show, cancelled); undefined when it was no longer booked. */
async function closeConsultation(
  db: DbOrTx,
  id: number,
  change: { status: Exclude<ConsultationStatus, 'booked'>; reason?: string; by?: ActorKind; now: Date },
) {
  const [row] = await db
    .update(consultations)
    .set({
      status: change.status,
      cancelReason: change.reason ?? null,
      cancelledBy: change.by ?? null,
      closedAt: change.now,
    })
    .where(and(eq(consultations.id, id), eq(consultations.status, 'booked')))
    .returning();
  return row;
}

async function bookedOfRequest(db: DbOrTx, requestId: number) {
  const [row] = await db
    .select()
    .from(consultations)
    .where(and(eq(consultations.requestId, requestId), eq(consultations.status, 'booked')));
  return row;
}

/** A psychologist's consultations in [from, to), with what they need to prepare: first name, the request. */
async function consultationsOfPsychologist(db: DbOrTx, staffId: number, from: Date, to: Date) {
  const firstMember = sql<string | null>`(select m.full_name from ${familyMembers} m
    where m.family_id = ${consultations.familyId} and m.erased_at is null order by m.id limit 1)`;
  return db
    .select({
      consultation: consultations,
      memberName: firstMember,
      memberTelegramId: sql<string | null>`(select m.telegram_id from ${familyMembers} m
        where m.family_id = ${consultations.familyId} and m.erased_at is null order by m.id limit 1)`,
      category: requests.category,
      details: requests.details,
      number: requests.number,
    })
    .from(consultations)
    .innerJoin(requests, eq(requests.id, consultations.requestId))
    .where(
      and(
        eq(consultations.psychologistId, staffId),
        gte(consultations.startsAt, from),
        lt(consultations.startsAt, to),
        inArray(consultations.status, ['booked', 'held', 'no_show']),
      ),
    )
    .orderBy(asc(consultations.startsAt));
}

async function saveNotes(db: DbOrTx, id: number, psychologistId: number, notes: string) {
  const [row] = await db
    .update(consultations)
    .set({ notes })
    .where(
      and(
        eq(consultations.id, id),
        eq(consultations.psychologistId, psychologistId),
        // Nothing is kept about a family that deleted its data (its consultation's notes were erased with it).
        sql`not exists (select 1 from ${families} where ${families.id} = ${consultations.familyId} and ${families.erasedAt} is not null)`,
      ),
    )
    .returning({ id: consultations.id, familyId: consultations.familyId });
  return row;
}

/** A request as booking needs it: its family's district, and whether it still wants a psychologist. */
async function requestForBooking(db: DbOrTx, requestId: number) {
  const [row] = await db
    .select({
      id: requests.id,
      familyId: requests.familyId,
      category: requests.category,
      priority: requests.priority,
      status: requests.status,
      number: requests.number,
      curatorId: requests.curatorId,
      details: requests.details,
      createdAt: requests.createdAt,
      districtId: families.districtId,
      erasedAt: families.erasedAt,
    })
    .from(requests)
    .innerJoin(families, eq(families.id, requests.familyId))
    .where(eq(requests.id, requestId));
  return row;
}

/** True when the request joined the list now (false: it was on it already). */
async function joinWaitlist(db: DbOrTx, entry: { requestId: number; familyId: number; districtId: number }) {
  const rows = await db
    .insert(consultationWaitlist)
    .values(entry)
    .onConflictDoUpdate({
      target: consultationWaitlist.requestId,
      set: { leftAt: null },
      setWhere: isNotNull(consultationWaitlist.leftAt),
    })
    .returning({ requestId: consultationWaitlist.requestId });
  return rows.length > 0;
}

async function leaveWaitlist(db: DbOrTx, requestId: number, now: Date) {
  await db
    .update(consultationWaitlist)
    .set({ leftAt: now })
    .where(and(eq(consultationWaitlist.requestId, requestId), isNull(consultationWaitlist.leftAt)));
}

/** Booked consultations starting after `from` (the reminder timers to rebuild), in pages by id. */
async function bookedAfter(db: DbOrTx, from: Date, afterId: number, limit: number) {
  return db
    .select({ id: consultations.id, startsAt: consultations.startsAt, createdAt: consultations.createdAt })
    .from(consultations)
    .where(
      and(
        eq(consultations.status, 'booked'),
        gte(consultations.startsAt, from),
        sql`${consultations.id} > ${afterId}`,
      ),
    )
    .orderBy(asc(consultations.id))
    .limit(limit);
}

/** The booked consultations of a psychologist from `from` on, locked for their cancellation. */
async function futureBookedOf(db: DbOrTx, staffId: number, from: Date) {
  return db
    .select({ id: consultations.id })
    .from(consultations)
    .where(
      and(
        eq(consultations.psychologistId, staffId),
        eq(consultations.status, 'booked'),
        gte(consultations.startsAt, from),
      ),
    )
    .orderBy(asc(consultations.startsAt))
    .for('update');
}

async function psychologistCard(db: DbOrTx, staffId: number) {
  const [row] = await db
    .select({ fullName: staff.fullName, institution: staff.institution, telegramId: staff.telegramId })
    .from(staff)
    .where(eq(staff.id, staffId));
  return row;
}

async function memberLanguage(db: DbOrTx, memberId: number) {
  const [row] = await db
    .select({ language: familyMembers.language })
    .from(familyMembers)
    .where(eq(familyMembers.id, memberId));
  return row?.language ?? 'ru';
}

/** The full name of the family's first member still on record (the psychologist calls them by first name). */
async function familyMemberName(db: DbOrTx, familyId: number) {
  const [row] = await db
    .select({ fullName: familyMembers.fullName })
    .from(familyMembers)
    .where(and(eq(familyMembers.familyId, familyId), isNull(familyMembers.erasedAt)))
    .orderBy(asc(familyMembers.id))
    .limit(1);
  return row?.fullName ?? null;
}

/** Requests still on the waiting list in the districts this psychologist serves (all, when regional). */
async function waitlistedServedBy(db: DbOrTx, staffId: number) {
  const served = db
    .select({ districtId: staffDistricts.districtId })
    .from(staffDistricts)
    .where(eq(staffDistricts.staffId, staffId));
  const [member] = await db.select({ regional: staff.regional }).from(staff).where(eq(staff.id, staffId));
  return db
    .select({ requestId: consultationWaitlist.requestId })
    .from(consultationWaitlist)
    .where(
      and(
        isNull(consultationWaitlist.leftAt),
        member?.regional ? undefined : inArray(consultationWaitlist.districtId, served),
      ),
    )
    .orderBy(asc(consultationWaitlist.createdAt));
}

/** Serialises a family's presses on one request (booking, moving). */
async function lockRequest(db: DbOrTx, requestId: number) {
  await db.select({ id: requests.id }).from(requests).where(eq(requests.id, requestId)).for('update');
}

/**
 * The psychologist's staff row, shared: a deactivation under way (which updates it) is waited for, so the
 * schedules read next know whether they still work; while held, no deactivation can pass this booking by.
 */
async function lockPsychologist(db: DbOrTx, staffId: number) {
  await db.select({ id: staff.id }).from(staff).where(eq(staff.id, staffId)).for('share');
}

async function auditNotesOpened(
  db: DbOrTx,
  entry: { staffId: number; consultationId: number; familyId: number; requestId: number; now: Date },
) {
  await db.insert(auditLog).values({
    staffId: entry.staffId,
    action: 'consultation_notes_opened',
    familyId: entry.familyId,
    requestId: entry.requestId,
    details: { consultationId: entry.consultationId },
    createdAt: entry.now,
  });
}

export type PsychologistsRepository = ReturnType<typeof createPsychologistsRepository>;

/** A district filter for the figures: every district, or these (none: nothing). */
export type FiguresScope = { districtIds: number[] | 'all'; since: Date; until: Date };

/**
 * Consultations of the period (by their time) in scope, counted by psychologist, district and status; a
 * family's move is not a cancellation.
 */
export async function consultationCounts(db: DbOrTx, scope: FiguresScope) {
  return db.execute<{ psychologist: string; district: string; status: string; count: number }>(sql`
    select s.full_name as psychologist, d.name as district, c.status::text as status, count(*)::int as count
    from ${consultations} c
      join ${families} f on f.id = c.family_id
      join districts d on d.id = f.district_id
      join ${staff} s on s.id = c.psychologist_id
    where ${inDistricts('f.district_id', scope.districtIds)}
      and c.starts_at >= ${scope.since.toISOString()}::timestamptz and c.starts_at < ${scope.until.toISOString()}::timestamptz
      and not (c.status = 'cancelled' and c.cancel_reason = 'rescheduled')
    group by s.full_name, d.name, c.status`);
}

/** The median time from a psychologist request (of the period) to its first consultation, in seconds. */
export async function medianToFirstConsultation(db: DbOrTx, scope: FiguresScope) {
  const [row] = await db.execute<{ median: number | null }>(sql`
    select percentile_cont(0.5) within group (order by extract(epoch from first.starts_at - r.created_at))::float as median
    from ${requests} r
      join ${families} f on f.id = r.family_id
      join lateral (select min(c.starts_at) as starts_at from ${consultations} c
        where c.request_id = r.id and c.status in ('booked', 'held', 'no_show')) first on first.starts_at is not null
    where r.category = 'psychologist' and ${inDistricts('f.district_id', scope.districtIds)}
      and r.created_at >= ${scope.since.toISOString()}::timestamptz and r.created_at < ${scope.until.toISOString()}::timestamptz`);
  return row?.median === null || row?.median === undefined ? null : Number(row.median);
}

/** Requests on the waiting list now, in scope. */
export async function waitingNow(db: DbOrTx, districtIds: number[] | 'all') {
  const [row] = await db.execute<{ count: number }>(sql`
    select count(*)::int as count from ${consultationWaitlist} w
    where w.left_at is null and ${inDistricts('w.district_id', districtIds)}`);
  return Number(row?.count ?? 0);
}
