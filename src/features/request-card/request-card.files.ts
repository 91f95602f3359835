import { and, eq, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.js';
import { notifications, requests, staff } from '../../db/schema/index.js';
import type { I18n } from '../../i18n.js';
import { writeOutbox } from '../../queue/outbox.js';
import type { OutgoingMessage } from '../../telegram/telegram-sender.js';
import {
  type FeatureNotifications,
  insertNotifications,
  type Notification,
  type NotificationContent,
} from '../delivery/index.js';
import { type CardAttachment, createRequestCardRepository } from './request-card.repository.js';

/**
 * The family's files travel with the request's card: once the card is in a staff chat (delivered, or shown
 * by /my or «Открыть»), one notification per album or file brings them there as replies to it, through the
 * delivery queue and its limits. Each is a row of its own, sent once and marked `sent` in the step that
 * learns its message id, like the card; they are made in the transaction that marks the card sent, so a
 * crash between the card and its files loses neither and sends neither twice (beyond the one message in
 * flight at a crash, README «The one possible duplicate»).
 */
export const cardFilesKind = 'request_card_files';

/** Photos and videos go as albums (Telegram takes 2–10 in one); every other file is a reply of its own. */
const ALBUM_MAX = 10;
const albumKinds = new Set<string>(['photo', 'video']);

export function fileGroups(files: Pick<CardAttachment, 'id' | 'kind'>[]): number[][] {
  const media = files.filter((file) => albumKinds.has(file.kind)).map((file) => file.id);
  const groups: number[][] = [];
  for (let start = 0; start < media.length; start += ALBUM_MAX) {
    groups.push(media.slice(start, start + ALBUM_MAX));
  }
  for (const file of files) if (!albumKinds.has(file.kind)) groups.push([file.id]);
  return groups;
}

const filesPayload = z.object({
  /** The card's message in the recipient's chat: the files reply to it. */
  cardMessageId: z.number().int().positive(),
  attachmentIds: z.array(z.number().int().positive()).min(1),
  /** The place of this group among the card's files: a later one waits for the earlier ones. */
  part: z.number().int().nonnegative(),
  /** What the files follow (`notification:<id>` or `shown:<chat>:<message>`): groups of one card share it. */
  card: z.string(),
});

/**
 * The notifications that bring a request's files to a card in a staff chat; none when it has no files.
 * Made again for the same card, they are the same rows (dedupe keys), so nothing is sent twice.
 */
export async function cardFilesNotifications(
  db: DbOrTx,
  card: { key: string; requestId: number; staffId: number; chatId: number; cardMessageId: number },
): Promise<number[]> {
  const files = await createRequestCardRepository({ db }).attachmentsOf(card.requestId);
  return insertNotifications(
    db,
    fileGroups(files).map((attachmentIds, part) => ({
      kind: cardFilesKind,
      dedupeKey: `${card.key}:files:${part}`,
      requestId: card.requestId,
      recipientStaffId: card.staffId,
      chatId: card.chatId,
      payload: { cardMessageId: card.cardMessageId, attachmentIds, part, card: card.key },
    })),
  );
}

/**
 * The `followUps` of a card delivery sends (NotificationContent): the family's files after it, made in the
 * commit that marks the card sent, replying to the card's message.
 */
export function filesAfterCard(notification: Notification, requestId: number, staffId: number) {
  return (tx: DbOrTx, messageIds: number[]) =>
    cardFilesNotifications(tx, {
      key: `notification:${notification.id}`,
      requestId,
      staffId,
      chatId: notification.chatId,
      cardMessageId: messageIds[0]!,
    });
}

/**
 * A card shown in answer to a command or a button (/my, «Открыть»): its files follow it through the outbox
 * and the delivery queue, as they follow a delivered card. Nothing is written when the request has none.
 */
export async function sendFilesWithShownCard(
  db: Db,
  card: { requestId: number; staffId: number; cardMessageId: number },
): Promise<boolean> {
  const files = await createRequestCardRepository({ db }).attachmentsOf(card.requestId);
  if (files.length === 0) return false;
  await db.transaction((tx) => writeOutbox(tx, { kind: 'card_files', payload: card }));
  return true;
}

/** Routing of a `card_files` outbox event: the notifications for the shown card's files. */
export async function routeShownCardFiles(
  db: Db,
  event: { requestId: number; staffId: number; cardMessageId: number },
): Promise<number[]> {
  const [member] = await db
    .select({ chatId: staff.telegramId })
    .from(staff)
    .where(eq(staff.id, event.staffId));
  if (member?.chatId === null || member?.chatId === undefined) return [];
  return cardFilesNotifications(db, {
    key: `shown:${member.chatId}:${event.cardMessageId}`,
    requestId: event.requestId,
    staffId: event.staffId,
    chatId: member.chatId,
    cardMessageId: event.cardMessageId,
  });
}

/** How soon a group looks again whether the groups before it have gone out. */
const ORDER_RECHECK_MS = 300;

/** The content of one group of a card's files, built when it is sent. */
export async function renderCardFiles(
  deps: { db: Db; i18n: I18n },
  notification: Notification,
): Promise<NotificationContent | undefined> {
  const payload = filesPayload.parse(notification.payload);
  const files = await createRequestCardRepository({ db: deps.db }).attachmentsByIds(payload.attachmentIds);
  const [request] =
    notification.requestId === null
      ? []
      : await deps.db
          .select({ number: requests.number })
          .from(requests)
          .where(eq(requests.id, notification.requestId));
  if (files.length === 0 || !request) return undefined;
  const t = deps.i18n.forLanguage('ru');
  const number = String(request.number);
  // An album's caption names what is in it: «фото», «видео», or «фото и видео».
  const kinds = new Set(files.map((file) => file.kind));
  const kind = kinds.size === 1 ? files[0]!.kind : 'media';
  const caption = t('card-file-caption', { number, kind, count: files.length });
  const replyTo = payload.cardMessageId;
  const outgoing: OutgoingMessage =
    files.length > 1
      ? {
          type: 'album',
          media: files.map((file, index) => ({
            type: file.kind as 'photo' | 'video',
            fileId: file.fileId,
            ...(index === 0 ? { caption } : {}),
          })),
          replyTo,
        }
      : {
          type: 'file',
          kind: files[0]!.kind,
          fileId: files[0]!.fileId,
          caption,
          replyTo,
        };
  // The card's files arrive in the order the family sent them: a group waits while an earlier one is on
  // its way (jobs run in parallel; the chat's send slot only keeps them apart in time).
  const [earlier] = await deps.db
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        eq(notifications.kind, cardFilesKind),
        eq(notifications.chatId, notification.chatId),
        eq(notifications.status, 'pending'),
        sql`${notifications.payload}->>'card' = ${payload.card}`,
        lt(sql`(${notifications.payload}->>'part')::int`, payload.part),
      ),
    )
    .limit(1);
  return {
    text: caption,
    outgoing,
    ...(earlier ? { notBefore: new Date(Date.now() + ORDER_RECHECK_MS) } : {}),
  };
}

/** A card's attachments, for delivery's registry. */
export const attachmentNotifications: FeatureNotifications = {
  kinds: [cardFilesKind],
  render: renderCardFiles,
};
