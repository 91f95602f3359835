import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { bindDb } from '../../db/bind-db.js';
import type { DbOrTx } from '../../db/client.js';
import { preparedPerDb } from '../../db/prepared.js';
import {
  families,
  familyMembers,
  notifications,
  requestEvents,
  requests,
  staff,
} from '../../db/schema/index.js';
import { inIntegers } from '../../db/sql-lists.js';
import { insertNotifications as insertManyNotifications, memberInChat } from '../delivery/index.js';
import { staffReachableNow, supervisorsToTell } from '../staff/index.js';

export type StaffRow = typeof staff.$inferSelect;

/** Reads and writes of the routing slice. Accepts a transaction so a routing decision commits as one. */
export function createRoutingRepository({ db }: { db: DbOrTx }) {
  return bindDb(db, {
    lockRequest,
    findRequestWithFamily,
    findFamily,
    familyMessageCurator,
    familyMessageCurators,
    findStaff,
    staffChats,
    onCallCurator,
    supervisorsFor,
    assignRequest,
    unassignRequest,
    addSystemEvent,
    notifyStaff,
    reachableFamilyMembersOfRequest,
    notifyMembers,
    pendingNotificationsOfRequest,
  });
}

/** Active, not blocked, not away: someone a request can be sent to right now. */

/**
 * The request and its family in one statement, the request row locked until the transaction ends (the
 * family row is read, not locked, as when they were two statements).
 */
async function lockRequest(db: DbOrTx, requestId: number) {
  const [row] = await db
    .select({
      request: requests,
      family: { id: families.id, districtId: families.districtId, curatorId: families.curatorId },
    })
    .from(requests)
    .innerJoin(families, eq(families.id, requests.familyId))
    .where(eq(requests.id, requestId))
    .for('update', { of: requests });
  return row;
}

/** The request and its family, without a lock (for notices that change nothing). */
async function findRequestWithFamily(db: DbOrTx, requestId: number) {
  const [request] = await db.select().from(requests).where(eq(requests.id, requestId));
  if (!request) return undefined;
  const family = await findFamily(db, request.familyId);
  return family ? { request, family } : undefined;
}

async function findFamily(db: DbOrTx, familyId: number) {
  const [family] = await db
    .select({ id: families.id, districtId: families.districtId, curatorId: families.curatorId })
    .from(families)
    .where(eq(families.id, familyId));
  return family;
}

const curatorRow = alias(staff, 'curator');
const deputyRow = alias(staff, 'deputy');

/**
 * In one statement, what routing a family's message needs: the family's district and the curator it is
 * for — the request's curator (`requestId`), else the family's — with that curator's deputy. Undefined when
 * the family is gone. The family row is locked FOR SHARE first (familyShareQuery), so a caller that inserts
 * copies in the same transaction never commits one to a curator a reassignment has just taken it from.
 */
async function familyMessageCurator(db: DbOrTx, familyId: number, requestId: number | null) {
  await familyShareQuery(db).execute({ familyId });
  const [row] =
    requestId === null
      ? await familyCuratorQuery(db).execute({ familyId })
      : await requestCuratorQuery(db).execute({ familyId, requestId });
  return row;
}

/**
 * The family row locked FOR SHARE until the caller's transaction ends, in a statement of its own before
 * the curator is read. A supervisor's reassignment locks the same row (FOR UPDATE, FOR NO KEY UPDATE:
 * supervision.usecases) before it changes a curator, so the two go one after the other: a routing that
 * began first commits its copies before the reassignment can, and the reassignment's notices job then
 * re-addresses those still pending (relay.readdress.ts); one that comes while the reassignment is under way
 * waits for it to commit and then reads, in a statement with a snapshot taken after that commit, the new
 * curator. (A lock in the curator's own statement would not do: under READ COMMITTED a locking read that
 * waited re-checks the locked row's new version, but neither the request's curator in its subquery nor the
 * staff rows joined are read again.) FOR SHARE, not KEY SHARE, so a plain UPDATE of the family's curator
 * (a deactivated curator's families handed on) waits as well; routings do not wait for one another.
 */
const familyShareQuery = preparedPerDb((db) =>
  db
    .select({ id: families.id })
    .from(families)
    .where(eq(families.id, sql.placeholder('familyId')))
    .for('share')
    .prepare('routing_family_share'),
);

/** familyShareQuery for many families, locked in id order (two batches never wait on each other's). */
async function lockFamiliesShared(db: DbOrTx, familyIds: number[]) {
  if (familyIds.length === 0) return;
  await db.execute(
    sql`select id from ${families} where ${inIntegers('id', [...new Set(familyIds)])} order by id for share`,
  );
}

/**
 * familyMessageCurator's statement for a message about a request (its curator) or about none (the
 * family's), each built once per handle: routing runs it for every message a family writes.
 */
const curatorQuery = (db: DbOrTx, curatorId: SQL | typeof families.curatorId, name: string) =>
  db
    .select({ districtId: families.districtId, curator: curatorRow, deputy: deputyRow })
    .from(families)
    .leftJoin(curatorRow, eq(curatorRow.id, curatorId))
    .leftJoin(deputyRow, eq(deputyRow.id, curatorRow.deputyId))
    .where(eq(families.id, sql.placeholder('familyId')))
    .prepare(name);
const familyCuratorQuery = preparedPerDb((db) =>
  curatorQuery(db, families.curatorId, 'routing_family_curator'),
);
const requestCuratorQuery = preparedPerDb((db) =>
  curatorQuery(
    db,
    sql`(select r.curator_id from ${requests} r where r.id = ${sql.placeholder('requestId')})`,
    'routing_request_curator',
  ),
);

/**
 * familyMessageCurator for many messages in one statement (the outbox relay's batch), after the families
 * are locked FOR SHARE (lockFamiliesShared): the answer of each (family, request) asked, by
 * `familyRequestKey`; a family that is gone has none.
 */
async function familyMessageCurators(
  db: DbOrTx,
  wanted: Array<{ familyId: number; requestId: number | null }>,
) {
  const found = new Map<string, Awaited<ReturnType<typeof familyMessageCurator>>>();
  if (wanted.length === 0) return found;
  // Integers written into the statement (each truncated): one round trip whatever the batch holds, and
  // deliberately not prepared (a statement without parameters is sent unprepared, client.ts), so no
  // statement cache grows with the batches' texts.
  const distinct = new Map(wanted.map((item) => [familyRequestKey(item.familyId, item.requestId), item]));
  await lockFamiliesShared(
    db,
    [...distinct.values()].map((item) => item.familyId),
  );
  const asked = sql.raw(
    [...distinct.values()]
      .map(
        (item) =>
          `(${Math.trunc(item.familyId)}, ${item.requestId === null ? 'null::int' : Math.trunc(item.requestId)})`,
      )
      .join(', '),
  );
  const curatorId = sql`case when asked.request_id is null then ${families.curatorId}
    else (select r.curator_id from ${requests} r where r.id = asked.request_id) end`;
  const rows = await db
    .select({
      familyId: families.id,
      requestId: sql<number | null>`asked.request_id`,
      districtId: families.districtId,
      curator: curatorRow,
      deputy: deputyRow,
    })
    .from(families)
    .innerJoin(sql`(values ${asked}) as asked(family_id, request_id)`, sql`asked.family_id = ${families.id}`)
    .leftJoin(curatorRow, eq(curatorRow.id, curatorId))
    .leftJoin(deputyRow, eq(deputyRow.id, curatorRow.deputyId));
  for (const { familyId, requestId, ...row } of rows)
    found.set(familyRequestKey(familyId, requestId === null ? null : Number(requestId)), row);
  return found;
}

/** The key of familyMessageCurators' answers. */
export const familyRequestKey = (familyId: number, requestId: number | null) => `${familyId}:${requestId}`;

async function findStaff(db: DbOrTx, staffId: number) {
  const [row] = await db.select().from(staff).where(eq(staff.id, staffId));
  return row;
}

async function staffChats(db: DbOrTx, staffIds: number[]) {
  if (staffIds.length === 0) return [];
  return db
    .select({ id: staff.id, telegramId: staff.telegramId })
    .from(staff)
    .where(inArray(staff.id, staffIds));
}

async function onCallCurator(db: DbOrTx, now: Date) {
  const [row] = await db
    .select({ id: staff.id })
    .from(staff)
    .where(and(eq(staff.onCall, true), eq(staff.role, 'curator'), staffReachableNow(now)))
    .orderBy(asc(staff.id))
    .limit(1);
  return row?.id;
}

/** Supervisors of the district; when it has none, the regional ones (staff's supervisorsToTell). */
async function supervisorsFor(
  db: DbOrTx,
  districtId: number,
  now: Date,
  options: { excludeStaffIds?: number[] } = {},
) {
  return (await supervisorsToTell(db, districtId, now, options)).ids;
}

async function assignRequest(db: DbOrTx, requestId: number, curatorId: number | null, now: Date) {
  await db
    .update(requests)
    .set({ status: 'assigned', curatorId, assignedAt: now, updatedAt: now })
    .where(eq(requests.id, requestId));
}

async function unassignRequest(db: DbOrTx, requestId: number, now: Date) {
  await db
    .update(requests)
    .set({ status: 'new', curatorId: null, assignedAt: null, updatedAt: now })
    .where(eq(requests.id, requestId));
}

async function addSystemEvent(
  db: DbOrTx,
  requestId: number,
  type: 'assigned' | 'delivery_failed',
  data: Record<string, unknown>,
) {
  await db.insert(requestEvents).values({ requestId, type, actorKind: 'system', data });
}

/** Creates notifications to staff; one that already exists (same dedupe key) is left as it is. */
async function notifyStaff(
  db: DbOrTx,
  items: Array<{
    staffId: number;
    kind: string;
    dedupeKey: string;
    requestId?: number;
    /** The family the message shows, when the caller knows it (else read from the request). */
    familyId?: number;
    payload?: Record<string, unknown>;
  }>,
) {
  if (items.length === 0) return [];
  const chats = new Map(
    (
      await staffChats(
        db,
        items.map((item) => item.staffId),
      )
    ).map((row) => [row.id, row.telegramId]),
  );
  const rows = items.flatMap((item) => {
    const chatId = chats.get(item.staffId);
    return chatId === undefined
      ? []
      : [
          {
            kind: item.kind,
            dedupeKey: item.dedupeKey,
            requestId: item.requestId,
            ...(item.familyId === undefined ? {} : { familyId: item.familyId }),
            recipientStaffId: item.staffId,
            chatId,
            payload: item.payload ?? {},
          },
        ];
  });
  return insertManyNotifications(db, rows);
}

/** Members of the request's family with a Telegram chat, not erased (blocked ones are left to delivery). */
async function reachableFamilyMembersOfRequest(db: DbOrTx, requestId: number) {
  const rows = await db
    .select({ id: familyMembers.id, telegramId: familyMembers.telegramId })
    .from(requests)
    .innerJoin(familyMembers, eq(familyMembers.familyId, requests.familyId))
    .where(and(eq(requests.id, requestId), memberInChat))
    .orderBy(asc(familyMembers.id));
  return rows.flatMap((row) => (row.telegramId === null ? [] : [{ id: row.id, telegramId: row.telegramId }]));
}

/** Creates notifications to family members; one that already exists (same dedupe key) is left as it is. */
async function notifyMembers(
  db: DbOrTx,
  items: Array<{
    memberId: number;
    chatId: number;
    kind: string;
    dedupeKey: string;
    requestId: number;
    payload: Record<string, unknown>;
  }>,
) {
  return insertManyNotifications(
    db,
    items.map((item) => ({
      kind: item.kind,
      dedupeKey: item.dedupeKey,
      requestId: item.requestId,
      recipientMemberId: item.memberId,
      chatId: item.chatId,
      payload: item.payload,
    })),
  );
}

async function pendingNotificationsOfRequest(db: DbOrTx, requestId: number) {
  const rows = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.requestId, requestId), eq(notifications.status, 'pending')));
  return rows.map((row) => row.id);
}

export type RoutingRepository = ReturnType<typeof createRoutingRepository>;
