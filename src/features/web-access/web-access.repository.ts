import { and, eq, isNull } from 'drizzle-orm';
import { bindDb } from '../../db/bind-db.js';
import type { DbOrTx } from '../../db/client.js';
import { webLinks, webSessions } from '../../db/schema/index.js';

/** Sign-in links and sessions of the monitoring site, by the SHA-256 of their secrets. */
export function createWebAccessRepository({ db }: { db: DbOrTx }) {
  return bindDb(db, {
    insertLink,
    lockLink,
    markLinkUsed,
    insertSession,
    sessionByHash,
    touchSession,
    endSession,
    endSessionsOf,
  });
}

async function insertLink(db: DbOrTx, values: typeof webLinks.$inferInsert) {
  await db.insert(webLinks).values(values);
}

async function lockLink(db: DbOrTx, tokenHash: string) {
  const [row] = await db.select().from(webLinks).where(eq(webLinks.tokenHash, tokenHash)).for('update');
  return row;
}

async function markLinkUsed(db: DbOrTx, id: number, now: Date) {
  await db.update(webLinks).set({ usedAt: now }).where(eq(webLinks.id, id));
}

async function insertSession(db: DbOrTx, values: typeof webSessions.$inferInsert) {
  const [row] = await db.insert(webSessions).values(values).returning({ id: webSessions.id });
  return row!.id;
}

async function sessionByHash(db: DbOrTx, tokenHash: string) {
  const [row] = await db
    .select()
    .from(webSessions)
    .where(and(eq(webSessions.tokenHash, tokenHash), isNull(webSessions.endedAt)));
  return row;
}

async function touchSession(db: DbOrTx, id: number, now: Date) {
  await db.update(webSessions).set({ lastSeenAt: now }).where(eq(webSessions.id, id));
}

async function endSession(db: DbOrTx, id: number, reason: string, now: Date) {
  await db
    .update(webSessions)
    .set({ endedAt: now, endedReason: reason })
    .where(and(eq(webSessions.id, id), isNull(webSessions.endedAt)));
}

/** Ends every open session of a staff member (deactivated: at once, not at their next page). */
async function endSessionsOf(db: DbOrTx, staffId: number, reason: string, now: Date) {
  const ended = await db
    .update(webSessions)
    .set({ endedAt: now, endedReason: reason })
    .where(and(eq(webSessions.staffId, staffId), isNull(webSessions.endedAt)))
    .returning({ id: webSessions.id });
  return ended.length;
}
