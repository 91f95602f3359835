import { and, asc, eq, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { MessageDirection, MessageKind } from '../../db/schema/enums.js';
import {
  families,
  familyMembers,
  messages,
  notifications,
  requestEvents,
  requests,
  staff,
} from '../../db/schema/index.js';
import { insertNotifications } from '../delivery/notifications.repository.js';
import { notRetracted } from '../delivery/retraction.js';
import { notificationKinds } from '../routing/routing.kinds.js';
import { relayNotificationKinds, shownCardKind } from './relay.kinds.js';

export type RelayedMessage = typeof messages.$inferSelect;

/** Requests a family can still write about: not closed or cancelled. */
const openStatuses = ['new', 'assigned', 'in_progress', 'waiting_family'] as const;

/** Reads and writes of the relay: the `messages` rows and the notifications that carry them. */
export function createRelayRepository({ db }: { db: DbOrTx }) {
  return {
    async findMessage(id: number) {
      const [row] = await db.select().from(messages).where(eq(messages.id, id));
      return row;
    },

    /**
     * The relayed message a reply in a staff chat answers: the staff side of a `messages` row (the
     * curator's own message, or the copy of the family's they got).
     */
    async messageByStaffSide(chatId: number, messageId: number) {
      const [row] = await db
        .select()
        .from(messages)
        .where(and(eq(messages.staffChatId, chatId), eq(messages.staffMessageId, messageId)))
        .orderBy(asc(messages.id))
        .limit(1);
      return row;
    },

    async messageByFamilySide(chatId: number, messageId: number) {
      const [row] = await db
        .select()
        .from(messages)
        .where(and(eq(messages.familyChatId, chatId), eq(messages.familyMessageId, messageId)))
        .orderBy(asc(messages.id))
        .limit(1);
      return row;
    },

    async recordShownCard(card: {
      requestId: number;
      staffId: number;
      chatId: number;
      telegramMessageId: number;
    }) {
      const [request] = await db
        .select({ familyId: requests.familyId })
        .from(requests)
        .where(eq(requests.id, card.requestId));
      await db
        .insert(notifications)
        .values({
          dedupeKey: `shown:${card.chatId}:${card.telegramMessageId}`,
          kind: shownCardKind,
          requestId: card.requestId,
          familyId: request?.familyId ?? null,
          recipientStaffId: card.staffId,
          chatId: card.chatId,
          status: 'sent',
          telegramMessageId: card.telegramMessageId,
          sentAt: new Date(),
        })
        .onConflictDoNothing();
    },

    /**
     * A message the bot sent to this chat through delivery: a card, a notice or a relayed copy — any part
     * of a copy sent in several (a long text), not only its first.
     */
    async sentNotification(chatId: number, telegramMessageId: number) {
      const [row] = await db
        .select()
        .from(notifications)
        .where(
          and(
            eq(notifications.chatId, chatId),
            or(
              eq(notifications.telegramMessageId, telegramMessageId),
              sql`${notifications.payload}->'sentSteps' @> ${JSON.stringify([[telegramMessageId]])}::jsonb`,
            ),
            eq(notifications.status, 'sent'),
          ),
        )
        .orderBy(asc(notifications.id))
        .limit(1);
      return row;
    },

    /** The family's requests it can still write about (not closed or cancelled), oldest first, ten at most. */
    async openRequestsOf(familyId: number) {
      return db
        .select({ id: requests.id, number: requests.number, category: requests.category })
        .from(requests)
        .where(and(eq(requests.familyId, familyId), inArray(requests.status, [...openStatuses])))
        .orderBy(asc(requests.id))
        .limit(10);
    },

    /** The name of the family's curator, when it has one. */
    async curatorNameOf(familyId: number) {
      const [row] = await db
        .select({ name: staff.fullName })
        .from(families)
        .innerJoin(staff, eq(staff.id, families.curatorId))
        .where(eq(families.id, familyId));
      return row?.name;
    },

    /** The number of this family's request, or undefined when the request is not the family's. */
    async requestNumberOfFamily(requestId: number, familyId: number) {
      const [row] = await db
        .select({ number: requests.number })
        .from(requests)
        .where(and(eq(requests.id, requestId), eq(requests.familyId, familyId)));
      return row?.number;
    },

    async findFamily(familyId: number) {
      const [row] = await db
        .select({ id: families.id, districtId: families.districtId, curatorId: families.curatorId })
        .from(families)
        .where(eq(families.id, familyId));
      return row;
    },

    /** The request of this family (locked until the transaction ends), or undefined. */
    async lockFamilyRequest(requestId: number, familyId: number) {
      const [row] = await db
        .select()
        .from(requests)
        .where(and(eq(requests.id, requestId), eq(requests.familyId, familyId)))
        .for('update');
      return row;
    },

    async insertMessage(values: {
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
    }) {
      const { now, ...row } = values;
      const [inserted] = await db
        .insert(messages)
        .values({ ...row, createdAt: now })
        .returning({ id: messages.id });
      return inserted!.id;
    },

    async insertEvent(values: typeof requestEvents.$inferInsert) {
      await db.insert(requestEvents).values(values);
    },

    async updateRequest(requestId: number, values: Partial<typeof requests.$inferInsert>) {
      await db.update(requests).set(values).where(eq(requests.id, requestId));
    },

    async updateMessageText(id: number, text: string | null, now: Date) {
      await db.update(messages).set({ text, editedAt: now }).where(eq(messages.id, id));
    },

    /** The copy's id on the other side, once (the first recipient's copy is the row's counterpart). */
    async recordCopy(id: number, side: 'family' | 'staff', chatId: number, telegramMessageId: number) {
      if (side === 'family') {
        await db
          .update(messages)
          .set({ familyChatId: chatId, familyMessageId: telegramMessageId })
          .where(and(eq(messages.id, id), isNull(messages.familyMessageId)));
      } else {
        await db
          .update(messages)
          .set({ staffChatId: chatId, staffMessageId: telegramMessageId })
          .where(and(eq(messages.id, id), isNull(messages.staffMessageId)));
      }
    },

    /** The items of an album sent from one chat, in the order they came. */
    async albumItems(row: RelayedMessage) {
      if (row.mediaGroupId === null) return [row];
      const fromChat =
        row.direction === 'family_to_staff'
          ? eq(messages.familyChatId, row.familyChatId ?? -1)
          : eq(messages.staffChatId, row.staffChatId ?? -1);
      return db
        .select()
        .from(messages)
        .where(
          and(eq(messages.mediaGroupId, row.mediaGroupId), eq(messages.direction, row.direction), fromChat),
        )
        .orderBy(asc(messages.id));
    },

    /** Members of the family with a Telegram chat, not erased. */
    async reachableMembers(familyId: number) {
      const rows = await db
        .select({ id: familyMembers.id, telegramId: familyMembers.telegramId })
        .from(familyMembers)
        .where(
          and(
            eq(familyMembers.familyId, familyId),
            isNotNull(familyMembers.telegramId),
            isNull(familyMembers.erasedAt),
          ),
        )
        .orderBy(asc(familyMembers.id));
      return rows.flatMap((row) => (row.telegramId === null ? [] : [{ id: row.id, chatId: row.telegramId }]));
    },

    insertNotifications: (rows: Array<typeof notifications.$inferInsert>) => insertNotifications(db, rows),

    /** The notification with this dedupe key, locked: waits for a send of it in progress to finish. */
    async lockNotificationByKey(dedupeKey: string) {
      const [row] = await db
        .select()
        .from(notifications)
        .where(eq(notifications.dedupeKey, dedupeKey))
        .for('update');
      return row;
    },

    async findNotification(id: number) {
      const [row] = await db.select().from(notifications).where(eq(notifications.id, id));
      return row;
    },

    /** Adds to a notification's payload (which album items a send carried). */
    async mergeNotificationPayload(id: number, extra: Record<string, unknown>) {
      await db
        .update(notifications)
        .set({ payload: sql`${notifications.payload} || ${JSON.stringify(extra)}::jsonb` })
        .where(eq(notifications.id, id));
    },

    /**
     * Copies already delivered of a relayed message (the targets of an edit). The copies are locked first:
     * one being sent right now is waited for, so it counts as sent rather than slipping past the edit.
     */
    async sentCopiesOf(messageId: number) {
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
    },

    /**
     * Whether an earlier message of the same conversation (family, direction) still has its copy to this
     * chat on the way: a pending copy, or — for a few seconds — no copy yet because routing has not run.
     * Later items of an album are covered by their first item. Looks back two minutes at most.
     */
    async earlierCopyOnTheWay(row: RelayedMessage, chatId: number, now: Date) {
      const relayKinds = sql.join(
        [relayNotificationKinds.toFamily, relayNotificationKinds.toStaff].map((kind) => sql`${kind}`),
        sql`, `,
      );
      const result = await db.execute(sql`
        select 1 from ${messages} e
        where e.family_id = ${row.familyId} and e.direction = ${row.direction} and e.id < ${row.id}
          and e.created_at > ${new Date(row.createdAt.getTime() - 120_000).toISOString()}::timestamptz
          and (e.media_group_id is null or not exists (
            select 1 from ${messages} f
            where f.family_id = e.family_id and f.direction = e.direction
              and f.media_group_id = e.media_group_id and f.id < e.id))
          and (e.media_group_id is null or e.media_group_id is distinct from ${row.mediaGroupId})
          and (
            exists (select 1 from ${notifications} n
              where n.chat_id = ${chatId} and n.status = 'pending' and n.kind in (${relayKinds})
                and (n.payload->>'messageId')::bigint = e.id)
            or (e.created_at > ${new Date(now.getTime() - 10_000).toISOString()}::timestamptz
              and not exists (select 1 from ${notifications} n
                where n.kind in (${relayKinds}) and (n.payload->>'messageId')::bigint = e.id))
          )
        limit 1`);
      return result.length > 0;
    },

    /** The request's cards delivery has sent and not taken back (to refresh their status line). */
    async sentCards(requestId: number) {
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
    },

    /** The copy of a relayed message in one chat, if delivery has sent it there. */
    async copyInChat(messageId: number, chatId: number) {
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
    },
  };
}

export type RelayRepository = ReturnType<typeof createRelayRepository>;
