import { and, asc, desc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import { bindDb } from '../../db/bind-db.js';
import type { DbOrTx } from '../../db/client.js';
import type { RequestCategory, RequestPriority, RequestStatus } from '../../db/schema/enums.js';
import {
  auditLog,
  districts,
  families,
  familyMembers,
  requestEvents,
  requests,
  servicemen,
  staff,
  staffDistricts,
} from '../../db/schema/index.js';
import { openStatusList } from '../../db/sql-lists.js';
import { insertNotifications, memberInChat } from '../delivery/index.js';
import type { StatsPeriod } from './supervision.period.js';
import { inCategoryScope, inScope, type SupervisionScope } from './supervision.scope.js';

/** `/find` and the web register's search: a request number, a phone (its last 10 digits), a part of a name. */
export type FindQuery =
  | { kind: 'number'; number: number }
  | { kind: 'phone'; digits: string }
  | { kind: 'name'; text: string };

export interface RegisterFilters {
  districtId?: number;
  category?: RequestCategory;
  /** The web register's further filters (the bot's /stats and /export use only the two above). */
  status?: RequestStatus;
  priority?: RequestPriority;
  /** Only requests open and past the deadline of their clock at this moment. */
  overdueAt?: Date;
  /** Matched against personal data: the caller lets only supervisors search. */
  search?: FindQuery;
}

/** How the web register may be sorted (a whitelist: the column comes from here, never from the URL). */
export const registerSorts = ['created', 'number', 'status', 'category', 'district', 'deadline'] as const;
export type RegisterSort = (typeof registerSorts)[number];

/** Per-group figures straight from SQL (percentile_cont for the medians). */
export interface FigureRow {
  created: number;
  takenInTime: number;
  takeDue: number;
  resolvedInTime: number;
  resolveDue: number;
  medianTakeSeconds: number | null;
  medianResolveSeconds: number | null;
  averageRating: number | null;
  ratings: number;
}

const openTakeStatuses: RequestStatus[] = ['new', 'assigned'];
const inWorkStatuses: RequestStatus[] = ['in_progress', 'waiting_family'];

const toNumberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/** Reads and writes of supervision: overdue lists, statistics, the register, search, reassignment. */
export function createSupervisionRepository({ db }: { db: DbOrTx }) {
  return bindDb(db, {
    overdue,
    figures,
    countsByStatus,
    districtNames,
    staffNames,
    allDistricts,
    districtByCode,
    registerRows,
    registerPage,
    membersOfFamilies,
    findFamilyIds,
    familiesWithDistrict,
    latestRequestsOfFamilies,
    activeCuratorsOf,
    lockFamily,
    lockFamilyOfRequest,
    openRequestsOfFamily,
    setRequestCurator,
    setFamilyCurator,
    insertEvent,
    insertAudit,
    reachableMembersOfFamily,
    staffChat,
    insertNotifications,
  });
}

const periodAndFilters = (scope: SupervisionScope, period: StatsPeriod, filters: RegisterFilters) =>
  and(
    gte(requests.createdAt, period.from),
    lt(requests.createdAt, period.to),
    inScope(scope, families.districtId),
    inCategoryScope(scope, requests.category),
    filters.districtId === undefined ? undefined : eq(families.districtId, filters.districtId),
    filters.category === undefined ? undefined : eq(requests.category, filters.category),
    filters.status === undefined ? undefined : eq(requests.status, filters.status),
    filters.priority === undefined ? undefined : eq(requests.priority, filters.priority),
    filters.overdueAt === undefined ? undefined : overdueAt(filters.overdueAt),
    filters.search === undefined ? undefined : matchesSearch(filters.search),
  );

/** Open and past the deadline of its clock (not yet taken → take, in work → resolve) at `now`. */
const overdueAt = (now: Date) =>
  sql`((${requests.status} in ('new', 'assigned') and ${requests.takeDeadlineAt} < ${now.toISOString()}::timestamptz)
      or (${requests.status} in ('in_progress', 'waiting_family') and ${requests.resolveDeadlineAt} < ${now.toISOString()}::timestamptz))`;

/** The request's number, or a member of its family (phone, name) or its serviceman (name). */
function matchesSearch(query: FindQuery) {
  if (query.kind === 'number') return eq(requests.number, query.number);
  const member =
    query.kind === 'phone'
      ? sql`regexp_replace(m.phone, '\\D', '', 'g') like ${`%${query.digits}`}`
      : sql`m.full_name ilike ${`%${escapeLike(query.text)}%`}`;
  const serviceman =
    query.kind === 'name'
      ? sql` or exists (select 1 from ${servicemen} s where s.family_id = ${requests.familyId}
               and s.full_name ilike ${`%${escapeLike(query.text)}%`})`
      : sql``;
  return sql`(exists (select 1 from ${familyMembers} m where m.family_id = ${requests.familyId}
            and m.erased_at is null and ${member})${serviceman})`;
}

/**
 * Open requests past the deadline of their clock (not yet taken → take, in work → resolve), most
 * overdue first.
 */
async function overdue(
  db: DbOrTx,
  scope: SupervisionScope,
  now: Date,
  page: { offset: number; limit: number },
) {
  const deadline = sql<Date>`case when ${requests.status} in ('new', 'assigned') then ${requests.takeDeadlineAt} else ${requests.resolveDeadlineAt} end`;
  const where = and(
    inScope(scope, families.districtId),
    inCategoryScope(scope, requests.category),
    overdueAt(now),
  );
  const [total] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(requests)
    .innerJoin(families, eq(families.id, requests.familyId))
    .where(where);
  const rows = await db
    .select({
      id: requests.id,
      number: requests.number,
      category: requests.category,
      priority: requests.priority,
      status: requests.status,
      takeDeadlineAt: requests.takeDeadlineAt,
      resolveDeadlineAt: requests.resolveDeadlineAt,
      district: districts.name,
      curator: staff.fullName,
    })
    .from(requests)
    .innerJoin(families, eq(families.id, requests.familyId))
    .innerJoin(districts, eq(districts.id, families.districtId))
    .leftJoin(staff, eq(staff.id, requests.curatorId))
    .where(where)
    .orderBy(asc(deadline), asc(requests.id))
    .limit(page.limit)
    .offset(page.offset);
  return {
    total: total?.count ?? 0,
    rows: rows.map((row) => {
      const clock = openTakeStatuses.includes(row.status) ? ('take' as const) : ('resolve' as const);
      return { ...row, clock, deadline: clock === 'take' ? row.takeDeadlineAt : row.resolveDeadlineAt };
    }),
  };
}

/** Figures for the whole selection and by district, category and curator, in one grouping-sets query. */
async function figures(
  db: DbOrTx,
  scope: SupervisionScope,
  period: StatsPeriod,
  filters: RegisterFilters,
  now: Date,
) {
  const rows = await db.execute<Record<string, unknown>>(sql`
    with scoped as (
      select ${requests.status} as status, ${requests.category} as category, ${requests.curatorId} as curator_id,
             ${families.districtId} as district_id, ${requests.createdAt} as created_at,
             ${requests.takenAt} as taken_at, ${requests.resolvedAt} as resolved_at,
             ${requests.takeDeadlineAt} as take_deadline_at, ${requests.resolveDeadlineAt} as resolve_deadline_at,
             ${requests.rating} as rating
      from ${requests} join ${families} on ${families.id} = ${requests.familyId}
      where ${periodAndFilters(scope, period, filters)}
    )
    select grouping(district_id) as g_district, grouping(category) as g_category,
           grouping(curator_id) as g_curator, district_id, category::text as category, curator_id,
           count(*)::int as created,
           (count(*) filter (where taken_at is not null and taken_at <= take_deadline_at))::int as taken_in_time,
           (count(*) filter (where taken_at is not null
             or (take_deadline_at < ${now.toISOString()}::timestamptz and status <> 'cancelled')))::int as take_due,
           (count(*) filter (where resolved_at is not null and resolved_at <= resolve_deadline_at))::int as resolved_in_time,
           (count(*) filter (where resolved_at is not null
             or (resolve_deadline_at < ${now.toISOString()}::timestamptz and status not in ('cancelled', 'rejected'))))::int as resolve_due,
           percentile_cont(0.5) within group (order by extract(epoch from taken_at - created_at))::float8
             as median_take_seconds,
           percentile_cont(0.5) within group (order by extract(epoch from resolved_at - created_at))::float8
             as median_resolve_seconds,
           avg(rating)::float8 as average_rating,
           count(rating)::int as ratings
    from scoped
    group by grouping sets ((), (district_id), (category), (curator_id))
  `);
  return [...rows].map((row) => ({
    group:
      Number(row.g_district) === 0
        ? ({ kind: 'district', districtId: Number(row.district_id) } as const)
        : Number(row.g_category) === 0
          ? ({ kind: 'category', category: String(row.category) as RequestCategory } as const)
          : Number(row.g_curator) === 0
            ? ({ kind: 'curator', curatorId: toNumberOrNull(row.curator_id) } as const)
            : ({ kind: 'total' } as const),
    figures: {
      created: Number(row.created),
      takenInTime: Number(row.taken_in_time),
      takeDue: Number(row.take_due),
      resolvedInTime: Number(row.resolved_in_time),
      resolveDue: Number(row.resolve_due),
      medianTakeSeconds: toNumberOrNull(row.median_take_seconds),
      medianResolveSeconds: toNumberOrNull(row.median_resolve_seconds),
      averageRating: toNumberOrNull(row.average_rating),
      ratings: Number(row.ratings),
    } satisfies FigureRow,
  }));
}

async function countsByStatus(
  db: DbOrTx,
  scope: SupervisionScope,
  period: StatsPeriod,
  filters: RegisterFilters,
) {
  return db
    .select({ status: requests.status, count: sql<number>`count(*)::int` })
    .from(requests)
    .innerJoin(families, eq(families.id, requests.familyId))
    .where(periodAndFilters(scope, period, filters))
    .groupBy(requests.status);
}

async function districtNames(db: DbOrTx, ids: number[]) {
  if (ids.length === 0) return new Map<number, string>();
  const rows = await db
    .select({ id: districts.id, name: districts.name })
    .from(districts)
    .where(inArray(districts.id, ids));
  return new Map(rows.map((row) => [row.id, row.name]));
}

async function staffNames(db: DbOrTx, ids: number[]) {
  if (ids.length === 0) return new Map<number, string>();
  const rows = await db
    .select({ id: staff.id, name: staff.fullName })
    .from(staff)
    .where(inArray(staff.id, ids));
  return new Map(rows.map((row) => [row.id, row.name]));
}

async function allDistricts(db: DbOrTx) {
  return db
    .select({ id: districts.id, code: districts.code, name: districts.name })
    .from(districts)
    .orderBy(asc(districts.kind), asc(districts.name));
}

async function districtByCode(db: DbOrTx, code: string) {
  const [row] = await db.select().from(districts).where(eq(districts.code, code));
  return row;
}

/**
 * The register: one row per request. `personal` adds the applicant's name and phone, the address and the
 * rating comment — never selected for observers.
 */
async function registerRows(
  db: DbOrTx,
  scope: SupervisionScope,
  period: StatsPeriod,
  filters: RegisterFilters,
  options: { personal: boolean },
) {
  const rows = await db
    .select({
      id: requests.id,
      number: requests.number,
      familyId: requests.familyId,
      memberId: requests.memberId,
      createdAt: requests.createdAt,
      district: districts.name,
      category: requests.category,
      priority: requests.priority,
      status: requests.status,
      curatorId: requests.curatorId,
      takenAt: requests.takenAt,
      takeDeadlineAt: requests.takeDeadlineAt,
      resolvedAt: requests.resolvedAt,
      resolveDeadlineAt: requests.resolveDeadlineAt,
      rating: requests.rating,
      ...(options.personal
        ? {
            address: families.address,
            locality: families.locality,
            ratingComment: requests.ratingComment,
          }
        : {}),
    })
    .from(requests)
    .innerJoin(families, eq(families.id, requests.familyId))
    .innerJoin(districts, eq(districts.id, families.districtId))
    .where(periodAndFilters(scope, period, filters))
    .orderBy(asc(requests.createdAt), asc(requests.id));
  return rows as Array<
    (typeof rows)[number] & {
      address?: string | null;
      locality?: string | null;
      ratingComment?: string | null;
    }
  >;
}

/** The deadline of a request's running clock: take while waiting, resolve in work, none once closed. */
const runningDeadline = sql`case when ${requests.status} in ('new', 'assigned') then ${requests.takeDeadlineAt}
  when ${requests.status} in ('in_progress', 'waiting_family') then ${requests.resolveDeadlineAt} end`;

const sortColumns = {
  created: requests.createdAt,
  number: requests.number,
  status: requests.status,
  category: requests.category,
  district: districts.name,
  deadline: runningDeadline,
} as const;

/**
 * One page of the web register under the same conditions as `registerRows` (so an export of a view has
 * exactly its rows), with the total. No personal column: the page shows the curator's name only.
 */
async function registerPage(
  db: DbOrTx,
  scope: SupervisionScope,
  period: StatsPeriod,
  filters: RegisterFilters,
  view: { sort: RegisterSort; descending: boolean; offset: number; limit: number },
) {
  const where = periodAndFilters(scope, period, filters);
  const [total] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(requests)
    .innerJoin(families, eq(families.id, requests.familyId))
    .where(where);
  const order = view.descending ? desc : asc;
  const rows = await db
    .select({
      id: requests.id,
      number: requests.number,
      createdAt: requests.createdAt,
      district: districts.name,
      category: requests.category,
      priority: requests.priority,
      status: requests.status,
      curator: staff.fullName,
      deadline: sql<Date | null>`${runningDeadline}`.mapWith(requests.takeDeadlineAt),
    })
    .from(requests)
    .innerJoin(families, eq(families.id, requests.familyId))
    .innerJoin(districts, eq(districts.id, families.districtId))
    .leftJoin(staff, eq(staff.id, requests.curatorId))
    .where(where)
    .orderBy(order(sortColumns[view.sort]), order(requests.id))
    .limit(view.limit)
    .offset(view.offset);
  return { total: total?.count ?? 0, rows };
}

/** Each family's members, first member first (the applicant when a request names none). */
async function membersOfFamilies(db: DbOrTx, familyIds: number[]) {
  if (familyIds.length === 0) return [];
  return db
    .select({
      id: familyMembers.id,
      familyId: familyMembers.familyId,
      fullName: familyMembers.fullName,
      phone: familyMembers.phone,
    })
    .from(familyMembers)
    .where(and(inArray(familyMembers.familyId, familyIds), isNull(familyMembers.erasedAt)))
    .orderBy(asc(familyMembers.id));
}

/** Families in scope matching a request number, a phone or a name (members' or the serviceman's). */
async function findFamilyIds(db: DbOrTx, scope: SupervisionScope, query: FindQuery, limit: number) {
  const base = and(inScope(scope, families.districtId), isNull(families.erasedAt));
  if (query.kind === 'number') {
    const rows = await db
      .select({ id: families.id })
      .from(requests)
      .innerJoin(families, eq(families.id, requests.familyId))
      .where(and(base, eq(requests.number, query.number)))
      .limit(limit);
    return rows.map((row) => row.id);
  }
  const pattern =
    query.kind === 'phone'
      ? sql`regexp_replace(${familyMembers.phone}, '\\D', '', 'g') like ${`%${query.digits}`}`
      : sql`(${familyMembers.fullName} ilike ${`%${escapeLike(query.text)}%`}
          or exists (select 1 from ${servicemen} s where s.family_id = ${families.id}
                     and s.full_name ilike ${`%${escapeLike(query.text)}%`}))`;
  const rows = await db
    .selectDistinct({ id: families.id })
    .from(families)
    .innerJoin(familyMembers, eq(familyMembers.familyId, families.id))
    .where(and(base, isNull(familyMembers.erasedAt), pattern))
    .orderBy(asc(families.id))
    .limit(limit);
  return rows.map((row) => row.id);
}

async function familiesWithDistrict(db: DbOrTx, familyIds: number[]) {
  if (familyIds.length === 0) return [];
  return db
    .select({
      id: families.id,
      district: districts.name,
      curatorId: families.curatorId,
      reachedBy: families.reachedBy,
    })
    .from(families)
    .innerJoin(districts, eq(districts.id, families.districtId))
    .where(inArray(families.id, familyIds))
    .orderBy(asc(families.id));
}

async function latestRequestsOfFamilies(db: DbOrTx, familyIds: number[]) {
  if (familyIds.length === 0) return [];
  return db
    .select({
      id: requests.id,
      familyId: requests.familyId,
      number: requests.number,
      category: requests.category,
      status: requests.status,
    })
    .from(requests)
    .where(inArray(requests.familyId, familyIds))
    .orderBy(desc(requests.id));
}

/** Active curators of a district with their open requests count (least loaded first). */
async function activeCuratorsOf(db: DbOrTx, districtId: number) {
  const open = sql<number>`(select count(*)::int from ${requests} r
    where r.curator_id = ${staff.id} and r.status in ${openStatusList})`;
  return db
    .select({ id: staff.id, fullName: staff.fullName, awayUntil: staff.awayUntil, open })
    .from(staff)
    .innerJoin(staffDistricts, eq(staffDistricts.staffId, staff.id))
    .where(and(eq(staffDistricts.districtId, districtId), eq(staff.role, 'curator'), eq(staff.active, true)))
    .orderBy(asc(open), asc(staff.id));
}

async function lockFamily(db: DbOrTx, familyId: number) {
  const [row] = await db.select().from(families).where(eq(families.id, familyId)).for('update');
  return row;
}

/**
 * The family of a request, its row locked FOR NO KEY UPDATE: what a reassignment of one request takes
 * before it locks the request (the family first, as reassignFamily does, so the two never deadlock). A
 * family message's routing reads the curator under a FOR SHARE lock of the same row, so it never commits a
 * copy to the curator this reassignment takes the request from (routing.repository, familyShareQuery).
 */
async function lockFamilyOfRequest(db: DbOrTx, requestId: number) {
  const [row] = await db
    .select({ id: families.id })
    .from(families)
    .where(
      eq(
        families.id,
        sql`(select ${requests.familyId} from ${requests} where ${requests.id} = ${requestId})`,
      ),
    )
    .for('no key update');
  return row;
}

async function openRequestsOfFamily(db: DbOrTx, familyId: number) {
  return db
    .select()
    .from(requests)
    .where(
      and(
        eq(requests.familyId, familyId),
        inArray(requests.status, [...openTakeStatuses, ...inWorkStatuses]),
      ),
    )
    .orderBy(asc(requests.id))
    .for('update');
}

async function setRequestCurator(
  db: DbOrTx,
  requestId: number,
  curatorId: number,
  from: RequestStatus,
  now: Date,
) {
  await db
    .update(requests)
    .set({
      curatorId,
      updatedAt: now,
      // A request nobody was given yet is now given to this curator; one in work stays in work.
      ...(from === 'new' ? { status: 'assigned' as const, assignedAt: now } : {}),
    })
    .where(eq(requests.id, requestId));
}

async function setFamilyCurator(db: DbOrTx, familyId: number, curatorId: number, now: Date) {
  await db.update(families).set({ curatorId, updatedAt: now }).where(eq(families.id, familyId));
}

async function insertEvent(db: DbOrTx, values: typeof requestEvents.$inferInsert) {
  await db.insert(requestEvents).values(values);
}

async function insertAudit(db: DbOrTx, values: typeof auditLog.$inferInsert) {
  await db.insert(auditLog).values(values);
}

/** Family members of a family who can be told in Telegram (memberInChat). */
async function reachableMembersOfFamily(db: DbOrTx, familyId: number) {
  const rows = await db
    .select({ id: familyMembers.id, telegramId: familyMembers.telegramId })
    .from(familyMembers)
    .where(and(eq(familyMembers.familyId, familyId), memberInChat))
    .orderBy(asc(familyMembers.id));
  return rows.flatMap((row) => (row.telegramId === null ? [] : [{ id: row.id, telegramId: row.telegramId }]));
}

async function staffChat(db: DbOrTx, staffId: number) {
  const [row] = await db.select({ telegramId: staff.telegramId }).from(staff).where(eq(staff.id, staffId));
  return row?.telegramId;
}

function escapeLike(text: string) {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

export type SupervisionRepository = ReturnType<typeof createSupervisionRepository>;
export type RegisterRow = Awaited<ReturnType<SupervisionRepository['registerRows']>>[number];
