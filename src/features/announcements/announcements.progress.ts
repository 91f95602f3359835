import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { announcements } from '../../db/schema/index.js';
import type { Logger } from '../../logger.js';
import { type DeliveryLanes, insertNotifications } from '../delivery/index.js';
import { announcementKinds, announcementProgress } from './announcements.usecases.js';

/** How often the sender's progress message is edited. */
export const PROGRESS_INTERVAL_MS = 10_000;

type Row = typeof announcements.$inferSelect;

/** The sender's chat, for a notification there (none for an admin's announcement from the command line). */
const toSender = (row: Row) =>
  row.progressChatId === null
    ? undefined
    : {
        chatId: row.progressChatId,
        recipientStaffId: row.authorStaffId,
        payload: { announcementId: row.id },
      };

/**
 * One look at an announcement still sending: when nothing is left, it is marked finished and the sender gets
 * the last edit and the final report (each once: their dedupe keys); otherwise an edit of the progress
 * message when something moved since the last look. Returns the notifications made.
 */
async function lookAt(db: Db, row: Row, tick: number, seen: Map<number, number>): Promise<number[]> {
  const progress = await announcementProgress(db, row.id);
  const sender = toSender(row);
  if (progress.left === 0) {
    return db.transaction(async (tx) => {
      const finished = await tx
        .update(announcements)
        .set({ finishedAt: new Date() })
        .where(and(eq(announcements.id, row.id), isNull(announcements.finishedAt)))
        .returning({ id: announcements.id });
      seen.delete(row.id);
      if (finished.length === 0 || !sender) return [];
      return insertNotifications(tx, [
        { ...sender, kind: announcementKinds.progress, dedupeKey: `announcement:${row.id}:progress:final` },
        { ...sender, kind: announcementKinds.report, dedupeKey: `announcement:${row.id}:report` },
      ]);
    });
  }
  const moved = progress.total - progress.left;
  if (!sender || seen.get(row.id) === moved) return [];
  seen.set(row.id, moved);
  return insertNotifications(db, [
    { ...sender, kind: announcementKinds.progress, dedupeKey: `announcement:${row.id}:progress:${tick}` },
  ]);
}

/**
 * The worker role's watch over announcements being sent: every ~10 s, each one's progress message is
 * edited, and a finished one gets its report. Its state is PostgreSQL's, so any worker process may do it,
 * and several at once make each edit once (a dedupe key per 10-s tick).
 */
export function startAnnouncementProgress(deps: {
  db: Db;
  lanes: DeliveryLanes;
  logger: Logger;
  intervalMs?: number;
}) {
  const intervalMs = deps.intervalMs ?? PROGRESS_INTERVAL_MS;
  const seen = new Map<number, number>();
  let running: Promise<void> = Promise.resolve();
  async function tick() {
    const rows = await deps.db.select().from(announcements).where(isNull(announcements.finishedAt));
    const tickNumber = Math.floor(Date.now() / intervalMs);
    for (const row of rows) {
      const made = await lookAt(deps.db, row, tickNumber, seen);
      await deps.lanes.add(made);
    }
  }
  const timer = setInterval(() => {
    running = running
      .then(tick)
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'announcement progress failed'));
  }, intervalMs);
  return {
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
