import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { bindDb } from '../../db/bind-db.js';
import type { DbOrTx } from '../../db/client.js';
import { preparedPerDb } from '../../db/prepared.js';
import {
  type Language,
  type MessageDirection,
  type MessageKind,
  openRequestStatuses,
} from '../../db/schema/enums.js';
import {
  families,
  familyMembers,
  messages,
  notifications,
  requestEvents,
  requests,
  staff,
} from '../../db/schema/index.js';
import { inIntegers } from '../../db/sql-lists.js';
import {
  insertNotifications,
  memberInChat,
  notRetracted,
  withdrawnReason,
  withPendingMadeBefore,
} from '../delivery/index.js';
import { notificationKinds } from '../routing/index.js';
import { relayNotificationKinds } from './relay.kinds.js';

export type RelayedMessage = typeof messages.$inferSelect;

/** Requests a family can still write about: not closed or cancelled. */

/** Reads and writes of the relay: the `messages` rows and the notifications that carry them. */
export function createRelayRepository({ db }: { db: DbOrTx }) {
  return bindDb(db, {
    findMessage,
    findMessages,
    familyOfRequest,
    messageByStaffSide,
    messageByFamilySide,
    sentNotification,
    sendingTo,
    openRequestsOf,
    curatorNameOf,
    requestNumber,
    requestNumberOfFamily,
    findFamily,
    insertMessage,
    insertEvent,
    updateRequest,
    updateMessageText,
    recordCopy,
    albumItems,
    reachableMembers,
    insertNotifications,
    insertCopies,
    lockNotificationByKey,
    lockPendingStaffCopies,
    pendingStaffCopiesOf,
    firstMessageWaitingFor,
    reviveWithdrawnCopies,
    findNotification,
    mergeNotificationPayload,
    sentCopiesOf,
    copySources,
    copySourcesOfMany,
    sentCards,
    copyInChat,
  });
}

async function findMessage(db: DbOrTx, id: number) {
  const [row] = await findMessageQuery(db).execute({ id });
  return row;
}

/**
 * Relayed messages by id, in one statement (the outbox relay's batch). The ids are written into it (each
 * truncated, inIntegers): a parameter per id would prepare a statement per batch size on every connection.
 */
async function findMessages(db: DbOrTx, ids: number[]) {
  if (ids.length === 0) return [];
  return db.select().from(messages).where(inIntegers('id', ids));
}

/** A relayed message by id: routing reads each one so (built once per handle). */
const findMessageQuery = preparedPerDb((db) =>
  db
    .select()
    .from(messages)
    .where(eq(messages.id, sql.placeholder('id')))
    .prepare('relay_find_message'),
);

async function familyOfRequest(db: DbOrTx, requestId: number) {
  const [row] = await db
    .select({ familyId: requests.familyId })
    .from(requests)
    .where(eq(requests.id, requestId));
  return row?.familyId;
}

/**
 * The relayed message a reply in a staff chat answers: the staff side of a `messages` row (the
 * curator's own message, or the copy of the family's they got).
 */
async function messageByStaffSide(db: DbOrTx, chatId: number, messageId: number) {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.staffChatId, chatId), eq(messages.staffMessageId, messageId)))
    .orderBy(asc(messages.id))
    .limit(1);
  return row;
}

async function messageByFamilySide(db: DbOrTx, chatId: number, messageId: number) {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.familyChatId, chatId), eq(messages.familyMessageId, messageId)))
    .orderBy(asc(messages.id))
    .limit(1);
  return row;
}

/**
 * A message the bot sent to this chat through delivery: a card, a notice or a relayed copy — any part
 * of a copy sent in several (a long text), not only its first, and the heading sent before a copy that
 * cannot carry one (a video note, an album whose caption would not fit): a reply to it is about the copy.
 */
async function sentNotification(db: DbOrTx, chatId: number, telegramMessageId: number) {
  const [row] = await db
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.chatId, chatId),
        or(
          eq(notifications.telegramMessageId, telegramMessageId),
          sql`${notifications.payload}->'sentSteps' @> ${JSON.stringify([[telegramMessageId]])}::jsonb`,
          sql`${notifications.payload}->'sentHeadings' @> ${JSON.stringify([telegramMessageId])}::jsonb`,
        ),
        eq(notifications.status, 'sent'),
      ),
    )
    .orderBy(asc(notifications.id))
    .limit(1);
  return row;
}

/**
 * Whether something to this chat is still on its way: a notification not yet marked sent (it may be out
 * already, its ids written a moment later in the transaction that marks it).
 */
async function sendingTo(db: DbOrTx, chatId: number): Promise<boolean> {
  const [row] = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.chatId, chatId), eq(notifications.status, 'pending')))
    .limit(1);
  return row !== undefined;
}

/** The family's requests it can still write about (not closed or cancelled), oldest first, ten at most. */
async function openRequestsOf(db: DbOrTx, familyId: number) {
  return db
    .select({ id: requests.id, number: requests.number, category: requests.category })
    .from(requests)
    .where(and(eq(requests.familyId, familyId), inArray(requests.status, [...openRequestStatuses])))
    .orderBy(asc(requests.id))
    .limit(10);
}

/** The name of the family's curator, when it has one. */
async function curatorNameOf(db: DbOrTx, familyId: number) {
  const [row] = await db
    .select({ name: staff.fullName })
    .from(families)
    .innerJoin(staff, eq(staff.id, families.curatorId))
    .where(eq(families.id, familyId));
  return row?.name;
}

async function requestNumber(db: DbOrTx, requestId: number) {
  const [row] = await db.select({ number: requests.number }).from(requests).where(eq(requests.id, requestId));
  return row?.number;
}

/** The number of this family's request, or undefined when the request is not the family's. */
async function requestNumberOfFamily(db: DbOrTx, requestId: number, familyId: number) {
  const [row] = await db
    .select({ number: requests.number })
    .from(requests)
    .where(and(eq(requests.id, requestId), eq(requests.familyId, familyId)));
  return row?.number;
}

async function findFamily(db: DbOrTx, familyId: number) {
  const [row] = await db
    .select({ id: families.id, districtId: families.districtId, curatorId: families.curatorId })
    .from(families)
    .where(eq(families.id, familyId));
  return row;
}

async function insertMessage(
  db: DbOrTx,
  values: {
    requestId: number | null;
    familyId: number;
    direction: MessageDirection;
    senderMemberId?: number;
    senderStaffId?: number;
    kind: MessageKind;
    text: string | null;
    fileId: string | null;
    mediaGroupId: string | null;
    familyChatId?: number;
    familyMessageId?: number;
    staffChatId?: number;
    staffMessageId?: number;
    now: Date;
  },
) {
  const { now, ...row } = values;
  const [inserted] = await db
    .insert(messages)
    .values({ ...row, createdAt: now })
    .returning({ id: messages.id });
  return inserted!.id;
}

async function insertEvent(db: DbOrTx, values: typeof requestEvents.$inferInsert) {
  await db.insert(requestEvents).values(values);
}

async function updateRequest(db: DbOrTx, requestId: number, values: Partial<typeof requests.$inferInsert>) {
  await db.update(requests).set(values).where(eq(requests.id, requestId));
}

async function updateMessageText(db: DbOrTx, id: number, text: string | null, now: Date) {
  await db.update(messages).set({ text, editedAt: now }).where(eq(messages.id, id));
}

/**
 * The copy's id on the other side, once (the first recipient's copy is the row's counterpart), as the
 * statement that writes it: a single copy's goes in the statement marking its notification sent
 * (NotificationContent.sentWith), an album's items' one by one (recordCopy).
 */
export function recordCopyStatement(
  id: number,
  side: 'family' | 'staff',
  chatId: number,
  telegramMessageId: number,
) {
  return side === 'family'
    ? sql`update ${messages} set family_chat_id = ${chatId}, family_message_id = ${telegramMessageId}
        where id = ${id} and family_message_id is null`
    : sql`update ${messages} set staff_chat_id = ${chatId}, staff_message_id = ${telegramMessageId}
        where id = ${id} and staff_message_id is null`;
}

async function recordCopy(
  db: DbOrTx,
  id: number,
  side: 'family' | 'staff',
  chatId: number,
  telegramMessageId: number,
) {
  await db.execute(recordCopyStatement(id, side, chatId, telegramMessageId));
}

/** The items of an album sent from one chat, in the order they came. */
async function albumItems(db: DbOrTx, row: RelayedMessage) {
  if (row.mediaGroupId === null) return [row];
  const fromChat =
    row.direction === 'family_to_staff'
      ? eq(messages.familyChatId, row.familyChatId ?? -1)
      : eq(messages.staffChatId, row.staffChatId ?? -1);
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.mediaGroupId, row.mediaGroupId), eq(messages.direction, row.direction), fromChat))
    .orderBy(asc(messages.id));
}

/** Members of the family with a Telegram chat, not erased. */
async function reachableMembers(db: DbOrTx, familyId: number) {
  const rows = await db
    .select({ id: familyMembers.id, telegramId: familyMembers.telegramId })
    .from(familyMembers)
    .where(and(eq(familyMembers.familyId, familyId), memberInChat))
    .orderBy(asc(familyMembers.id));
  return rows.flatMap((row) => (row.telegramId === null ? [] : [{ id: row.id, chatId: row.telegramId }]));
}

/** A relayed message's copy to one chat, as routing makes it (see insertCopies). */
export interface CopyRow {
  kind: string;
  dedupeKey: string;
  requestId: number | null;
  familyId: number;
  chatId: number;
  recipientMemberId?: number;
  recipientStaffId?: number;
  payload: Record<string, unknown>;
}

/**
 * Relayed copies, as insertNotifications makes them (one whose dedupe key exists is left as it is; the ids
 * of those still pending, new or made before), in one statement of one parameter whatever their number:
 * the rows go as a JSON array, so the statement's text never changes and stays prepared, and no query is
 * built per copy.
 */
async function insertCopies(db: DbOrTx, rows: CopyRow[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const records = rows.map((row) => ({
    k: row.kind,
    d: row.dedupeKey,
    r: row.requestId,
    f: row.familyId,
    c: row.chatId,
    m: row.recipientMemberId ?? null,
    s: row.recipientStaffId ?? null,
    p: row.payload,
  }));
  const inserted = await db.execute<{ id: string; dedupe_key: string }>(sql`
    insert into ${notifications} (kind, dedupe_key, request_id, family_id, chat_id, recipient_member_id,
      recipient_staff_id, payload)
    select k, d, r, f, c, m, s, p
    from jsonb_to_recordset(${JSON.stringify(records)}::jsonb)
      as x(k text, d text, r integer, f integer, c bigint, m integer, s integer, p jsonb)
    on conflict (dedupe_key) do nothing
    returning id, dedupe_key`);
  return withPendingMadeBefore(
    db,
    rows.map((row) => row.dedupeKey),
    inserted.map((row) => ({ id: Number(row.id), dedupeKey: row.dedupe_key })),
  );
}

/** The notification with this dedupe key, locked: waits for a send of it in progress to finish. */
async function lockNotificationByKey(db: DbOrTx, dedupeKey: string) {
  const [row] = await db
    .select()
    .from(notifications)
    .where(eq(notifications.dedupeKey, dedupeKey))
    .for('update');
  return row;
}

/** A family's message still on its way to a staff chat: a pending `relay_to_staff` copy. */
const pendingStaffCopy = and(
  eq(notifications.kind, relayNotificationKinds.toStaff),
  eq(notifications.status, 'pending'),
);

/**
 * A family's messages still on their way to staff chats (pending `relay_to_staff` copies): those about
 * these requests, and with `familyLevel` those about no request, with the recipient's role. Locked in id
 * order, so a send in flight is waited for; one sent meanwhile is no longer pending and is not returned.
 */
async function lockPendingStaffCopies(
  db: DbOrTx,
  scope: { familyId: number; requestIds: number[]; familyLevel: boolean },
) {
  const about = or(
    scope.requestIds.length > 0 ? inArray(notifications.requestId, scope.requestIds) : undefined,
    scope.familyLevel ? isNull(notifications.requestId) : undefined,
  );
  if (!about) return [];
  return db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      dedupeKey: notifications.dedupeKey,
      requestId: notifications.requestId,
      familyId: notifications.familyId,
      chatId: notifications.chatId,
      recipientStaffId: notifications.recipientStaffId,
      recipientRole: staff.role,
      payload: notifications.payload,
      status: notifications.status,
      telegramMessageId: notifications.telegramMessageId,
    })
    .from(notifications)
    .leftJoin(staff, eq(staff.id, notifications.recipientStaffId))
    .where(and(eq(notifications.familyId, scope.familyId), pendingStaffCopy, about))
    .orderBy(asc(notifications.id))
    .for('update', { of: notifications });
}

/** The family messages still on their way to this staff member: the family and request of each. */
async function pendingStaffCopiesOf(db: DbOrTx, staffId: number) {
  return db
    .selectDistinct({ familyId: notifications.familyId, requestId: notifications.requestId })
    .from(notifications)
    .where(and(eq(notifications.recipientStaffId, staffId), pendingStaffCopy))
    .orderBy(notifications.familyId, notifications.requestId);
}

/**
 * The family's message written first of those still on their way to this staff member (pending
 * `relay_to_staff` copies): its id, or undefined when none waits.
 */
async function firstMessageWaitingFor(db: DbOrTx, waiting: { staffId: number; familyId: number }) {
  const [row] = await db
    .select({ messageId: messages.id })
    .from(notifications)
    .innerJoin(messages, sql`${messages.id} = (${notifications.payload}->>'messageId')::bigint`)
    .where(
      and(
        eq(notifications.recipientStaffId, waiting.staffId),
        eq(notifications.familyId, waiting.familyId),
        pendingStaffCopy,
      ),
    )
    .orderBy(asc(messages.createdAt), asc(messages.id))
    .limit(1);
  return row?.messageId;
}

/**
 * Copies withdrawn unsent (`withdrawnReason`) that are wanted again in the same chat — a request handed
 * back to the curator it was taken from before their copy went — pending again with the payload given.
 */
async function reviveWithdrawnCopies(db: DbOrTx, rows: CopyRow[]): Promise<void> {
  if (rows.length === 0) return;
  const records = rows.map((row) => ({ d: row.dedupeKey, p: row.payload }));
  await db.execute(sql`
    update ${notifications} n set status = 'pending', last_error = null, payload = x.p
    from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as x(d text, p jsonb)
    where n.dedupe_key = x.d and n.status = 'failed' and n.last_error = ${withdrawnReason}`);
}

async function findNotification(db: DbOrTx, id: number) {
  const [row] = await db.select().from(notifications).where(eq(notifications.id, id));
  return row;
}

/** Adds to a notification's payload (which album items a send carried). */
async function mergeNotificationPayload(db: DbOrTx, id: number, extra: Record<string, unknown>) {
  await db
    .update(notifications)
    .set({ payload: sql`${notifications.payload} || ${JSON.stringify(extra)}::jsonb` })
    .where(eq(notifications.id, id));
}

/**
 * Copies already delivered of a relayed message (the targets of an edit). The copies are locked first:
 * one being sent right now is waited for, so it counts as sent rather than slipping past the edit.
 */
async function sentCopiesOf(db: DbOrTx, messageId: number) {
  const copies = await db
    .select()
    .from(notifications)
    .where(
      and(
        inArray(notifications.kind, [relayNotificationKinds.toFamily, relayNotificationKinds.toStaff]),
        sql`((${notifications.payload}->>'messageId')::bigint = ${messageId}
          or ${notifications.payload}->'included' @> ${JSON.stringify([messageId])}::jsonb)`,
      ),
    )
    .orderBy(asc(notifications.id))
    .for('update');
  return copies.filter((copy) => copy.status === 'sent');
}

/** A copy whose sources copySources reads: the message, the chat it goes to and its recipient. */
export interface CopyOf {
  messageId: number;
  chatId: number;
  recipientMemberId: number | null;
  deputyFor?: number;
}

/**
 * What a copy of a relayed message is made of, in one statement (each was a query of its own, five per
 * copy): the message; the recipient member's language; the request's number; the sender's name (and a
 * staff sender's role); whether the message put its request back in work (answeredTheQuestion); the name
 * of the curator a deputy stands in for; and whether an earlier message of the conversation is still on its
 * way to this chat (a pending copy, or — for ten seconds — no copy yet because routing has not run; two minutes back at most; later items of an album are covered by their first; as of `now`). Undefined when the message is gone.
 */
async function copySources(db: DbOrTx, copy: CopyOf & { now: Date }) {
  const [found] = await copySourcesOfMany(db, [copy], copy.now);
  return found;
}

/**
 * copySources of several copies (a batched delivery turn's) in one statement: one round trip and one
 * PostgreSQL transaction for the batch, not one per copy. Each copy's sources, in the order given.
 */
async function copySourcesOfMany(db: DbOrTx, copies: readonly CopyOf[], now: Date) {
  if (copies.length === 0) return [];
  const rows = await copySourcesQuery(db).execute({
    copies: JSON.stringify(
      copies.map((copy, ord) => ({
        ord,
        message_id: copy.messageId,
        chat_id: copy.chatId,
        recipient_member_id: copy.recipientMemberId,
        deputy_for: copy.deputyFor ?? null,
      })),
    ),
    now: now.toISOString(),
  });
  const byOrd = new Map(rows.map(({ ord, ...sources }) => [Number(ord), sources]));
  return copies.map((_, ord) => byOrd.get(ord));
}

/**
 * copySources' statement, built once per handle: the copies' fields are one jsonb array (`c`), so its text
 * is the same for a batch of any size.
 */
const copySourcesQuery = preparedPerDb((db) => {
  const relayKinds = sql.join(
    [relayNotificationKinds.toFamily, relayNotificationKinds.toStaff].map((kind) => sql`${kind}`),
    sql`, `,
  );
  const now = sql.placeholder('now');
  const copies = sql`jsonb_to_recordset(${sql.placeholder('copies')}::text::jsonb)
    as c(ord int, message_id bigint, chat_id bigint, recipient_member_id bigint, deputy_for bigint)`;
  return (
    db
      .select({
        ord: sql<number>`c.ord`,
        row: messages,
        language: sql<Language | null>`(select fm.language from ${familyMembers} fm where fm.id = c.recipient_member_id)`,
        requestNumber: requests.number,
        staffName: sql<
          string | null
        >`(select s.full_name from ${staff} s where s.id = ${messages.senderStaffId})`,
        staffRole: sql<string | null>`(select s.role from ${staff} s where s.id = ${messages.senderStaffId})`,
        memberName: sql<
          string | null
        >`(select fm.full_name from ${familyMembers} fm where fm.id = ${messages.senderMemberId})`,
        answered: sql<boolean>`(${messages.direction} = 'family_to_staff' and exists (
        select 1 from ${requestEvents} ev where ev.request_id = ${messages.requestId}
          and ev.type = 'status_changed' and (ev.data->>'messageId')::bigint = ${messages.id}))`,
        awayName: sql<string | null>`(select s.full_name from ${staff} s where s.id = c.deputy_for)`,
        earlierOnTheWay: sql<boolean>`exists (
        select 1 from ${messages} e
        where e.family_id = ${messages.familyId} and e.direction = ${messages.direction} and e.id < ${messages.id}
          and e.created_at > ${messages.createdAt} - interval '120 seconds'
          and (e.media_group_id is null or not exists (
            select 1 from ${messages} f
            where f.family_id = e.family_id and f.direction = e.direction
              and f.media_group_id = e.media_group_id and f.id < e.id))
          and (e.media_group_id is null or e.media_group_id is distinct from ${messages.mediaGroupId})
          and (
            exists (select 1 from ${notifications} n
              where n.chat_id = c.chat_id and n.status = 'pending' and n.kind in (${relayKinds})
                and (n.payload->>'messageId')::bigint = e.id)
            or (e.created_at > ${now}::timestamptz - interval '10 seconds'
              and not exists (select 1 from ${notifications} n
                where n.kind in (${relayKinds}) and (n.payload->>'messageId')::bigint = e.id))))`,
      })
      .from(messages)
      .innerJoin(copies, sql`c.message_id = ${messages.id}`)
      // A join (not a subquery) for the number, and so that drizzle names the outer row's columns with their
      // table in the subqueries above (in a one-table select it leaves the table out, and `id` would be theirs).
      .leftJoin(requests, eq(requests.id, messages.requestId))
      .prepare('relay_copy_sources')
  );
});

export type CopySources = NonNullable<Awaited<ReturnType<typeof copySources>>>;

/** The request's cards delivery has sent and not taken back (to refresh their status line). */
async function sentCards(db: DbOrTx, requestId: number) {
  const rows = await db
    .select({ chatId: notifications.chatId, messageId: notifications.telegramMessageId })
    .from(notifications)
    .where(
      and(
        eq(notifications.requestId, requestId),
        eq(notifications.kind, notificationKinds.requestCard),
        eq(notifications.status, 'sent'),
        notRetracted,
      ),
    );
  return rows.flatMap((row) =>
    row.messageId === null ? [] : [{ chatId: row.chatId, messageId: row.messageId }],
  );
}

/** The copy of a relayed message in one chat, if delivery has sent it there. */
async function copyInChat(db: DbOrTx, messageId: number, chatId: number) {
  const [row] = await db
    .select({ telegramMessageId: notifications.telegramMessageId })
    .from(notifications)
    .where(
      and(
        eq(notifications.chatId, chatId),
        eq(notifications.status, 'sent'),
        inArray(notifications.kind, [relayNotificationKinds.toFamily, relayNotificationKinds.toStaff]),
        sql`(${notifications.payload}->>'messageId')::bigint = ${messageId}`,
      ),
    )
    .limit(1);
  return row?.telegramMessageId ?? undefined;
}

export type RelayRepository = ReturnType<typeof createRelayRepository>;
