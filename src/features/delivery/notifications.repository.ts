import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { familyMembers, notifications, requests, staff } from '../../db/schema/index.js';

export type Notification = typeof notifications.$inferSelect;

/**
 * The `last_error` of a notification withdrawn unsent: no longer wanted when its turn came
 * (NotificationContent.stillWanted), or its request handed to another curator before it went (retraction.ts).
 */
export const withdrawnReason = 'withdrawn: no longer wanted when its turn came';

/** The steps of a notification sent so far (see recordStep): the message ids of each, in order. */
export function sentStepsOf(payload: Record<string, unknown>): number[][] {
  const steps = payload.sentSteps;
  if (!Array.isArray(steps)) return [];
  return steps.map((ids) => (Array.isArray(ids) ? ids.filter((id) => Number.isInteger(id)) : []));
}

/** The name a staff notice gives a family: its first member who has not deleted their data. */
export async function applicantNameOf(db: DbOrTx, familyId: number): Promise<string | null | undefined> {
  const [member] = await db
    .select({ name: familyMembers.fullName })
    .from(familyMembers)
    .where(and(eq(familyMembers.familyId, familyId), isNull(familyMembers.erasedAt)))
    .orderBy(asc(familyMembers.id))
    .limit(1);
  return member?.name;
}

/**
 * Fills in the family a notification shows, where its producer did not say: the request's family, the
 * recipient member's, or the `familyId` of its payload. What «Удалить мои данные» finds in staff chats.
 */
async function withFamilyIds(db: DbOrTx, rows: Array<typeof notifications.$inferInsert>) {
  const missing = rows.filter((row) => row.familyId === undefined);
  if (missing.length === 0) return rows;
  const requestIds = [...new Set(missing.flatMap((row) => (row.requestId ? [row.requestId] : [])))];
  const memberIds = [
    ...new Set(missing.flatMap((row) => (row.recipientMemberId ? [row.recipientMemberId] : []))),
  ];
  const byRequest = new Map(
    requestIds.length === 0
      ? []
      : (
          await db
            .select({ id: requests.id, familyId: requests.familyId })
            .from(requests)
            .where(inArray(requests.id, requestIds))
        ).map((row) => [row.id, row.familyId]),
  );
  const byMember = new Map(
    memberIds.length === 0
      ? []
      : (
          await db
            .select({ id: familyMembers.id, familyId: familyMembers.familyId })
            .from(familyMembers)
            .where(inArray(familyMembers.id, memberIds))
        ).map((row) => [row.id, row.familyId]),
  );
  return rows.map((row) => {
    if (row.familyId !== undefined) return row;
    const fromPayload = row.payload?.familyId;
    const familyId =
      (row.requestId ? byRequest.get(row.requestId) : undefined) ??
      (row.recipientMemberId ? byMember.get(row.recipientMemberId) : undefined) ??
      (typeof fromPayload === 'number' ? fromPayload : null);
    return { ...row, familyId };
  });
}

/**
 * Creates notifications; one that already exists (same dedupe key) is left as it is. Returns the ids of
 * those still to be sent, whether created now or by an earlier run of the same job. Every slice that makes
 * notifications (routing, relay, supervision) goes through this, so re-running a job never sends twice.
 */
export async function insertNotifications(
  db: DbOrTx,
  rows: Array<typeof notifications.$inferInsert>,
): Promise<number[]> {
  if (rows.length === 0) return [];
  const withFamily = await withFamilyIds(db, rows);
  await db.insert(notifications).values(withFamily).onConflictDoNothing({ target: notifications.dedupeKey });
  const pending = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        inArray(
          notifications.dedupeKey,
          rows.map((row) => row.dedupeKey),
        ),
        eq(notifications.status, 'pending'),
      ),
    );
  return pending.map((row) => row.id);
}

/**
 * Delivery state of notifications in PostgreSQL, the source of truth. Every change is conditional on the
 * row still being `pending`, so a notification that is `sent` can never be changed back or sent again.
 */
export function createNotificationsRepository({ db }: { db: DbOrTx }) {
  const stillPending = (id: number) => and(eq(notifications.id, id), eq(notifications.status, 'pending'));
  return {
    async find(id: number) {
      const [row] = await db.select().from(notifications).where(eq(notifications.id, id));
      return row;
    },

    /**
     * Locks a pending notification for the caller's transaction; undefined when another transaction holds
     * it (a send in progress elsewhere) or it is no longer pending.
     */
    async claimPending(id: number) {
      const [row] = await db
        .select({ id: notifications.id, payload: notifications.payload })
        .from(notifications)
        .where(stillPending(id))
        .for('update', { skipLocked: true });
      return row;
    },

    /** Recorded in the same step that learns the Telegram message id. */
    async markSent(id: number, telegramMessageId: number, now = new Date()) {
      const rows = await db
        .update(notifications)
        .set({
          status: 'sent',
          telegramMessageId,
          sentAt: now,
          attempts: sql`${notifications.attempts} + 1`,
          lastError: null,
        })
        .where(stillPending(id))
        .returning({ id: notifications.id });
      return rows.length > 0;
    },

    /**
     * One step of a message sent in several (a long text in parts, a label and its copy): the ids it made
     * are added to the payload's `sentSteps` in the step that learns them (a heading's to `sentHeadings`:
     * not the message's own, but shown with it), and the notification stays pending for the next step. Only a crash before this commit can make the step go out again.
     */
    async recordStep(id: number, messageIds: number[], headingIds: number[] = []) {
      const step = JSON.stringify([messageIds]);
      const withStep = sql`jsonb_set(${notifications.payload}, '{sentSteps}', coalesce(${notifications.payload}->'sentSteps', '[]'::jsonb) || ${step}::jsonb)`;
      const payload =
        headingIds.length === 0
          ? withStep
          : sql`jsonb_set(${withStep}, '{sentHeadings}', coalesce(${notifications.payload}->'sentHeadings', '[]'::jsonb) || ${JSON.stringify(headingIds)}::jsonb)`;
      const rows = await db
        .update(notifications)
        .set({
          payload,
          attempts: sql`${notifications.attempts} + 1`,
          lastError: null,
        })
        .where(stillPending(id))
        .returning({ id: notifications.id });
      return rows.length > 0;
    },

    async markFailed(id: number, reason: string) {
      const rows = await db
        .update(notifications)
        .set({ status: 'failed', lastError: reason, attempts: sql`${notifications.attempts} + 1` })
        .where(stillPending(id))
        .returning();
      return rows[0];
    },

    async markUnreachable(id: number, reason: string) {
      const rows = await db
        .update(notifications)
        .set({ status: 'unreachable', lastError: reason, attempts: sql`${notifications.attempts} + 1` })
        .where(stillPending(id))
        .returning();
      return rows[0];
    },

    /** A failed attempt that will be retried; returns how many attempts have been made. */
    async recordRetry(id: number, reason: string) {
      const [row] = await db
        .update(notifications)
        .set({ lastError: reason, attempts: sql`${notifications.attempts} + 1` })
        .where(stillPending(id))
        .returning({ attempts: notifications.attempts });
      return row?.attempts;
    },

    async recordWait(id: number, reason: string) {
      await db.update(notifications).set({ lastError: reason }).where(stillPending(id));
    },

    async flagStaffBlocked(staffId: number) {
      await db.update(staff).set({ botBlocked: true }).where(eq(staff.id, staffId));
    },

    async flagMemberBlocked(memberId: number) {
      await db.update(familyMembers).set({ botBlocked: true }).where(eq(familyMembers.id, memberId));
    },

    /** Pending notification ids after `afterId`, oldest first (the reconciler pages through them). */
    async pendingIds(afterId: number, limit: number) {
      const rows = await db
        .select({ id: notifications.id })
        .from(notifications)
        .where(and(eq(notifications.status, 'pending'), gt(notifications.id, afterId)))
        .orderBy(asc(notifications.id))
        .limit(limit);
      return rows.map((row) => row.id);
    },
  };
}

export type NotificationsRepository = ReturnType<typeof createNotificationsRepository>;
