import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { familyMembers, notifications, staff } from '../../db/schema/index.js';

export type Notification = typeof notifications.$inferSelect;

/** The steps of a notification sent so far (see recordStep): the message ids of each, in order. */
export function sentStepsOf(payload: Record<string, unknown>): number[][] {
  const steps = payload.sentSteps;
  if (!Array.isArray(steps)) return [];
  return steps.map((ids) => (Array.isArray(ids) ? ids.filter((id) => Number.isInteger(id)) : []));
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
  await db.insert(notifications).values(rows).onConflictDoNothing({ target: notifications.dedupeKey });
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
     * are added to the payload's `sentSteps` in the step that learns them, and the notification stays
     * pending for the next step. Only a crash before this commit can make the step go out again.
     */
    async recordStep(id: number, messageIds: number[]) {
      const step = JSON.stringify([messageIds]);
      const rows = await db
        .update(notifications)
        .set({
          payload: sql`jsonb_set(${notifications.payload}, '{sentSteps}', coalesce(${notifications.payload}->'sentSteps', '[]'::jsonb) || ${step}::jsonb)`,
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
