import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { bindDb } from '../../db/bind-db.js';
import type { DbOrTx } from '../../db/client.js';
import { type EscalationClock, type EscalationLevel, openRequestStatuses } from '../../db/schema/enums.js';
import {
  escalations,
  families,
  notifications,
  requestEvents,
  requests,
  staff,
  supervisorAlerts,
} from '../../db/schema/index.js';
import { staffReachableNow } from '../staff/index.js';
import type { LadderRequest, StepKey } from './deadlines.ladder.js';

const ladderColumns = {
  id: requests.id,
  category: requests.category,
  priority: requests.priority,
  status: requests.status,
  takeDeadlineAt: requests.takeDeadlineAt,
  resolveDeadlineAt: requests.resolveDeadlineAt,
};

export interface LadderRequestWithFired extends LadderRequest {
  fired: Set<StepKey>;
}

/** Reads and writes of the deadlines slice; accepts a transaction so one escalation commits as one. */
export function createDeadlinesRepository({ db }: { db: DbOrTx }) {
  return bindDb(db, {
    lockRequest,
    firedSteps,
    ladderRequest,
    openRequestsPage,
    insertEscalation,
    addEscalatedEvent,
    regionalSupervisors,
    lockSupervisorAlerts,
    alertsSince,
    insertAlert,
    bufferedAlerts,
    attachAlerts,
    dropAlertsOfInactive,
    pendingDigests,
    cardHolders,
    urgentAlertsExist,
  });
}

/** The request with what escalation needs, its row locked until the transaction ends. */
async function lockRequest(db: DbOrTx, requestId: number) {
  const [row] = await db
    .select({
      ...ladderColumns,
      curatorId: requests.curatorId,
      takenById: requests.takenById,
      districtId: families.districtId,
    })
    .from(requests)
    .innerJoin(families, eq(families.id, requests.familyId))
    .where(eq(requests.id, requestId))
    .for('update', { of: requests });
  return row;
}

async function firedSteps(db: DbOrTx, requestId: number): Promise<Set<StepKey>> {
  const rows = await db
    .select({ clock: escalations.clock, level: escalations.level })
    .from(escalations)
    .where(eq(escalations.requestId, requestId));
  return new Set(rows.map((row) => `${row.clock}:${row.level}` as StepKey));
}

async function ladderRequest(db: DbOrTx, requestId: number): Promise<LadderRequestWithFired | undefined> {
  const [row] = await db.select(ladderColumns).from(requests).where(eq(requests.id, requestId));
  return row ? { ...row, fired: await firedSteps(db, requestId) } : undefined;
}

/**
 * A page of open requests (id order) with the steps already fired — what the reconciler rebuilds the
 * timers from. Uses the partial index over open requests and the unique index of escalations.
 */
async function openRequestsPage(
  db: DbOrTx,
  afterId: number,
  limit: number,
  /**
   * Only requests whose first step may be due before `before`: the take deadline within half the
   * longest take window of it (while it waits to be taken), or the resolve deadline within half the
   * longest resolve window. A cheap filter, so the periodic sweep reads only candidates.
   */
  mayBeDue?: { before: Date; maxTakeWindowMs: number; maxResolveWindowMs: number },
): Promise<LadderRequestWithFired[]> {
  const candidates = mayBeDue
    ? sql`((${requests.status} in ('new', 'assigned') and ${requests.takeDeadlineAt} < ${new Date(
        mayBeDue.before.getTime() + mayBeDue.maxTakeWindowMs / 2,
      ).toISOString()}) or ${requests.resolveDeadlineAt} < ${new Date(
        mayBeDue.before.getTime() + mayBeDue.maxResolveWindowMs / 2,
      ).toISOString()})`
    : undefined;
  const rows = await db
    .select({
      ...ladderColumns,
      // The outer id spelled out in full: drizzle writes a one-table select's columns bare, and a bare
      // "id" inside this subquery is the escalation's own id — every request then read the same few
      // rows as its fired steps, and the sweep re-added an already fired step every pass.
      fired: sql<string[]>`coalesce(
        (select array_agg(e.clock::text || ':' || e.level::text)
         from ${escalations} e where e.request_id = ${requests}.${sql.identifier(requests.id.name)}), '{}')`,
    })
    .from(requests)
    .where(and(inArray(requests.status, [...openRequestStatuses]), gt(requests.id, afterId), candidates))
    .orderBy(asc(requests.id))
    .limit(limit);
  return rows.map((row) => ({ ...row, fired: new Set(row.fired as StepKey[]) }));
}

/** The gate: one row per request, clock and level. Undefined when this level had fired before. */
async function insertEscalation(
  db: DbOrTx,
  requestId: number,
  clock: EscalationClock,
  level: EscalationLevel,
  now: Date,
) {
  const [row] = await db
    .insert(escalations)
    .values({ requestId, clock, level, firedAt: now })
    .onConflictDoNothing()
    .returning({ id: escalations.id });
  return row?.id;
}

async function addEscalatedEvent(db: DbOrTx, requestId: number, data: Record<string, unknown>, now: Date) {
  await db
    .insert(requestEvents)
    .values({ requestId, type: 'escalated', actorKind: 'system', data, createdAt: now });
}

/** Regional supervisors who can be reached now (active, not blocked, not away). */
async function regionalSupervisors(db: DbOrTx, now: Date) {
  const rows = await db
    .select({ id: staff.id })
    .from(staff)
    .where(and(eq(staff.role, 'supervisor'), eq(staff.regional, true), staffReachableNow(now)))
    .orderBy(asc(staff.id));
  return rows.map((row) => row.id);
}

/** Serialises everything about one supervisor's alerts (count, buffer, flush) across processes. */
async function lockSupervisorAlerts(db: DbOrTx, staffId: number) {
  await db.execute(sql`select pg_advisory_xact_lock(${DIGEST_LOCK_CLASS}::int, ${staffId}::int)`);
}

async function alertsSince(db: DbOrTx, staffId: number, since: Date) {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(supervisorAlerts)
    .where(and(eq(supervisorAlerts.staffId, staffId), gt(supervisorAlerts.createdAt, since)));
  return row?.count ?? 0;
}

async function insertAlert(db: DbOrTx, row: typeof supervisorAlerts.$inferInsert) {
  const [inserted] = await db
    .insert(supervisorAlerts)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: supervisorAlerts.id });
  return inserted?.id;
}

/** Alerts waiting for this supervisor's digest, oldest first. */
async function bufferedAlerts(db: DbOrTx, staffId: number) {
  return db
    .select({
      id: supervisorAlerts.id,
      requestId: supervisorAlerts.requestId,
      createdAt: supervisorAlerts.createdAt,
    })
    .from(supervisorAlerts)
    .where(and(eq(supervisorAlerts.staffId, staffId), isNull(supervisorAlerts.notificationId)))
    .orderBy(asc(supervisorAlerts.id));
}

async function attachAlerts(db: DbOrTx, alertIds: number[], notificationId: number) {
  if (alertIds.length === 0) return;
  await db.update(supervisorAlerts).set({ notificationId }).where(inArray(supervisorAlerts.id, alertIds));
}

/**
 * A supervisor who left the service (deactivated) after alerts were buffered for them: those alerts are
 * dropped, so no digest is made for them and the reconciler owes none. True when they left.
 */
async function dropAlertsOfInactive(db: DbOrTx, staffId: number) {
  const [member] = await db.select({ active: staff.active }).from(staff).where(eq(staff.id, staffId));
  if (member?.active !== false) return false;
  await db
    .delete(supervisorAlerts)
    .where(and(eq(supervisorAlerts.staffId, staffId), isNull(supervisorAlerts.notificationId)));
  return true;
}

/** For the reconciler: each supervisor with a digest still to send, and when its window ends. */
async function pendingDigests(db: DbOrTx) {
  return db
    .select({
      staffId: supervisorAlerts.staffId,
      firstAlertId: sql<number>`min(${supervisorAlerts.id})::bigint`.mapWith(Number),
      firstAt: sql<Date>`min(${supervisorAlerts.createdAt})`.mapWith((value: string | Date) =>
        value instanceof Date ? value : new Date(value),
      ),
    })
    .from(supervisorAlerts)
    .where(isNull(supervisorAlerts.notificationId))
    .groupBy(supervisorAlerts.staffId);
}

/** Staff who already hold this request's card (they need no separate urgent alert). */
async function cardHolders(db: DbOrTx, requestId: number) {
  const rows = await db
    .select({ staffId: notifications.recipientStaffId })
    .from(notifications)
    .where(and(eq(notifications.requestId, requestId), eq(notifications.kind, 'request_card')));
  return new Set(rows.flatMap((row) => (row.staffId === null ? [] : [row.staffId])));
}

async function urgentAlertsExist(db: DbOrTx, requestId: number) {
  const [row] = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        eq(notifications.requestId, requestId),
        sql`${notifications.dedupeKey} like ${`request:${requestId}:urgent:%`}`,
      ),
    )
    .limit(1);
  return row !== undefined;
}

// Advisory lock class for one supervisor's alerts; the second key is the staff id.
const DIGEST_LOCK_CLASS = 731_006;

export type DeadlinesRepository = ReturnType<typeof createDeadlinesRepository>;
