import { and, asc, eq, ilike, inArray, isNull, ne, or, type SQL, sql } from 'drizzle-orm';
import { bindDb } from '../../db/bind-db.js';
import type { DbOrTx } from '../../db/client.js';
import { openRequestStatuses } from '../../db/schema/enums.js';
import {
  auditLog,
  consentEvents,
  districts,
  families,
  familyMembers,
  requestEvents,
  requests,
  servicemen,
  staff,
  staffDistricts,
  supportMeasures,
} from '../../db/schema/index.js';
import { standingDeputyId } from '../staff/index.js';

/**
 * Whose requests and families a staff member works with: `own` — the curator's own (their families and the
 * requests routed to them), plus everything in `districtIds`; `all` — a regional supervisor.
 */
export interface StaffScope {
  staffId: number;
  districtIds: number[];
  all: boolean;
  /** /my of a curator lists only the requests that are theirs, not the whole district's. */
  ownRequestsOnly: boolean;
}

/** The deadline that matters now: to take a request waiting for someone, to resolve one in work. */
const currentDeadline = sql<Date>`case when ${requests.status} in ('new', 'assigned') then ${requests.takeDeadlineAt} else ${requests.resolveDeadlineAt} end`;

function requestsInScope(scope: StaffScope): SQL | undefined {
  if (scope.ownRequestsOnly) return eq(requests.curatorId, scope.staffId);
  if (scope.all) return undefined;
  return or(
    eq(requests.curatorId, scope.staffId),
    scope.districtIds.length > 0 ? inArray(families.districtId, scope.districtIds) : undefined,
  );
}

function familiesInScope(scope: StaffScope): SQL | undefined {
  if (scope.all) return undefined;
  return or(
    eq(families.curatorId, scope.staffId),
    scope.districtIds.length > 0 ? inArray(families.districtId, scope.districtIds) : undefined,
  );
}

/** Reads and writes of the curator's tools (/my, /family, support measures, absence, phone intake). */
export function createCuratorToolsRepository({ db }: { db: DbOrTx }) {
  return bindDb(db, {
    countOpenRequests,
    openRequestsPage,
    requestHistory,
    findFamilies,
    findFamily,
    firstMember,
    familyMembers: membersOfFamily,
    measuresOf,
    insertMeasure,
    audit,
    recordFamilyCardView,
    deputyCandidates,
    curatorWithDeputy,
    setAbsence,
    districtNames,
    memberByPhone,
    insertPhoneFamily,
    insertPhoneMember,
    insertServiceman,
  });
}

/** How many open requests are in scope, and how many of them are past the deadline that matters now. */
async function countOpenRequests(db: DbOrTx, scope: StaffScope, now: Date) {
  const [row] = await db
    .select({
      count: sql<number>`count(*)::int`,
      overdue: sql<number>`(count(*) filter (where ${currentDeadline} < ${now.toISOString()}::timestamptz))::int`,
    })
    .from(requests)
    .innerJoin(families, eq(families.id, requests.familyId))
    .where(and(inArray(requests.status, [...openRequestStatuses]), requestsInScope(scope)));
  return { total: row?.count ?? 0, overdue: row?.overdue ?? 0 };
}

/** Open requests in scope, the most pressing deadline first. */
async function openRequestsPage(db: DbOrTx, scope: StaffScope, offset: number, limit: number) {
  return db
    .select({
      id: requests.id,
      number: requests.number,
      category: requests.category,
      status: requests.status,
      priority: requests.priority,
      deadlineAt: currentDeadline,
    })
    .from(requests)
    .innerJoin(families, eq(families.id, requests.familyId))
    .where(and(inArray(requests.status, [...openRequestStatuses]), requestsInScope(scope)))
    .orderBy(asc(currentDeadline), asc(requests.id))
    .offset(offset)
    .limit(limit);
}

/** The request's events, oldest first, each with the name of the staff member its data names (`staffId`). */
async function requestHistory(db: DbOrTx, requestId: number) {
  return db
    .select({
      type: requestEvents.type,
      actorKind: requestEvents.actorKind,
      actorStaffId: requestEvents.actorStaffId,
      data: requestEvents.data,
      createdAt: requestEvents.createdAt,
      staffName: staff.fullName,
    })
    .from(requestEvents)
    .leftJoin(
      staff,
      sql`jsonb_typeof(${requestEvents.data} -> 'staffId') = 'number' and ${staff.id} = (${requestEvents.data} ->> 'staffId')::int`,
    )
    .where(eq(requestEvents.requestId, requestId))
    .orderBy(asc(requestEvents.id))
    .limit(30);
}

/** Families in scope matching a normalised phone, a part of a member's name, or a request number. */
async function findFamilies(
  db: DbOrTx,
  scope: StaffScope,
  query:
    | { kind: 'phone'; phone: string }
    | { kind: 'name'; name: string }
    | { kind: 'number'; number: number },
) {
  const match =
    query.kind === 'phone'
      ? eq(familyMembers.phone, query.phone)
      : query.kind === 'name'
        ? ilike(familyMembers.fullName, `%${query.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
        : sql`exists (select 1 from ${requests} where ${requests.familyId} = ${families.id} and ${requests.number} = ${query.number})`;
  const rows = await db
    .selectDistinctOn([families.id], {
      familyId: families.id,
      name: familyMembers.fullName,
      district: districts.name,
    })
    .from(families)
    .innerJoin(familyMembers, eq(familyMembers.familyId, families.id))
    .innerJoin(districts, eq(districts.id, families.districtId))
    .where(and(isNull(families.erasedAt), isNull(familyMembers.erasedAt), match, familiesInScope(scope)))
    .orderBy(asc(families.id), asc(familyMembers.id))
    .limit(11);
  return rows;
}

async function findFamily(db: DbOrTx, familyId: number) {
  const [row] = await db
    .select({
      id: families.id,
      districtId: families.districtId,
      curatorId: families.curatorId,
      reachedBy: families.reachedBy,
      erasedAt: families.erasedAt,
    })
    .from(families)
    .where(eq(families.id, familyId));
  return row;
}

/** The member whose passport view stands for the family: the first one not erased (id, phone). */
async function firstMember(db: DbOrTx, familyId: number) {
  const [row] = await db
    .select({ id: familyMembers.id, phone: familyMembers.phone })
    .from(familyMembers)
    .where(and(eq(familyMembers.familyId, familyId), isNull(familyMembers.erasedAt)))
    .orderBy(asc(familyMembers.id))
    .limit(1);
  return row;
}

/** The family's members as staff see them: names, phones, whether they use the bot (erased left out). */
async function membersOfFamily(db: DbOrTx, familyId: number) {
  return db
    .select({
      fullName: familyMembers.fullName,
      phone: familyMembers.phone,
      telegramId: familyMembers.telegramId,
    })
    .from(familyMembers)
    .where(and(eq(familyMembers.familyId, familyId), isNull(familyMembers.erasedAt)))
    .orderBy(asc(familyMembers.id));
}

async function measuresOf(db: DbOrTx, familyId: number) {
  return db
    .select({
      measure: supportMeasures.measure,
      since: supportMeasures.since,
      note: supportMeasures.note,
    })
    .from(supportMeasures)
    .where(eq(supportMeasures.familyId, familyId))
    .orderBy(asc(supportMeasures.id));
}

async function insertMeasure(
  db: DbOrTx,
  values: {
    familyId: number;
    measure: string;
    since: string;
    note: string | null;
    staffId: number;
    now: Date;
  },
) {
  await db.insert(supportMeasures).values({
    familyId: values.familyId,
    measure: values.measure,
    since: values.since,
    note: values.note,
    recordedById: values.staffId,
    createdAt: values.now,
  });
}

async function audit(
  db: DbOrTx,
  values: {
    staffId: number;
    action: string;
    familyId: number;
    requestId?: number | null;
    details?: Record<string, unknown>;
    now: Date;
  },
) {
  await db.insert(auditLog).values({
    staffId: values.staffId,
    action: values.action,
    familyId: values.familyId,
    requestId: values.requestId ?? null,
    details: values.details ?? {},
    createdAt: values.now,
  });
}

/**
 * A staff read of a family's personal data (SPEC §8): opened from a request, it is also an event of
 * that request; opened from the family, the row says how (`via`).
 */
async function recordFamilyCardView(
  db: DbOrTx,
  values: {
    staffId: number;
    familyId: number;
    requestId?: number;
    via?: string;
    now: Date;
  },
) {
  await db.insert(auditLog).values({
    staffId: values.staffId,
    action: 'family_card_viewed',
    familyId: values.familyId,
    requestId: values.requestId ?? null,
    details: values.via === undefined ? {} : { via: values.via },
    createdAt: values.now,
  });
  if (values.requestId === undefined) return;
  await db.insert(requestEvents).values({
    requestId: values.requestId,
    type: 'family_card_viewed',
    actorKind: 'staff',
    actorStaffId: values.staffId,
    createdAt: values.now,
  });
}

/** Active curators who share a district with this staff member: who can stand in for them. */
async function deputyCandidates(db: DbOrTx, staffId: number, districtIds: number[]) {
  if (districtIds.length === 0) return [];
  return db
    .selectDistinct({ id: staff.id, fullName: staff.fullName })
    .from(staff)
    .innerJoin(staffDistricts, eq(staffDistricts.staffId, staff.id))
    .where(
      and(
        inArray(staffDistricts.districtId, districtIds),
        eq(staff.role, 'curator'),
        eq(staff.active, true),
        ne(staff.id, staffId),
      ),
    )
    .orderBy(asc(staff.id));
}

/** A staff member's row, as routing weighs them (SPEC §4): can they take a request now, and whom they hand it to. */
async function staffForRouting(db: DbOrTx, staffId: number) {
  const [row] = await db.select().from(staff).where(eq(staff.id, staffId));
  return row;
}

/**
 * A family's curator and, when one stands in for them now (standingDeputyId), that deputy: whose chat a new
 * request's card goes to. The deputy is read only then, as routing reads them.
 */
async function curatorWithDeputy(db: DbOrTx, curatorId: number, now: Date) {
  const curator = await staffForRouting(db, curatorId);
  const deputyId = standingDeputyId(curator, now);
  const deputy = deputyId === undefined ? undefined : await staffForRouting(db, deputyId);
  return { curator, deputy };
}

async function setAbsence(
  db: DbOrTx,
  staffId: number,
  values: { awayUntil: Date | null; deputyId: number | null },
) {
  await db.update(staff).set(values).where(eq(staff.id, staffId));
}

async function districtNames(db: DbOrTx, districtIds: number[]) {
  if (districtIds.length === 0) return [];
  return db
    .select({ id: districts.id, name: districts.name })
    .from(districts)
    .where(inArray(districts.id, districtIds))
    .orderBy(asc(districts.name));
}

/** A member (not erased) with this phone, in any family: a phone-intake must not duplicate a family. */
async function memberByPhone(db: DbOrTx, phone: string) {
  const [row] = await db
    .select({ id: familyMembers.id, familyId: familyMembers.familyId })
    .from(familyMembers)
    .where(and(eq(familyMembers.phone, phone), isNull(familyMembers.erasedAt)))
    .limit(1);
  return row;
}

/** A family registered by a curator on the phone: reached by phone, its curator the one who called. */
async function insertPhoneFamily(
  db: DbOrTx,
  values: {
    districtId: number;
    locality: string;
    address: string | null;
    curatorId: number;
    now: Date;
  },
) {
  const [row] = await db
    .insert(families)
    .values({
      districtId: values.districtId,
      locality: values.locality,
      address: values.address,
      curatorId: values.curatorId,
      reachedBy: 'phone',
      createdAt: values.now,
      updatedAt: values.now,
    })
    .returning({ id: families.id });
  return row!.id;
}

/** The family member without a Telegram account; consent given orally, recorded by this curator. */
async function insertPhoneMember(
  db: DbOrTx,
  values: {
    familyId: number;
    fullName: string;
    relationship: (typeof familyMembers.$inferInsert)['relationship'];
    phone: string;
    consentVersion: string;
    staffId: number;
    now: Date;
  },
) {
  const [row] = await db
    .insert(familyMembers)
    .values({
      familyId: values.familyId,
      telegramId: null,
      fullName: values.fullName,
      relationship: values.relationship,
      phone: values.phone,
      consentVersion: values.consentVersion,
      consentAt: values.now,
      consentRecordedById: values.staffId,
      createdAt: values.now,
    })
    .returning({ id: familyMembers.id });
  await db.insert(consentEvents).values({
    telegramId: null,
    memberId: row!.id,
    decision: 'oral',
    consentVersion: values.consentVersion,
    recordedById: values.staffId,
    createdAt: values.now,
  });
  return row!.id;
}

async function insertServiceman(db: DbOrTx, familyId: number, fullName: string, birthDate: string | null) {
  await db.insert(servicemen).values({ familyId, fullName, birthDate });
}

export type CuratorToolsRepository = ReturnType<typeof createCuratorToolsRepository>;
