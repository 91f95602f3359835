import { asc, eq } from 'drizzle-orm';
import { InlineKeyboard } from 'grammy';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.js';
import { familyMembers, staff } from '../../db/schema/index.js';
import type { I18n, Translate } from '../../i18n.js';
import { CAPTION_LIMIT, splitText, TEXT_LIMIT } from '../../telegram/message-limits.js';
import type { OutgoingMessage, RelayFileKind } from '../../telegram/telegram-sender.js';
import type { FeatureNotifications, Notification, NotificationContent } from '../delivery/index.js';
import { staffChats, supervisorsOfFamily } from '../routing/index.js';
import { relayCallback } from './relay.keyboards.js';
import { relayNotificationKinds } from './relay.kinds.js';
import {
  type CopySources,
  createRelayRepository,
  type RelayedMessage,
  recordCopyStatement,
} from './relay.repository.js';

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

/** Which request a message is about: «по заявке № …», or «общий вопрос» when it belongs to none. */
const aboutText = (t: Translate, number: number | null | undefined) =>
  number === undefined || number === null
    ? t('relay-about-general')
    : t('relay-about-request', { number: String(number) });

async function aboutRequest(db: Db, t: Translate, requestId: number | null) {
  return aboutText(
    t,
    requestId === null ? undefined : await createRelayRepository({ db }).requestNumber(requestId),
  );
}

/** Who wrote a relayed message, as its heading names them. */
interface Author {
  requestNumber: number | null | undefined;
  staffName: string | null | undefined;
  staffRole: string | null | undefined;
  memberName: string | null | undefined;
}

/** The heading of a copy: who wrote and about which request (or «общий вопрос»). */
function labelText(t: Translate, row: RelayedMessage, question: boolean, author: Author) {
  const about = aboutText(t, author.requestNumber);
  if (row.direction === 'staff_to_family') {
    return t(question ? 'relay-label-question' : 'relay-label-curator', {
      curator: author.staffName ?? '—',
      role: author.staffRole ?? 'curator',
      about,
    });
  }
  return t('relay-label-family', { family: author.memberName ?? t('relay-family-unknown'), about });
}

/** As labelText, reading the author's names (an edit's heading). */
async function labelOf(db: Db, t: Translate, row: RelayedMessage, question: boolean) {
  const relay = createRelayRepository({ db });
  const [curator] =
    row.direction !== 'staff_to_family' || row.senderStaffId === null
      ? []
      : await db
          .select({ name: staff.fullName, role: staff.role })
          .from(staff)
          .where(eq(staff.id, row.senderStaffId));
  const [member] =
    row.direction === 'staff_to_family' || row.senderMemberId === null
      ? []
      : await db
          .select({ name: familyMembers.fullName })
          .from(familyMembers)
          .where(eq(familyMembers.id, row.senderMemberId))
          .orderBy(asc(familyMembers.id));
  return labelText(t, row, question, {
    requestNumber: row.requestId === null ? undefined : await relay.requestNumber(row.requestId),
    staffName: curator?.name,
    staffRole: curator?.role,
    memberName: member?.name,
  });
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

type CopyPayload = z.infer<typeof copyPayload>;

/**
 * A copy of a relayed message (or of an album) for the chat of the notification, from its sources read in
 * one statement (copySources). Its send waits while an earlier message of the conversation is on its way.
 */
async function renderCopy(
  deps: Deps,
  notification: Notification,
  payload: CopyPayload,
  sources: CopySources,
): Promise<NotificationContent | undefined> {
  const { row } = sources;
  const repository = createRelayRepository({ db: deps.db });
  const t = deps.i18n.forLanguage(
    notification.recipientMemberId === null ? 'ru' : (sources.language ?? 'ru'),
  );
  const copy: Copy = {
    t,
    notification,
    payload,
    row,
    label: copyHeading(t, payload, sources),
    replyTo: await replyToInChat(deps.db, payload.replyToId, notification.chatId),
  };
  const items = payload.album ? await repository.albumItems(row) : [row];
  if (items.length > 1 && items.every((item) => albumTypes.has(item.kind) && item.fileId !== null)) {
    return albumCopy(copy, items);
  }
  const outgoing = singleCopy(copy);
  if (!outgoing) return undefined;
  return {
    text: copy.label,
    outgoing,
    sentWith: (ids: number[]) =>
      recordCopyStatement(row.id, counterpartSide(row), notification.chatId, ids[0]!),
    ...(payload.album
      ? {
          afterSent: (tx: DbOrTx) =>
            createRelayRepository({ db: tx }).mergeNotificationPayload(notification.id, {
              included: [row.id],
            }),
        }
      : {}),
    onUnreachable: (tx: DbOrTx) => whenUnreachable(tx, notification, row),
    // The first item of an album alone so far: its siblings may still be on their way.
    ...(payload.album ? { notBefore: new Date(notification.createdAt.getTime() + ALBUM_SETTLE_MS) } : {}),
  };
}

/** What a copy is built from: the message, its heading in the recipient's language, what it answers. */
interface Copy {
  t: Translate;
  notification: Notification;
  payload: CopyPayload;
  row: RelayedMessage;
  label: string;
  replyTo: number | undefined;
}

/** The heading: who wrote about what, and why this chat gets it (resumed, instead of, for a deputy). */
function copyHeading(t: Translate, payload: CopyPayload, sources: CopySources) {
  const notes = [labelText(t, sources.row, payload.question === true, sources)];
  if (sources.answered) notes.push(t('relay-label-resumed'));
  if (payload.insteadOf !== undefined) notes.push(t('relay-label-instead'));
  if (payload.deputyFor !== undefined)
    notes.push(t('relay-label-deputy', { curator: sources.awayName ?? '—' }));
  return notes.join('\n');
}

/** An album sent as one: the heading as the first caption when it fits, else before the album. */
function albumCopy(copy: Copy, items: RelayedMessage[]): NotificationContent {
  const { t, notification, row, label, replyTo } = copy;
  const firstCaption = compose(t, label, items[0]!, copy.payload.question === true);
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
    onUnreachable: (tx) => whenUnreachable(tx, notification, row),
    afterSent: async (tx, ids) => {
      const relay = createRelayRepository({ db: tx });
      for (const [index, item] of items.entries()) {
        const copyId = ids[index];
        if (copyId !== undefined)
          await relay.recordCopy(item.id, counterpartSide(row), notification.chatId, copyId);
      }
      await relay.mergeNotificationPayload(notification.id, { included: items.map((item) => item.id) });
    },
  };
}

/** One message: a text, or a copy of the original with the words as its caption (or before it). */
function singleCopy(copy: Copy): OutgoingMessage | undefined {
  const { t, row, replyTo } = copy;
  const words = compose(t, copy.label, row, copy.payload.question === true);
  const replyMarkup = replyButton(t, row);
  if (row.kind === 'text') {
    return { type: 'text', parts: splitText(words), replyMarkup, ...(replyTo ? { replyTo } : {}) };
  }
  const origin = originOf(row);
  if (origin.chatId === null || origin.messageId === null) return undefined;
  // A video note has no caption, and a long caption does not fit: the words go first, then the copy.
  const captionFits = row.kind !== 'video_note' && words.length <= CAPTION_LIMIT;
  return {
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

/**
 * The recipient blocked the bot. A family's message goes to the district supervisors instead of the
 * curator; a curator's message is answered with «не дошло» to its sender.
 */
async function whenUnreachable(tx: DbOrTx, notification: Notification, row: RelayedMessage) {
  if (row.direction === 'family_to_staff') {
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
}

async function copyToSupervisors(
  tx: DbOrTx,
  notification: Notification,
  row: RelayedMessage,
  unreachableStaffId: number,
) {
  const supervisors = await supervisorsOfFamily(tx, row.familyId, new Date(), {
    excludeStaffIds: [unreachableStaffId],
  });
  const chats = await staffChats(tx, supervisors);
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
  return { text: t('relay-undelivered', { about: await aboutRequest(deps.db, t, notification.requestId) }) };
}

/** How soon a copy looks again whether the messages written before it have gone out. */
const ORDER_RECHECK_MS = 300;

/**
 * A copy waits while an earlier message of the same conversation is still on its way to this chat: copies
 * are routed in parallel (a chat's delivery lane orders those already made), and a person must read a
 * dialogue in the order it was written (copySources tells).
 */
function keepOrder(content: NotificationContent | undefined, earlierOnTheWay: boolean, now: Date) {
  if (!content || !earlierOnTheWay) return content;
  const later = new Date(now.getTime() + ORDER_RECHECK_MS);
  return {
    ...content,
    notBefore: content.notBefore && content.notBefore > later ? content.notBefore : later,
  };
}

/** A copy's kinds (to a family, to staff): rendered from copySources. */
const copyKinds: ReadonlySet<string> = new Set([
  relayNotificationKinds.toFamily,
  relayNotificationKinds.toStaff,
]);

/** The fields copySources reads a copy by. */
const copyOf = (notification: Notification, payload: CopyPayload) => ({
  messageId: payload.messageId,
  chatId: notification.chatId,
  recipientMemberId: notification.recipientMemberId,
  ...(payload.deputyFor !== undefined ? { deputyFor: payload.deputyFor } : {}),
});

/** A copy from its sources as of `now` (undefined: the message is gone). */
async function copyFrom(
  deps: Deps,
  notification: Notification,
  payload: CopyPayload,
  sources: CopySources | undefined,
  now: Date,
) {
  if (!sources) return undefined;
  return keepOrder(await renderCopy(deps, notification, payload, sources), sources.earlierOnTheWay, now);
}

/** The content of a relay notification, built when it is sent (rows and payloads hold ids only). */
export async function renderRelayNotification(
  deps: Deps,
  notification: Notification,
): Promise<NotificationContent | undefined> {
  switch (notification.kind) {
    case relayNotificationKinds.toFamily:
    case relayNotificationKinds.toStaff: {
      const payload = copyPayload.parse(notification.payload);
      const now = new Date();
      const sources = await createRelayRepository({ db: deps.db }).copySources({
        ...copyOf(notification, payload),
        now,
      });
      return copyFrom(deps, notification, payload, sources, now);
    }
    case relayNotificationKinds.edit:
      return renderEdit(deps, notification);
    case relayNotificationKinds.undelivered:
      return renderUndelivered(deps, notification);
    default:
      return undefined;
  }
}

/**
 * Relay notifications of a batched delivery turn: the copies' sources in one statement for all of them
 * (copySourcesOfMany: one round trip and one PostgreSQL transaction a batch, not one a copy), the others
 * each alone.
 */
export function renderRelayNotifications(
  deps: Deps,
  notifications: readonly Notification[],
): Array<Promise<NotificationContent | undefined>> {
  const rendered: Array<Promise<NotificationContent | undefined>> = [];
  const copies: Array<{ notification: Notification; payload: CopyPayload; index: number }> = [];
  for (const [index, notification] of notifications.entries()) {
    const payload = copyKinds.has(notification.kind)
      ? copyPayload.safeParse(notification.payload)
      : undefined;
    if (payload?.success) copies.push({ notification, payload: payload.data, index });
    // Not a copy, or a payload it cannot read (which throws as it would alone).
    else rendered[index] = renderRelayNotification(deps, notification);
  }
  if (copies.length === 0) return rendered;
  const now = new Date();
  const read = createRelayRepository({ db: deps.db }).copySourcesOfMany(
    copies.map(({ notification, payload }) => copyOf(notification, payload)),
    now,
  );
  for (const [k, { notification, payload, index }] of copies.entries())
    rendered[index] = read.then((sources) => copyFrom(deps, notification, payload, sources[k], now));
  return rendered;
}

/** Relayed messages, for delivery's registry: a family and a curator are waiting for each other. */
export const relayNotifications: FeatureNotifications = {
  kinds: Object.values(relayNotificationKinds),
  render: renderRelayNotification,
  renderMany: renderRelayNotifications,
  sendClasses: {
    [relayNotificationKinds.toFamily]: 'urgent',
    [relayNotificationKinds.toStaff]: 'urgent',
    [relayNotificationKinds.edit]: 'urgent',
  },
};
