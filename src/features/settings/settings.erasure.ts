import { and, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.js';
import { districts, families, messages, notifications, requests, staff } from '../../db/schema/index.js';
import type { I18n } from '../../i18n.js';
import type { OutboxEvent } from '../../queue/outbox.js';
import {
  type FeatureNotifications,
  insertNotifications,
  type Notification,
  type NotificationContent,
  retractionKind,
  retractionTargetColumns,
  withdrawAndTakeBack,
} from '../delivery/index.js';
import { supervisorsFor } from '../routing/index.js';

/** To the family's curator(s) and the district supervisors: the family deleted its data. */
export const erasureNoticeKind = 'family_erased_notice';

type ConsentWithdrawn = Extract<OutboxEvent, { kind: 'consent_withdrawn' }> & { outboxId: number };

/** Relayed copies of a family's messages in staff chats (and corrections of them). */
const relayedToStaffKinds = ['relay_to_staff', 'relay_edit'];

/**
 * «Удалить мои данные» reaches the staff chats (issue 13 §3). Every message the bot put in a staff chat
 * showing the family — cards, their files, relayed messages, family cards, «Показать полностью», search
 * results, reminders, alerts — is taken back through delivery (text replaced by «Данные семьи удалены по её
 * просьбе», a photo deleted); what was still on its way there is withdrawn unsent, and a message being sent is
 * waited for and taken back. When only one member left a family that goes on, only the messages that
 * member wrote are taken back. The family's curators and the district supervisors are told; the rows are
 * keyed by the outbox row, so a second run of the job makes nothing new.
 */
export async function routeConsentWithdrawn({ db }: { db: Db }, event: ConsentWithdrawn): Promise<number[]> {
  return db.transaction((tx) => takeBackAndTell(tx, event));
}

async function takeBackAndTell(db: DbOrTx, event: ConsentWithdrawn): Promise<number[]> {
  const { familyId, memberId, familyErased, cancelledRequestIds } = event.payload;
  // Locked in id order, those still pending too: a copy being sent right now (its delivery turn holds its
  // row until the send is recorded) is waited for, and then taken back like any other sent message.
  const rows = await db
    .select({ id: notifications.id, status: notifications.status, ...retractionTargetColumns })
    .from(notifications)
    .where(
      and(
        eq(notifications.familyId, familyId),
        inArray(notifications.status, ['pending', 'sent']),
        isNotNull(notifications.recipientStaffId),
        ne(notifications.kind, retractionKind),
        ne(notifications.kind, erasureNoticeKind),
        ...(familyErased
          ? []
          : [
              inArray(notifications.kind, relayedToStaffKinds),
              sql`(${notifications.payload}->>'messageId')::bigint in (
                select ${messages.id} from ${messages} where ${messages.senderMemberId} = ${memberId})`,
            ]),
      ),
    )
    .orderBy(notifications.id)
    .for('update');
  // Those not sent yet do not go: what they would show is erased (a text copy would be its heading alone).
  const created = await withdrawAndTakeBack(
    db,
    rows.map((row) => ({ ...row, familyId })),
    { kind: 'erased' },
  );
  if (!familyErased) return created;

  const [family] = await db
    .select({ districtId: families.districtId, curatorId: families.curatorId })
    .from(families)
    .where(eq(families.id, familyId));
  if (!family) return created;
  const curators =
    cancelledRequestIds.length === 0
      ? []
      : await db
          .select({ curatorId: requests.curatorId })
          .from(requests)
          .where(inArray(requests.id, cancelledRequestIds));
  const recipients = new Set<number>([
    ...(family.curatorId === null ? [] : [family.curatorId]),
    ...curators.flatMap((row) => (row.curatorId === null ? [] : [row.curatorId])),
    ...(await supervisorsFor(db, family.districtId, new Date())),
  ]);
  const chats = await db
    .select({ id: staff.id, chatId: staff.telegramId })
    .from(staff)
    .where(and(inArray(staff.id, [...recipients]), eq(staff.active, true)));
  created.push(
    ...(await insertNotifications(
      db,
      chats.map((chat) => ({
        kind: erasureNoticeKind,
        dedupeKey: `outbox:${event.outboxId}:erased:staff:${chat.id}`,
        recipientStaffId: chat.id,
        chatId: chat.chatId,
        // The notice names no one: it stays when the family's messages are taken back.
        familyId: null,
        payload: { districtId: family.districtId, requestIds: cancelledRequestIds },
      })),
    )),
  );
  return created;
}

const noticePayload = z.object({
  districtId: z.number().int().positive(),
  requestIds: z.array(z.number().int().positive()),
});

export async function renderErasureNotice(
  deps: { db: Db; i18n: I18n },
  notification: Notification,
): Promise<NotificationContent | undefined> {
  const payload = noticePayload.parse(notification.payload);
  const t = deps.i18n.forLanguage('ru');
  const [district] = await deps.db
    .select({ name: districts.name })
    .from(districts)
    .where(eq(districts.id, payload.districtId));
  const numbers =
    payload.requestIds.length === 0
      ? []
      : await deps.db
          .select({ number: requests.number })
          .from(requests)
          .where(inArray(requests.id, payload.requestIds))
          .orderBy(requests.number);
  return {
    text: t('erasure-notice', {
      district: district?.name ?? '—',
      count: numbers.length,
      numbers: numbers.map((row) => `№ ${row.number}`).join(', '),
    }),
  };
}

/** The notice of an erasure, for delivery's registry. */
export const erasureNotifications: FeatureNotifications = {
  kinds: [erasureNoticeKind],
  render: renderErasureNotice,
};
