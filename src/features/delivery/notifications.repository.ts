import { and, asc, eq, getTableColumns, inArray, isNotNull, isNull, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { preparedPerDb } from '../../db/prepared.js';
import { familyMembers, messages, notifications, requests, staff } from '../../db/schema/index.js';
import { inIntegers } from '../../db/sql-lists.js';

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
 * A family member with a chat with the bot who has not deleted their data: whom a message to the family is
 * copied to, a request's notices are addressed to, and whose absence makes a staff message to the family
 * pointless (a family registered by phone). One who blocked the bot is left to delivery, which records it.
 */
export const memberInChat = and(isNotNull(familyMembers.telegramId), isNull(familyMembers.erasedAt)) as SQL;

/**
 * A member in chat (memberInChat) who gave consent and does not block the bot: whom the service may reach
 * on its own initiative (check-ins, support measures, notices to "the family").
 */
export const memberReachable = and(
  memberInChat,
  isNotNull(familyMembers.consentAt),
  eq(familyMembers.botBlocked, false),
) as SQL;

/**
 * Whether anyone of the family is in chat with the bot (memberInChat): a family registered by phone may have
 * nobody, so nothing written to it in the bot can reach it.
 */
export async function familyInChat(db: DbOrTx, familyId: number): Promise<boolean> {
  const [row] = await db
    .select({ id: familyMembers.id })
    .from(familyMembers)
    .where(and(eq(familyMembers.familyId, familyId), memberInChat))
    .limit(1);
  return row !== undefined;
}

/** The family's members reachable in Telegram (memberReachable), first registered first. */
export function reachableMembersOf(db: DbOrTx, familyId: number) {
  return db
    .select({ id: familyMembers.id, telegramId: familyMembers.telegramId })
    .from(familyMembers)
    .where(and(eq(familyMembers.familyId, familyId), memberReachable))
    .orderBy(asc(familyMembers.id)) as Promise<Array<{ id: number; telegramId: number }>>;
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
  const inserted = await db
    .insert(notifications)
    .values(withFamily)
    .onConflictDoNothing({ target: notifications.dedupeKey })
    .returning({ id: notifications.id, dedupeKey: notifications.dedupeKey });
  return withPendingMadeBefore(
    db,
    rows.map((row) => row.dedupeKey),
    inserted,
  );
}

/**
 * The ids of the rows just inserted, and of those among `keys` made before (a job or batch run again) while
 * they are still pending. All new (the usual case): nothing to read back.
 */
export async function withPendingMadeBefore(
  db: DbOrTx,
  keys: string[],
  inserted: Array<{ id: number; dedupeKey: string }>,
): Promise<number[]> {
  const ids = inserted.map((row) => row.id);
  if (inserted.length === keys.length) return ids;
  const made = new Set(inserted.map((row) => row.dedupeKey));
  const before = keys.filter((key) => !made.has(key));
  if (before.length === 0) return ids;
  const pending = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(inArray(notifications.dedupeKey, before), eq(notifications.status, 'pending')));
  return [...ids, ...pending.map((row) => row.id)];
}

/**
 * What a chat's delivery lane needs of a pending notification: its chat, its kind (the send class) and when
 * what it tells happened (µs since 1970): for a notification about a message (a relayed copy), when the
 * message was written, so that copies keep the order they were written in whatever order they were made;
 * for one that must come before a message (`beforeMessageId`: a hand-over card before the family's words
 * that were on their way), a millisecond before that message was written.
 */
export interface LaneRow {
  id: number;
  chatId: number;
  kind: string;
  orderUs: number;
  /** Breaks ties of `orderUs`: the message's id, else the notification's. */
  orderId: number;
}

async function laneRows(db: DbOrTx, where: SQL): Promise<LaneRow[]> {
  const rows = await db.execute<{
    id: number;
    chat_id: string;
    kind: string;
    order_us: string;
    order_id: string;
  }>(sql`
    select n.id, n.chat_id, n.kind, coalesce(m.id, n.id) as order_id,
           (extract(epoch from coalesce(m.created_at, b.created_at - interval '1 millisecond', n.created_at))
             * 1000000)::bigint as order_us
    from ${notifications} n
    left join ${messages} m on jsonb_typeof(n.payload->'messageId') = 'number'
      and m.id = (n.payload->>'messageId')::bigint
    left join ${messages} b on jsonb_typeof(n.payload->'beforeMessageId') = 'number'
      and b.id = (n.payload->>'beforeMessageId')::bigint
    where n.status = 'pending' and ${where}`);
  return rows.map((row) => ({
    id: Number(row.id),
    chatId: Number(row.chat_id),
    kind: row.kind,
    orderUs: Number(row.order_us),
    orderId: Number(row.order_id),
  }));
}

/** A notification by id: each turn of delivery reads its head so (built once per handle). */
const findQuery = preparedPerDb((db) =>
  db
    .select()
    .from(notifications)
    .where(eq(notifications.id, sql.placeholder('id')))
    .prepare('notifications_find'),
);

const stillPending = (id: number) => and(eq(notifications.id, id), eq(notifications.status, 'pending'));

/**
 * The statements every delivered message runs in its sending transaction (the claim, the `sent` mark),
 * written as SQL rather than through drizzle's query builder: a transaction is a handle of its own, so a
 * built query cannot be kept prepared across them, and building these anew for every copy was a tenth of
 * the delivery worker's CPU. The columns are read under their property names and mapped by the table's own
 * columns (notifications.repository.test.ts compares the claim's row with drizzle's).
 */
const notificationColumns = Object.entries(getTableColumns(notifications));
const notificationSelectList = sql.raw(
  notificationColumns
    .map(([key]) => `${key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)} as "${key}"`)
    .join(', '),
);

function notificationOf(raw: Record<string, unknown>): Notification {
  const row: Record<string, unknown> = {};
  for (const [key, column] of notificationColumns) {
    const value = raw[key];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as Notification;
}

/** A whole message sent: its notification, the id Telegram gave it, and what is written with it. */
export interface SentMark {
  id: number;
  telegramMessageId: number;
  also?: SQL;
}

/**
 * Several notifications marked `sent` as markSent does, in ONE statement with each one's `also`
 * (NotificationContent.sentWith) in it. The same rule holds: only under the rows' claim.
 */
async function markSentMany(db: DbOrTx, sent: ReadonlyArray<SentMark>, now: Date) {
  if (sent.length === 0) return [];
  // The ids as two array parameters, not values in the text: the statement's text then depends only on how
  // many rows write what with them, so it is prepared once per connection and runs in one round trip (a
  // text of its own per batch was parsed and described in two, and postgres.js keeps every named statement
  // for the connection's life).
  const ids = `{${sent.map((row) => Math.trunc(row.id)).join(',')}}`;
  const messageIds = `{${sent.map((row) => Math.trunc(row.telegramMessageId)).join(',')}}`;
  const alsos = sent.flatMap((row, index) =>
    row.also ? [sql`, also${sql.raw(String(index))} as (${row.also})`] : [],
  );
  const rows = await db.execute<{ id: number }>(sql`
    with sent as (
      update ${notifications} n set status = 'sent', telegram_message_id = v.message_id,
        sent_at = ${now.toISOString()}::timestamptz, attempts = n.attempts + 1, last_error = null
      from unnest(${ids}::bigint[], ${messageIds}::bigint[]) as v(id, message_id)
      where n.id = v.id and n.status = 'pending' returning n.id)${sql.join(alsos, sql``)}
    select id from sent`);
  return rows.map((row) => Number(row.id));
}

/**
 * Claims these pending notifications (see claimPending) in one statement; those locked by another
 * transaction or no longer pending are left out.
 */
async function claimPendingMany(
  db: DbOrTx,
  ids: readonly number[],
): Promise<Map<number, { notification: Notification; toInactiveStaff: boolean }>> {
  if (ids.length === 0) return new Map();
  const rows = await db.execute<Record<string, unknown>>(sql`
    select ${notificationSelectList}, exists (
      select 1 from ${staff} s where s.id = ${notifications}.recipient_staff_id and not s.active
    ) as "toInactiveStaff"
    from ${notifications}
    where ${inIntegers('id', ids)} and status = 'pending' for update of ${notifications} skip locked`);
  return new Map(
    rows.map((row) => {
      const notification = notificationOf(row);
      return [notification.id, { notification, toInactiveStaff: row.toInactiveStaff === true }];
    }),
  );
}

const skipLocked = sql.raw('skip locked');
const waitForLocked = sql.raw('');

/**
 * Locks a pending notification for the caller's transaction and reads it; undefined when another transaction
 * holds it (`skip locked`: a send in progress elsewhere) or it is no longer pending. `toInactiveStaff`: its
 * recipient is a staff member deactivated since it was made — read in the same statement, so the check costs
 * no round trip.
 */
async function claimOne(
  db: DbOrTx,
  id: number,
  wait: SQL,
): Promise<{ notification: Notification; toInactiveStaff: boolean } | undefined> {
  const [row] = await db.execute<Record<string, unknown>>(sql`
    select ${notificationSelectList}, exists (
      select 1 from ${staff} s where s.id = ${notifications}.recipient_staff_id and not s.active
    ) as "toInactiveStaff"
    from ${notifications}
    where id = ${id} and status = 'pending' for update of ${notifications} ${wait}`);
  return row
    ? { notification: notificationOf(row), toInactiveStaff: row.toInactiveStaff === true }
    : undefined;
}

/** What became of a send, recorded on a notification still `pending` (see createNotificationsRepository). */
function outcomesOf(db: DbOrTx) {
  return {
    /**
     * Recorded in the same step that learns the Telegram message id; `also`, a data-modifying statement,
     * runs in the same statement (NotificationContent.sentWith). PostgreSQL runs `also` whether or not `sent`
     * updated the row, so call it with `also` only under the row's claim (locked and pending: the sending
     * transaction), where it always does.
     */
    async markSent(id: number, telegramMessageId: number, now = new Date(), also?: SQL) {
      return (await markSentMany(db, [{ id, telegramMessageId, ...(also ? { also } : {}) }], now)).length > 0;
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

    /** Given up after its last attempt, already counted (recordRetry): `failed`, with the reason. */
    async giveUp(id: number, reason: string) {
      await db.update(notifications).set({ status: 'failed', lastError: reason }).where(stillPending(id));
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
  };
}

/**
 * Delivery state of notifications in PostgreSQL, the source of truth. Every change is conditional on the
 * row still being `pending`, so a notification that is `sent` can never be changed back or sent again.
 */
export function createNotificationsRepository({ db }: { db: DbOrTx }) {
  return {
    ...outcomesOf(db),

    async find(id: number) {
      const [row] = await findQuery(db).execute({ id });
      return row;
    },

    /** See claimOne: the claim of a chat's turn, which skips a row another sender holds. */
    claimPending: (id: number) => claimOne(db, id, skipLocked),

    /**
     * As claimPending, but a row another transaction holds is waited for, not skipped: a batched turn
     * that rolled back after its sends records them one by one (delivery.send.ts, recordOneByOne), and a row
     * another transaction took meanwhile must be left to it, not dropped from its lane while pending.
     */
    claimPendingWhenFree: (id: number) => claimOne(db, id, waitForLocked),

    /** Several whole messages sent together (a batched turn) marked in ONE statement; the ids marked. */
    markSentMany: (sent: ReadonlyArray<SentMark>, now = new Date()) => markSentMany(db, sent, now),

    /** As claimPending, for several notifications in one statement (a batched turn). */
    claimPendingMany: (ids: readonly number[]) => claimPendingMany(db, ids),

    /**
     * Withdrawn when its turn came (its staff recipient left the service, or it is no longer wanted): `failed`,
     * «withdrawn: …», and no attempt counted — nothing was tried, as withdrawPending records none.
     */
    async markWithdrawn(id: number) {
      await db
        .update(notifications)
        .set({ status: 'failed', lastError: withdrawnReason })
        .where(stillPending(id));
    },

    async flagStaffBlocked(staffId: number) {
      await db.update(staff).set({ botBlocked: true }).where(eq(staff.id, staffId));
    },

    async flagMemberBlocked(memberId: number) {
      await db.update(familyMembers).set({ botBlocked: true }).where(eq(familyMembers.id, memberId));
    },

    /** How many notifications are pending for each chat (the reconciler compares them with the lanes). */
    async pendingPerChat(): Promise<Array<{ chatId: number; pending: number }>> {
      const rows = await db.execute<{ chat_id: string; pending: number }>(sql`
        select chat_id, count(*)::int as pending from ${notifications}
        where status = 'pending' group by chat_id`);
      return rows.map((row) => ({ chatId: Number(row.chat_id), pending: Number(row.pending) }));
    },

    /** The pending notifications of these chats, as their lanes need them. */
    async pendingInChats(chatIds: number[]): Promise<LaneRow[]> {
      if (chatIds.length === 0) return [];
      return laneRows(db, inIntegers('n.chat_id', chatIds));
    },

    /** These notifications, those still pending, as their lanes need them. */
    async pendingForLanes(ids: number[]): Promise<LaneRow[]> {
      if (ids.length === 0) return [];
      return laneRows(db, inIntegers('n.id', ids));
    },
  };
}

export type NotificationsRepository = ReturnType<typeof createNotificationsRepository>;
