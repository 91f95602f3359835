import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import {
  families,
  familyMembers,
  notifications,
  requestEvents,
  requests,
  staff,
  staffDistricts,
} from '../../db/schema/index.js';
import { insertNotifications as insertManyNotifications } from '../delivery/notifications.repository.js';

export type StaffRow = typeof staff.$inferSelect;

/** Reads and writes of the routing slice. Accepts a transaction so a routing decision commits as one. */
export function createRoutingRepository({ db }: { db: DbOrTx }) {
  const insertNotifications = (rows: Array<typeof notifications.$inferInsert>) =>
    insertManyNotifications(db, rows);

  /** Active, not blocked, not away: someone a request can be sent to right now. */
  const reachableNow = (now: Date) =>
    and(
      eq(staff.active, true),
      eq(staff.botBlocked, false),
      sql`(${staff.awayUntil} is null or ${staff.awayUntil} <= ${now.toISOString()})`,
    );

  return {
    /** The request and its family, the request row locked until the transaction ends. */
    async lockRequest(requestId: number) {
      const [request] = await db.select().from(requests).where(eq(requests.id, requestId)).for('update');
      if (!request) return undefined;
      const [family] = await db
        .select({ id: families.id, districtId: families.districtId, curatorId: families.curatorId })
        .from(families)
        .where(eq(families.id, request.familyId));
      return family ? { request, family } : undefined;
    },

    /** The request and its family, without a lock (for notices that change nothing). */
    async findRequestWithFamily(requestId: number) {
      const [request] = await db.select().from(requests).where(eq(requests.id, requestId));
      if (!request) return undefined;
      const family = await this.findFamily(request.familyId);
      return family ? { request, family } : undefined;
    },

    async findFamily(familyId: number) {
      const [family] = await db
        .select({ id: families.id, districtId: families.districtId, curatorId: families.curatorId })
        .from(families)
        .where(eq(families.id, familyId));
      return family;
    },

    async findStaff(staffId: number) {
      const [row] = await db.select().from(staff).where(eq(staff.id, staffId));
      return row;
    },

    async staffChats(staffIds: number[]) {
      if (staffIds.length === 0) return [];
      return db
        .select({ id: staff.id, telegramId: staff.telegramId })
        .from(staff)
        .where(inArray(staff.id, staffIds));
    },

    async onCallCurator(now: Date) {
      const [row] = await db
        .select({ id: staff.id })
        .from(staff)
        .where(and(eq(staff.onCall, true), eq(staff.role, 'curator'), reachableNow(now)))
        .orderBy(asc(staff.id))
        .limit(1);
      return row?.id;
    },

    /** Supervisors of the district; when it has none, the regional ones. */
    async supervisorsFor(districtId: number, now: Date, options: { excludeStaffIds?: number[] } = {}) {
      const exclude = options.excludeStaffIds ?? [];
      const notExcluded =
        exclude.length > 0 ? sql`${staff.id} not in (${sql.join(exclude, sql`, `)})` : undefined;
      const district = await db
        .select({ id: staff.id })
        .from(staff)
        .innerJoin(staffDistricts, eq(staffDistricts.staffId, staff.id))
        .where(
          and(
            eq(staffDistricts.districtId, districtId),
            eq(staff.role, 'supervisor'),
            reachableNow(now),
            notExcluded,
          ),
        )
        .orderBy(asc(staff.id));
      if (district.length > 0) return district.map((row) => row.id);
      const regional = await db
        .select({ id: staff.id })
        .from(staff)
        .where(and(eq(staff.role, 'supervisor'), eq(staff.regional, true), reachableNow(now), notExcluded))
        .orderBy(asc(staff.id));
      return regional.map((row) => row.id);
    },

    async assignRequest(requestId: number, curatorId: number | null, now: Date) {
      await db
        .update(requests)
        .set({ status: 'assigned', curatorId, assignedAt: now, updatedAt: now })
        .where(eq(requests.id, requestId));
    },

    async unassignRequest(requestId: number, now: Date) {
      await db
        .update(requests)
        .set({ status: 'new', curatorId: null, assignedAt: null, updatedAt: now })
        .where(eq(requests.id, requestId));
    },

    async addSystemEvent(
      requestId: number,
      type: 'assigned' | 'delivery_failed',
      data: Record<string, unknown>,
    ) {
      await db.insert(requestEvents).values({ requestId, type, actorKind: 'system', data });
    },

    /** Creates notifications to staff; one that already exists (same dedupe key) is left as it is. */
    async notifyStaff(
      items: Array<{
        staffId: number;
        kind: string;
        dedupeKey: string;
        requestId?: number;
        payload?: Record<string, unknown>;
      }>,
    ) {
      if (items.length === 0) return [];
      const chats = new Map(
        (await this.staffChats(items.map((item) => item.staffId))).map((row) => [row.id, row.telegramId]),
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
                recipientStaffId: item.staffId,
                chatId,
                payload: item.payload ?? {},
              },
            ];
      });
      return insertNotifications(rows);
    },

    /** Members of the request's family with a Telegram chat, not erased (blocked ones are left to delivery). */
    async reachableFamilyMembersOfRequest(requestId: number) {
      const rows = await db
        .select({ id: familyMembers.id, telegramId: familyMembers.telegramId })
        .from(requests)
        .innerJoin(familyMembers, eq(familyMembers.familyId, requests.familyId))
        .where(
          and(
            eq(requests.id, requestId),
            isNotNull(familyMembers.telegramId),
            isNull(familyMembers.erasedAt),
          ),
        )
        .orderBy(asc(familyMembers.id));
      return rows.flatMap((row) =>
        row.telegramId === null ? [] : [{ id: row.id, telegramId: row.telegramId }],
      );
    },

    /** Creates notifications to family members; one that already exists (same dedupe key) is left as it is. */
    async notifyMembers(
      items: Array<{
        memberId: number;
        chatId: number;
        kind: string;
        dedupeKey: string;
        requestId: number;
        payload: Record<string, unknown>;
      }>,
    ) {
      return insertNotifications(
        items.map((item) => ({
          kind: item.kind,
          dedupeKey: item.dedupeKey,
          requestId: item.requestId,
          recipientMemberId: item.memberId,
          chatId: item.chatId,
          payload: item.payload,
        })),
      );
    },

    async pendingNotificationsOfRequest(requestId: number) {
      const rows = await db
        .select({ id: notifications.id })
        .from(notifications)
        .where(and(eq(notifications.requestId, requestId), eq(notifications.status, 'pending')));
      return rows.map((row) => row.id);
    },
  };
}

export type RoutingRepository = ReturnType<typeof createRoutingRepository>;
