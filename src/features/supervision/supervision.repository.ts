import { and, asc, desc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { RequestCategory, RequestStatus } from '../../db/schema/enums.js';
import {
  auditLog,
  districts,
  families,
  familyMembers,
  type notifications,
  requestEvents,
  requests,
  servicemen,
  staff,
  staffDistricts,
} from '../../db/schema/index.js';
import { insertNotifications } from '../delivery/notifications.repository.js';
import type { StatsPeriod } from './supervision.period.js';
import { inCategoryScope, inScope, type SupervisionScope } from './supervision.scope.js';

export interface RegisterFilters {
  districtId?: number;
  category?: RequestCategory;
}

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
  const periodAndFilters = (scope: SupervisionScope, period: StatsPeriod, filters: RegisterFilters) =>
    and(
      gte(requests.createdAt, period.from),
      lt(requests.createdAt, period.to),
      inScope(scope, families.districtId),
      inCategoryScope(scope, requests.category),
      filters.districtId === undefined ? undefined : eq(families.districtId, filters.districtId),
      filters.category === undefined ? undefined : eq(requests.category, filters.category),
    );

  return {
    /**
     * Open requests past the deadline of their clock (not yet taken → take, in work → resolve), most
     * overdue first.
     */
    async overdue(scope: SupervisionScope, now: Date, page: { offset: number; limit: number }) {
      const deadline = sql<Date>`case when ${requests.status} in ('new', 'assigned') then ${requests.takeDeadlineAt} else ${requests.resolveDeadlineAt} end`;
      const where = and(
        inScope(scope, families.districtId),
        inCategoryScope(scope, requests.category),
        sql`((${requests.status} in ('new', 'assigned') and ${requests.takeDeadlineAt} < ${now.toISOString()}::timestamptz)
          or (${requests.status} in ('in_progress', 'waiting_family') and ${requests.resolveDeadlineAt} < ${now.toISOString()}::timestamptz))`,
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
    },

    /** Figures for the whole selection and by district, category and curator, in one grouping-sets query. */
    async figures(scope: SupervisionScope, period: StatsPeriod, filters: RegisterFilters, now: Date) {
      const rows = await db.execute<Record<string, unknown>>(sql`
        with scoped as (
          select r.status, r.category, r.curator_id, f.district_id, r.created_at, r.taken_at, r.resolved_at,
                 r.take_deadline_at, r.resolve_deadline_at, r.rating
          from ${requests} r join ${families} f on f.id = r.family_id
          where r.created_at >= ${period.from.toISOString()}::timestamptz and r.created_at < ${period.to.toISOString()}::timestamptz
            and ${inScope(scope, sql`f.district_id`)}
            and ${inCategoryScope(scope, sql`r.category`)}
            ${filters.districtId === undefined ? sql`` : sql`and f.district_id = ${filters.districtId}`}
            ${filters.category === undefined ? sql`` : sql`and r.category = ${filters.category}`}
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
    },

    async countsByStatus(scope: SupervisionScope, period: StatsPeriod, filters: RegisterFilters) {
      return db
        .select({ status: requests.status, count: sql<number>`count(*)::int` })
        .from(requests)
        .innerJoin(families, eq(families.id, requests.familyId))
        .where(periodAndFilters(scope, period, filters))
        .groupBy(requests.status);
    },

    async districtNames(ids: number[]) {
      if (ids.length === 0) return new Map<number, string>();
      const rows = await db
        .select({ id: districts.id, name: districts.name })
        .from(districts)
        .where(inArray(districts.id, ids));
      return new Map(rows.map((row) => [row.id, row.name]));
    },

    async staffNames(ids: number[]) {
      if (ids.length === 0) return new Map<number, string>();
      const rows = await db
        .select({ id: staff.id, name: staff.fullName })
        .from(staff)
        .where(inArray(staff.id, ids));
      return new Map(rows.map((row) => [row.id, row.name]));
    },

    async allDistricts() {
      return db
        .select({ id: districts.id, code: districts.code, name: districts.name })
        .from(districts)
        .orderBy(asc(districts.kind), asc(districts.name));
    },

    async districtByCode(code: string) {
      const [row] = await db.select().from(districts).where(eq(districts.code, code));
      return row;
    },

    /**
     * The register: one row per request. `personal` adds the applicant's name and phone, the address and the
     * rating comment — never selected for observers.
     */
    async registerRows(
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
    },

    /** Each family's members, first member first (the applicant when a request names none). */
    async membersOfFamilies(familyIds: number[]) {
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
    },

    /** Families in scope matching a request number, a phone or a name (members' or the serviceman's). */
    async findFamilyIds(
      scope: SupervisionScope,
      query:
        | { kind: 'number'; number: number }
        | { kind: 'phone'; digits: string }
        | { kind: 'name'; text: string },
      limit: number,
    ) {
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
    },

    async familiesWithDistrict(familyIds: number[]) {
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
    },

    async latestRequestsOfFamilies(familyIds: number[]) {
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
    },

    /** Active curators of a district with their open requests count (least loaded first). */
    async activeCuratorsOf(districtId: number) {
      const open = sql<number>`(select count(*)::int from ${requests} r
        where r.curator_id = ${staff.id} and r.status in ('new', 'assigned', 'in_progress', 'waiting_family'))`;
      return db
        .select({ id: staff.id, fullName: staff.fullName, awayUntil: staff.awayUntil, open })
        .from(staff)
        .innerJoin(staffDistricts, eq(staffDistricts.staffId, staff.id))
        .where(
          and(eq(staffDistricts.districtId, districtId), eq(staff.role, 'curator'), eq(staff.active, true)),
        )
        .orderBy(asc(open), asc(staff.id));
    },

    async lockFamily(familyId: number) {
      const [row] = await db.select().from(families).where(eq(families.id, familyId)).for('update');
      return row;
    },

    async openRequestsOfFamily(familyId: number) {
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
    },

    async setRequestCurator(requestId: number, curatorId: number, from: RequestStatus, now: Date) {
      await db
        .update(requests)
        .set({
          curatorId,
          updatedAt: now,
          // A request nobody was given yet is now given to this curator; one in work stays in work.
          ...(from === 'new' ? { status: 'assigned' as const, assignedAt: now } : {}),
        })
        .where(eq(requests.id, requestId));
    },

    async setFamilyCurator(familyId: number, curatorId: number, now: Date) {
      await db.update(families).set({ curatorId, updatedAt: now }).where(eq(families.id, familyId));
    },

    async insertEvent(values: typeof requestEvents.$inferInsert) {
      await db.insert(requestEvents).values(values);
    },

    async insertAudit(values: typeof auditLog.$inferInsert) {
      await db.insert(auditLog).values(values);
    },

    /** Family members of a family who can be told in Telegram (a chat, not erased). */
    async reachableMembersOfFamily(familyId: number) {
      const rows = await db
        .select({ id: familyMembers.id, telegramId: familyMembers.telegramId })
        .from(familyMembers)
        .where(and(eq(familyMembers.familyId, familyId), isNull(familyMembers.erasedAt)))
        .orderBy(asc(familyMembers.id));
      return rows.flatMap((row) =>
        row.telegramId === null ? [] : [{ id: row.id, telegramId: row.telegramId }],
      );
    },

    async staffChat(staffId: number) {
      const [row] = await db
        .select({ telegramId: staff.telegramId })
        .from(staff)
        .where(eq(staff.id, staffId));
      return row?.telegramId;
    },

    insertNotifications: (rows: Array<typeof notifications.$inferInsert>) => insertNotifications(db, rows),
  };
}

function escapeLike(text: string) {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

export type SupervisionRepository = ReturnType<typeof createSupervisionRepository>;
export type RegisterRow = Awaited<ReturnType<SupervisionRepository['registerRows']>>[number];
