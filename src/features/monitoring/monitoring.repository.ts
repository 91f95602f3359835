import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { bindDb } from '../../db/bind-db.js';
import type { DbOrTx } from '../../db/client.js';
import type { RequestCategory, RequestStatus } from '../../db/schema/enums.js';
import {
  attachments,
  auditLog,
  districts,
  families,
  notifications,
  outbox,
  requestEvents,
  requests,
  staff,
} from '../../db/schema/index.js';
import { openStatusList } from '../../db/sql-lists.js';
import { inCategoryScope, inScope, type StatsPeriod, type SupervisionScope } from '../supervision/index.js';

/** The viewer's scope and the page's district filter, on a families' district and a requests' category. */
const scoped = (scope: SupervisionScope, districtId: number | undefined) =>
  sql`${inScope(scope, families.districtId)} and ${inCategoryScope(scope, requests.category)}
      ${districtId === undefined ? sql`` : sql`and ${families.districtId} = ${districtId}`}`;

/** Reads of the monitoring site beyond the supervision figures: daily counts, open work, families, operations. */
export function createMonitoringRepository({ db }: { db: DbOrTx }) {
  return bindDb(db, {
    perDayByCategory,
    openWork,
    familiesPerDistrict,
    requestTimeline,
    requestAttachments,
    insertAudit,
    outboxLag,
    troubledNotifications,
  });
}

/** Requests created per day (in the region's zone) and category. */
async function perDayByCategory(
  db: DbOrTx,
  scope: SupervisionScope,
  period: StatsPeriod,
  districtId: number | undefined,
  timeZone: string,
) {
  const rows = await db.execute<{ day: string; category: RequestCategory; count: number }>(sql`
    select to_char(${requests.createdAt} at time zone ${timeZone}, 'YYYY-MM-DD') as day,
           ${requests.category}::text as category, count(*)::int as count
    from ${requests} join ${families} on ${families.id} = ${requests.familyId}
    where ${requests.createdAt} >= ${period.from.toISOString()}::timestamptz
      and ${requests.createdAt} < ${period.to.toISOString()}::timestamptz
      and ${scoped(scope, districtId)}
    group by 1, 2 order by 1, 2`);
  return [...rows].map((row) => ({ ...row, count: Number(row.count) }));
}

/**
 * Open requests right now (whenever created), in one scan: by district and status, by curator (nobody's:
 * `name` null), and how many are past the deadline of their clock at `now`.
 */
async function openWork(db: DbOrTx, scope: SupervisionScope, districtId: number | undefined, now: Date) {
  const at = now.toISOString();
  const rows = await db.execute<{
    by: 'district' | 'curator' | 'total';
    district: string | null;
    status: RequestStatus | null;
    name: string | null;
    count: number;
    overdue: number;
  }>(sql`
    select case when grouping(${districts.name}) = 0 then 'district'
                when grouping(${requests.curatorId}) = 0 then 'curator' else 'total' end as by,
           ${districts.name} as district, ${requests.status}::text as status, ${staff.fullName} as name,
           count(*)::int as count,
           (count(*) filter (where (${requests.status} in ('new', 'assigned') and ${requests.takeDeadlineAt} < ${at}::timestamptz)
              or (${requests.status} in ('in_progress', 'waiting_family') and ${requests.resolveDeadlineAt} < ${at}::timestamptz)))::int as overdue
    from ${requests} join ${families} on ${families.id} = ${requests.familyId}
      join ${districts} on ${districts.id} = ${families.districtId}
      left join ${staff} on ${staff.id} = ${requests.curatorId}
    where ${requests.status} in ${openStatusList} and ${scoped(scope, districtId)}
    group by grouping sets ((${districts.name}, ${requests.status}), (${requests.curatorId}, ${staff.fullName}), ())`);
  const list = [...rows];
  const number = (value: unknown) => Number(value ?? 0);
  return {
    byDistrict: list
      .filter((row) => row.by === 'district')
      .map((row) => ({ district: row.district!, status: row.status!, count: number(row.count) }))
      .sort((x, y) => x.district.localeCompare(y.district)),
    byCurator: list
      .filter((row) => row.by === 'curator')
      .map((row) => ({ name: row.name, count: number(row.count) }))
      .sort((x, y) => y.count - x.count),
    overdue: number(list.find((row) => row.by === 'total')?.overdue),
  };
}

/**
 * Families registered (not erased) per district, with passports complete — an address, the serviceman's
 * name and at least one person in the household — and families receiving at least one support measure.
 */
async function familiesPerDistrict(db: DbOrTx, scope: SupervisionScope, districtId: number | undefined) {
  const rows = await db.execute<{
    district: string;
    families: number;
    complete: number;
    measures: number;
  }>(sql`
    select d.name as district, count(*)::int as families,
      (count(*) filter (where f.address is not null
        and exists (select 1 from servicemen s where s.family_id = f.id and s.full_name is not null)
        and exists (select 1 from household_members h where h.family_id = f.id)))::int as complete,
      (count(*) filter (where exists (select 1 from support_measures m where m.family_id = f.id)))::int as measures
    from ${families} f join ${districts} d on d.id = f.district_id
    where f.erased_at is null and ${inScope(scope, sql`f.district_id`)}
      ${districtId === undefined ? sql`` : sql`and f.district_id = ${districtId}`}
    group by d.name order by d.name`);
  return [...rows].map((row) => ({
    district: row.district,
    families: Number(row.families),
    complete: Number(row.complete),
    measures: Number(row.measures),
  }));
}

/** Events of a request, oldest first, with the staff member who acted. */
async function requestTimeline(db: DbOrTx, requestId: number) {
  return db
    .select({
      id: requestEvents.id,
      type: requestEvents.type,
      actorKind: requestEvents.actorKind,
      actor: staff.fullName,
      data: requestEvents.data,
      createdAt: requestEvents.createdAt,
    })
    .from(requestEvents)
    .leftJoin(staff, eq(staff.id, requestEvents.actorStaffId))
    .where(eq(requestEvents.requestId, requestId))
    .orderBy(asc(requestEvents.id))
    .limit(500);
}

async function requestAttachments(db: DbOrTx, requestId: number) {
  return db
    .select({
      id: attachments.id,
      kind: attachments.kind,
      fileName: attachments.fileName,
      mimeType: attachments.mimeType,
      fileSize: attachments.fileSize,
      createdAt: attachments.createdAt,
    })
    .from(attachments)
    .where(eq(attachments.requestId, requestId))
    .orderBy(asc(attachments.id));
}

async function insertAudit(db: DbOrTx, values: typeof auditLog.$inferInsert) {
  await db.insert(auditLog).values(values);
}

/** How far the outbox is behind: pending rows and the age of the oldest, in seconds. */
async function outboxLag(db: DbOrTx, now: Date) {
  const [row] = await db
    .select({ pending: sql<number>`count(*)::int`, oldest: sql<Date | null>`min(${outbox.createdAt})` })
    .from(outbox)
    .where(eq(outbox.status, 'pending'));
  const oldest = row?.oldest ? new Date(row.oldest) : null;
  return {
    pending: row?.pending ?? 0,
    lagSeconds: oldest ? Math.max(0, Math.round((now.getTime() - oldest.getTime()) / 1000)) : 0,
  };
}

/** Notifications pending or failed, newest first, with their last error (ids and kinds only). */
async function troubledNotifications(db: DbOrTx, limit: number) {
  const where = inArray(notifications.status, ['pending', 'failed']);
  const counts = await db
    .select({ status: notifications.status, count: sql<number>`count(*)::int` })
    .from(notifications)
    .where(where)
    .groupBy(notifications.status);
  const rows = await db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      status: notifications.status,
      attempts: notifications.attempts,
      lastError: notifications.lastError,
      requestId: notifications.requestId,
      createdAt: notifications.createdAt,
    })
    .from(notifications)
    .where(and(where, isNull(notifications.sentAt)))
    .orderBy(desc(notifications.id))
    .limit(limit);
  return { counts, rows };
}
