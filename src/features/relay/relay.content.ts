import { and, asc, eq, sql } from 'drizzle-orm';
import { InlineKeyboard } from 'grammy';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.js';
import { familyMembers, requestEvents, requests, staff } from '../../db/schema/index.js';
import type { I18n, Translate } from '../../i18n.js';
import { CAPTION_LIMIT, splitText, TEXT_LIMIT } from '../../telegram/message-limits.js';
import type { OutgoingMessage, RelayFileKind } from '../../telegram/telegram-sender.js';
import type { FeatureNotifications, NotificationContent } from '../delivery/notification-registry.js';
import type { Notification } from '../delivery/notifications.repository.js';
import { createRoutingRepository } from '../routing/routing.repository.js';
import { relayCallback } from './relay.keyboards.js';
import { relayNotificationKinds } from './relay.kinds.js';
import { createRelayRepository, type RelayedMessage } from './relay.repository.js';

/** How long an album's first item waits for the rest before the album is sent. */
export const ALBUM_SETTLE_MS = 1500;

const copyPayload = z.object({
  messageId: z.number().int().positive(),
  replyToId: z.number().int().positive().optional(),
  question: z.boolean().optional(),
  album: z.boolean().optional(),
  /** Sent to a supervisor because the curator it was for blocked the bot. */
  insteadOf: z.number().int().positive().optional(),
  /** Sent to the deputy of this curator, who is away. */
  deputyFor: z.number().int().positive().optional(),
});
const editPayload = z.object({ messageId: z.number().int().positive(), copyId: z.number().int().positive() });

type Deps = { db: Db; i18n: I18n; timeZone: string };

/** The recipient's language: a family member's own; staff read Russian. */
async function recipientLanguage(db: Db, notification: Notification) {
  if (notification.recipientMemberId === null) return 'ru' as const;
  const [member] = await db
    .select({ language: familyMembers.language })
    .from(familyMembers)
    .where(eq(familyMembers.id, notification.recipientMemberId));
  return member?.language ?? 'ru';
}

/** The heading of a copy: who wrote and about which request (or «общий вопрос»). */
async function labelOf(db: Db, t: Translate, row: RelayedMessage, question: boolean) {
  const [request] =
    row.requestId === null
      ? []
      : await db.select({ number: requests.number }).from(requests).where(eq(requests.id, row.requestId));
  const about = request
    ? t('relay-about-request', { number: String(request.number) })
    : t('relay-about-general');
  if (row.direction === 'staff_to_family') {
    const [curator] =
      row.senderStaffId === null
        ? []
        : await db
            .select({ name: staff.fullName, role: staff.role })
            .from(staff)
            .where(eq(staff.id, row.senderStaffId));
    return t(question ? 'relay-label-question' : 'relay-label-curator', {
      curator: curator?.name ?? '—',
      role: curator?.role ?? 'curator',
      about,
    });
  }
  const [member] =
    row.senderMemberId === null
      ? []
      : await db
          .select({ name: familyMembers.fullName })
          .from(familyMembers)
          .where(eq(familyMembers.id, row.senderMemberId))
          .orderBy(asc(familyMembers.id));
  return t('relay-label-family', { family: member?.name ?? t('relay-family-unknown'), about });
}

/** Whether this family message was the answer that put its request back in work (a status event says so). */
async function answeredTheQuestion(db: Db, row: RelayedMessage) {
  if (row.direction !== 'family_to_staff' || row.requestId === null) return false;
  const [event] = await db
    .select({ id: requestEvents.id })
    .from(requestEvents)
    .where(
      and(
        eq(requestEvents.requestId, row.requestId),
        eq(requestEvents.type, 'status_changed'),
        sql`(${requestEvents.data}->>'messageId')::bigint = ${row.id}`,
      ),
    )
    .limit(1);
  return event !== undefined;
}

/** The button under a copy: the family answers the curator; the curator answers this message. */
function replyButton(t: Translate, row: RelayedMessage) {
  return row.direction === 'staff_to_family'
    ? new InlineKeyboard().text(t('relay-button-answer-curator'), relayCallback.toRequest(row.requestId ?? 0))
    : new InlineKeyboard().text(t('relay-button-answer-family'), relayCallback.replyTo(row.id));
}

/** The message a copy answers, as it is in the recipient's chat (for reply threading). */
async function replyToInChat(db: Db, replyToId: number | undefined, chatId: number) {
  if (replyToId === undefined) return undefined;
  const repository = createRelayRepository({ db });
  const answered = await repository.findMessage(replyToId);
  if (!answered) return undefined;
  if (answered.staffChatId === chatId && answered.staffMessageId !== null) return answered.staffMessageId;
  if (answered.familyChatId === chatId && answered.familyMessageId !== null) return answered.familyMessageId;
  return repository.copyInChat(replyToId, chatId);
}

/** Where the original of a relayed message is, to copy it from. */
const originOf = (row: RelayedMessage) =>
  row.direction === 'staff_to_family'
    ? { chatId: row.staffChatId, messageId: row.staffMessageId }
    : { chatId: row.familyChatId, messageId: row.familyMessageId };

const counterpartSide = (row: RelayedMessage) => (row.direction === 'staff_to_family' ? 'family' : 'staff');

/** The words shown with a copy: heading, the text or caption, and for a question how to answer. */
function compose(t: Translate, label: string, row: RelayedMessage, question: boolean) {
  const pieces = [label];
  if (row.text) pieces.push(row.text);
  if (question) pieces.push(t('relay-question-footer'));
  return pieces.join('\n\n');
}

const albumTypes = new Set(['photo', 'video', 'document', 'audio']);
const relayFileKinds = new Set(['photo', 'document', 'voice', 'video', 'video_note', 'audio']);

async function renderCopy(deps: Deps, notification: Notification): Promise<NotificationContent | undefined> {
  const payload = copyPayload.parse(notification.payload);
  const repository = createRelayRepository({ db: deps.db });
  const row = await repository.findMessage(payload.messageId);
  if (!row) return undefined;
  const t = deps.i18n.forLanguage(await recipientLanguage(deps.db, notification));
  const question = payload.question === true;
  const notes = [await labelOf(deps.db, t, row, question)];
  if (await answeredTheQuestion(deps.db, row)) notes.push(t('relay-label-resumed'));
  if (payload.insteadOf !== undefined) notes.push(t('relay-label-instead'));
  if (payload.deputyFor !== undefined) {
    const [away] = await deps.db
      .select({ name: staff.fullName })
      .from(staff)
      .where(eq(staff.id, payload.deputyFor));
    notes.push(t('relay-label-deputy', { curator: away?.name ?? '—' }));
  }
  const label = notes.join('\n');
  const replyMarkup = replyButton(t, row);
  const replyTo = await replyToInChat(deps.db, payload.replyToId, notification.chatId);
  const side = counterpartSide(row);
  const chatId = notification.chatId;

  const onUnreachable = async (tx: DbOrTx) => {
    if (row.direction === 'family_to_staff') {
      // The curator blocked the bot: the family's message goes to the district supervisors instead.
      if (notification.recipientStaffId === null) return [];
      return copyToSupervisors(tx, notification, row, notification.recipientStaffId);
    }
    if (row.senderStaffId === null) return [];
    const [sender] = await tx
      .select({ chatId: staff.telegramId })
      .from(staff)
      .where(eq(staff.id, row.senderStaffId));
    if (!sender) return [];
    return createRelayRepository({ db: tx }).insertNotifications([
      {
        kind: relayNotificationKinds.undelivered,
        dedupeKey: `notification:${notification.id}:undelivered`,
        requestId: row.requestId,
        familyId: row.familyId,
        recipientStaffId: row.senderStaffId,
        chatId: sender.chatId,
        payload: { messageId: row.id },
      },
    ]);
  };

  const items = payload.album ? await repository.albumItems(row) : [row];
  if (items.length > 1 && items.every((item) => albumTypes.has(item.kind) && item.fileId !== null)) {
    const firstCaption = compose(t, label, items[0]!, question);
    const fits = firstCaption.length <= CAPTION_LIMIT;
    const outgoing: OutgoingMessage = {
      type: 'album',
      media: items.map((item, index) => ({
        type: item.kind as 'photo' | 'video' | 'document' | 'audio',
        fileId: item.fileId!,
        ...(index === 0 && fits ? { caption: firstCaption } : item.text ? { caption: item.text } : {}),
      })),
      ...(fits ? {} : { before: splitText(label) }),
      ...(replyTo !== undefined ? { replyTo } : {}),
    };
    return {
      text: label,
      outgoing,
      notBefore: new Date(notification.createdAt.getTime() + ALBUM_SETTLE_MS),
      onUnreachable,
      afterSent: async (tx, ids) => {
        const relay = createRelayRepository({ db: tx });
        for (const [index, item] of items.entries()) {
          const copyId = ids[index];
          if (copyId !== undefined) await relay.recordCopy(item.id, side, chatId, copyId);
        }
        await relay.mergeNotificationPayload(notification.id, { included: items.map((item) => item.id) });
      },
    };
  }

  const afterSent = async (tx: DbOrTx, ids: number[]) => {
    const relay = createRelayRepository({ db: tx });
    await relay.recordCopy(row.id, side, chatId, ids[0]!);
    if (payload.album) await relay.mergeNotificationPayload(notification.id, { included: [row.id] });
  };
  const words = compose(t, label, row, question);
  let outgoing: OutgoingMessage;
  if (row.kind === 'text') {
    outgoing = { type: 'text', parts: splitText(words), replyMarkup, ...(replyTo ? { replyTo } : {}) };
  } else {
    const origin = originOf(row);
    if (origin.chatId === null || origin.messageId === null) return undefined;
    // A video note has no caption, and a long caption does not fit: the words go first, then the copy.
    const captionFits = row.kind !== 'video_note' && words.length <= CAPTION_LIMIT;
    outgoing = {
      type: 'copy',
      fromChatId: origin.chatId,
      messageId: origin.messageId,
      ...(captionFits ? { caption: words } : { before: splitText(words) }),
      ...(row.fileId && relayFileKinds.has(row.kind)
        ? {
            fallback: {
              kind: row.kind as RelayFileKind,
              fileId: row.fileId,
              ...(row.text ? { caption: row.text } : {}),
            },
          }
        : {}),
      replyMarkup,
      ...(replyTo ? { replyTo } : {}),
    };
  }
  return {
    text: label,
    outgoing,
    afterSent,
    onUnreachable,
    // The first item of an album alone so far: its siblings may still be on their way.
    ...(payload.album ? { notBefore: new Date(notification.createdAt.getTime() + ALBUM_SETTLE_MS) } : {}),
  };
}

async function copyToSupervisors(
  tx: DbOrTx,
  notification: Notification,
  row: RelayedMessage,
  unreachableStaffId: number,
) {
  const routing = createRoutingRepository({ db: tx });
  const family = await routing.findFamily(row.familyId);
  if (!family) return [];
  const supervisors = await routing.supervisorsFor(family.districtId, new Date(), {
    excludeStaffIds: [unreachableStaffId],
  });
  const chats = await routing.staffChats(supervisors);
  return createRelayRepository({ db: tx }).insertNotifications(
    chats.map((chat) => ({
      kind: relayNotificationKinds.toStaff,
      dedupeKey: `notification:${notification.id}:instead:${chat.id}`,
      requestId: row.requestId,
      familyId: row.familyId,
      recipientStaffId: chat.id,
      chatId: chat.telegramId,
      payload: { ...notification.payload, insteadOf: unreachableStaffId },
    })),
  );
}

async function renderEdit(deps: Deps, notification: Notification): Promise<NotificationContent | undefined> {
  const payload = editPayload.parse(notification.payload);
  const repository = createRelayRepository({ db: deps.db });
  const row = await repository.findMessage(payload.messageId);
  const copy = await repository.findNotification(payload.copyId);
  if (!row || !copy || copy.telegramMessageId === null) return undefined;
  const t = deps.i18n.forLanguage(await recipientLanguage(deps.db, notification));
  const question = copyPayload.safeParse(copy.payload).data?.question === true;
  const label = await labelOf(deps.db, t, row, question);
  const words = compose(t, label, row, question);
  const correction = t('relay-correction', { label, text: row.text ?? '—' });
  const inAlbum = copy.payload.album === true;
  const editable =
    !inAlbum &&
    (row.kind === 'text'
      ? words.length <= TEXT_LIMIT
      : row.kind !== 'video_note' && words.length <= CAPTION_LIMIT);
  const outgoing: OutgoingMessage = editable
    ? {
        type: 'edit',
        messageId: copy.telegramMessageId,
        field: row.kind === 'text' ? 'text' : 'caption',
        value: words,
        replyMarkup: replyButton(t, row),
        correction,
      }
    : { type: 'text', parts: splitText(correction), replyTo: copy.telegramMessageId };
  return { text: correction, outgoing };
}

async function renderUndelivered(
  deps: Deps,
  notification: Notification,
): Promise<NotificationContent | undefined> {
  const t = deps.i18n.forLanguage('ru');
  const [request] =
    notification.requestId === null
      ? []
      : await deps.db
          .select({ number: requests.number })
          .from(requests)
          .where(eq(requests.id, notification.requestId));
  const about = request
    ? t('relay-about-request', { number: String(request.number) })
    : t('relay-about-general');
  return { text: t('relay-undelivered', { about }) };
}

/** How soon a copy looks again whether the messages written before it have gone out. */
const ORDER_RECHECK_MS = 300;

/**
 * A copy waits while an earlier message of the same conversation is still on its way to this chat: jobs
 * run in parallel, and a person must read a dialogue in the order it was written.
 */
async function keepOrder(deps: Deps, notification: Notification, content: NotificationContent | undefined) {
  if (!content) return content;
  const payload = copyPayload.safeParse(notification.payload);
  if (!payload.success) return content;
  const repository = createRelayRepository({ db: deps.db });
  const row = await repository.findMessage(payload.data.messageId);
  const now = new Date();
  if (!row || !(await repository.earlierCopyOnTheWay(row, notification.chatId, now))) return content;
  const later = new Date(now.getTime() + ORDER_RECHECK_MS);
  return {
    ...content,
    notBefore: content.notBefore && content.notBefore > later ? content.notBefore : later,
  };
}

/** The content of a relay notification, built when it is sent (rows and payloads hold ids only). */
export async function renderRelayNotification(
  deps: Deps,
  notification: Notification,
): Promise<NotificationContent | undefined> {
  switch (notification.kind) {
    case relayNotificationKinds.toFamily:
    case relayNotificationKinds.toStaff:
      return keepOrder(deps, notification, await renderCopy(deps, notification));
    case relayNotificationKinds.edit:
      return renderEdit(deps, notification);
    case relayNotificationKinds.undelivered:
      return renderUndelivered(deps, notification);
    default:
      return undefined;
  }
}

/** Relayed messages, for delivery's registry: a family and a curator are waiting for each other. */
export const relayNotifications: FeatureNotifications = {
  kinds: Object.values(relayNotificationKinds),
  render: renderRelayNotification,
  sendClasses: {
    [relayNotificationKinds.toFamily]: 'urgent',
    [relayNotificationKinds.toStaff]: 'urgent',
    [relayNotificationKinds.edit]: 'urgent',
  },
};
