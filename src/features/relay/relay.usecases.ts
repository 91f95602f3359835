import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from 'grammy/types';
import type { Db, DbOrTx } from '../../db/client.js';
import type { MessageKind, RequestStatus } from '../../db/schema/enums.js';
import { writeOutbox } from '../../queue/outbox.js';
import {
  type AccessRefusal,
  authoriseFamilyAccess,
  authoriseRequestAction,
  staffByTelegramId,
} from '../access/index.js';
import {
  createNotificationsRepository,
  familyInChat,
  type Notification,
  type UnrecordedSends,
} from '../delivery/index.js';
import { shownCardKind } from '../request-card/index.js';
import { lockFamilyRequest } from '../requests/index.js';
import { notificationKinds, supervisorsLevelOfFamily } from '../routing/index.js';
import { relayNotificationKinds } from './relay.kinds.js';
import { createRelayRepository, type RelayedMessage } from './relay.repository.js';

/** What of a Telegram message is relayed and stored. */
export interface RelayContent {
  kind: MessageKind;
  /** The text, or a media message's caption. */
  text: string | null;
  fileId: string | null;
  mediaGroupId: string | null;
}

/**
 * The part of a message that can pass between a family and a curator: text, photo, document, voice, video,
 * video note, audio. Undefined for anything else (stickers, locations, contacts, polls…): the sender is told.
 */
export function relayableContent(message: Message): RelayContent | undefined {
  const caption = message.caption ?? null;
  const mediaGroupId = message.media_group_id ?? null;
  if (message.text !== undefined) return { kind: 'text', text: message.text, fileId: null, mediaGroupId };
  const photo = message.photo?.at(-1);
  if (photo) return { kind: 'photo', text: caption, fileId: photo.file_id, mediaGroupId };
  const media = (
    [
      ['document', message.document],
      ['voice', message.voice],
      ['video', message.video],
      ['video_note', message.video_note],
      ['audio', message.audio],
    ] as const
  ).find(([, file]) => file !== undefined);
  if (!media) return undefined;
  return { kind: media[0], text: caption, fileId: media[1]!.file_id, mediaGroupId };
}

/** Whom a message is about: a request, or the family's general question (requestId null). */
export interface RelayTarget {
  requestId: number | null;
  familyId: number;
}

/** Statuses in which the family's message is an answer that puts the request back in work. */
const waitingStatus: RequestStatus = 'waiting_family';

/** The staff member behind a Telegram account, when active and a curator or supervisor. */
export async function findRelayStaff(db: Db, telegramId: number) {
  const presser = await staffByTelegramId(db, telegramId);
  if (!presser?.active || (presser.role !== 'curator' && presser.role !== 'supervisor')) return undefined;
  return presser;
}

/** A staff member whom the admin deactivated: their messages reach no one, and they are told so. */
export async function isDeactivatedStaff(db: Db, telegramId: number) {
  const member = await staffByTelegramId(db, telegramId);
  return member !== undefined && !member.active;
}

/**
 * The request or the family a staff member may write to now (features/access): «Ответить» on a request,
 * «Ждём ответа семьи» (`question`: only a request in work), or a general question's family. A family that
 * nobody has a chat with the bot for (registered by phone) cannot be written to: refused with `no_chat`.
 */
async function authoriseStaffTarget(
  db: DbOrTx,
  telegramId: number,
  target: RelayTarget,
  options: { question?: boolean; lock: boolean },
) {
  const checked = await authoriseStaffAccess(db, telegramId, target, options);
  if (!checked.ok) return checked;
  // Nobody in chat (memberInChat, whom the relay's copies go to: relay.routing.ts), and it would reach no one.
  if (await familyInChat(db, checked.familyId)) return checked;
  const refusal: AccessRefusal = {
    reason: 'no_chat',
    ...(checked.request ? { number: checked.request.number } : {}),
  };
  return { ok: false, refusal } as const;
}

/** Whether the staff member may act on the target (authoriseStaffTarget without the family's chat). */
async function authoriseStaffAccess(
  db: DbOrTx,
  telegramId: number,
  target: RelayTarget,
  options: { question?: boolean; lock: boolean },
) {
  if (target.requestId !== null) {
    const checked = await authoriseRequestAction(db, {
      telegramId,
      requestId: target.requestId,
      action: options.question ? 'wait' : 'reply',
      lock: options.lock,
    });
    if (!checked.ok) return checked;
    return {
      ok: true,
      presser: checked.presser,
      request: checked.request,
      familyId: checked.request.familyId,
    } as const;
  }
  if (options.question) return { ok: false, refusal: { reason: 'not_taken' } } as const;
  const checked = await authoriseFamilyAccess(db, { telegramId, familyId: target.familyId });
  if (!checked.ok) return checked;
  return { ok: true, presser: checked.presser, request: undefined, familyId: checked.family.id } as const;
}

/**
 * Whether this staff member may write to the family about this target now (before «Ответить» or «Ждём
 * ответа семьи» puts them in the one-message mode).
 */
export async function checkStaffTarget(
  db: Db,
  input: { telegramId: number; target: RelayTarget; question?: boolean },
): Promise<{ ok: true; number: number | null; familyId: number } | { ok: false; refusal: AccessRefusal }> {
  const checked = await authoriseStaffTarget(db, input.telegramId, input.target, {
    lock: false,
    ...(input.question ? { question: true } : {}),
  });
  if (!checked.ok) return checked;
  return { ok: true, number: checked.request?.number ?? null, familyId: checked.familyId };
}

const staffThreadKinds = new Set<string>([
  notificationKinds.requestCard,
  notificationKinds.curatorRequestReopened,
  shownCardKind,
]);

/**
 * Where a reply in a chat points: the relayed message it answers (either side of a `messages` row), or a
 * card or notice about a request that delivery sent there. Undefined when it answers nothing relayed.
 */
export async function findThread(
  db: Db,
  side: 'staff' | 'family',
  chatId: number,
  replyToMessageId: number,
): Promise<(RelayTarget & { replyToId?: number }) | undefined> {
  const repository = createRelayRepository({ db });
  const row =
    side === 'staff'
      ? await repository.messageByStaffSide(chatId, replyToMessageId)
      : await repository.messageByFamilySide(chatId, replyToMessageId);
  if (row) return { requestId: row.requestId, familyId: row.familyId, replyToId: row.id };
  const notification = await repository.sentNotification(chatId, replyToMessageId);
  return notification ? threadOfNotification(repository, side, notification) : undefined;
}

/** The thread of a notification the bot sent: the relayed message it copies, or the request it is about. */
async function threadOfNotification(
  repository: ReturnType<typeof createRelayRepository>,
  side: 'staff' | 'family',
  notification: Notification,
): Promise<(RelayTarget & { replyToId?: number }) | undefined> {
  const relayedId = Number(notification.payload.messageId);
  if (
    (notification.kind === relayNotificationKinds.toFamily ||
      notification.kind === relayNotificationKinds.toStaff) &&
    Number.isInteger(relayedId)
  ) {
    const relayed = await repository.findMessage(relayedId);
    if (relayed) return { requestId: relayed.requestId, familyId: relayed.familyId, replyToId: relayed.id };
  }
  // Staff answer a request's card or its «reopened» notice; a reply to an alert or a digest is not for the
  // family. A family member may answer any notice about their request.
  if (notification.requestId === null) return undefined;
  if (side === 'staff' && !staffThreadKinds.has(notification.kind)) return undefined;
  const familyId = await repository.familyOfRequest(notification.requestId);
  return familyId === undefined ? undefined : { requestId: notification.requestId, familyId };
}

/**
 * Pauses before looking again for what a reply to the bot's message answers, while something to that chat
 * is still on its way (about 2.5 s in all). Delivery writes a copy's ids in the transaction that marks it
 * sent, a moment after Telegram shows it; a person who answers at once would otherwise meet a bot that does
 * not know what they answer. A recording later than that (a batch-mate's send Telegram answers only at its
 * 10 s timeout, a slow database) is noted in Redis 0.3 s after Telegram's answer (unrecorded-sends.ts), and
 * found there.
 */
const JUST_SENT_PAUSES_MS = [50, 100, 200, 400, 800, 1000];

/** Only a reply to a message of the bot's this fresh waits for it to be recorded (older ones were long ago). */
const JUST_SENT_WITHIN_SECONDS = 30;

/**
 * A message of the bot's whose recording is late, from delivery's note of it in Redis: its thread (none for
 * a message nothing threads to), or undefined when it is not noted.
 */
async function threadOfUnrecorded(
  { db, unrecorded }: { db: Db; unrecorded?: UnrecordedSends },
  side: 'staff' | 'family',
  chatId: number,
  messageId: number,
) {
  // Redis away: the rows alone are looked at.
  const notificationId = await unrecorded?.notificationOf(chatId, messageId).catch(() => undefined);
  if (notificationId === undefined) return undefined;
  const notification = await createNotificationsRepository({ db }).find(notificationId);
  if (notification?.chatId !== chatId) return undefined;
  return { thread: await threadOfNotification(createRelayRepository({ db }), side, notification) };
}

/**
 * `findThread` for a reply: when it answers a fresh message of the bot's that is not found yet, and a send
 * to this chat is still being recorded, looks again after a pause (in the rows, and in delivery's note of a
 * late recording) until it is found or nothing is on its way. `unsure`: not found, and a send to this chat
 * was still on its way when it stopped looking — the reply may answer a message whose recording is late and
 * could not be noted (Redis away), so it must not be taken for a reply to anything else.
 */
export async function findThreadOfReply(
  deps: { db: Db; unrecorded?: UnrecordedSends },
  side: 'staff' | 'family',
  chatId: number,
  replied: Pick<Message, 'message_id' | 'from' | 'date'>,
): Promise<{ thread: Awaited<ReturnType<typeof findThread>>; unsure: boolean }> {
  const { db } = deps;
  let thread = await findThread(db, side, chatId, replied.message_id);
  const fresh = Date.now() / 1000 - replied.date <= JUST_SENT_WITHIN_SECONDS;
  if (thread || !replied.from?.is_bot || !fresh) return { thread, unsure: false };
  const repository = createRelayRepository({ db });
  for (const pauseMs of JUST_SENT_PAUSES_MS) {
    const noted = await threadOfUnrecorded(deps, side, chatId, replied.message_id);
    if (noted) return { thread: noted.thread, unsure: false };
    // Nothing on its way: recorded between the two looks, or not a message anything threads to.
    if (!(await repository.sendingTo(chatId)))
      return { thread: await findThread(db, side, chatId, replied.message_id), unsure: false };
    await sleep(pauseMs);
    thread = await findThread(db, side, chatId, replied.message_id);
    if (thread) return { thread, unsure: false };
  }
  return { thread, unsure: true };
}

export type StaffRelayResult =
  | { ok: true; messageId: number; number: number | null }
  | { ok: false; refusal: AccessRefusal };

/**
 * A curator's message to a family: checked against the sender's role and scope, stored as a `messages` row
 * (with the curator's chat and message ids) with a `message` event and the outbox row that copies it to
 * the family, in one transaction. `question`: «Ждём ответа семьи» — the request also becomes `waiting_family`.
 */
export async function relayFromStaff(
  deps: { db: Db; now?: Date },
  input: {
    telegramId: number;
    chatId: number;
    messageId: number;
    target: RelayTarget;
    content: RelayContent;
    replyToId?: number;
    question?: boolean;
  },
): Promise<StaffRelayResult> {
  const now = deps.now ?? new Date();
  return deps.db.transaction(async (tx) => {
    const repository = createRelayRepository({ db: tx });
    const checked = await authoriseStaffTarget(tx, input.telegramId, input.target, {
      lock: true,
      ...(input.question ? { question: true } : {}),
    });
    if (!checked.ok) return checked;
    const { request, presser } = checked;
    const messageId = await repository.insertMessage({
      requestId: request?.id ?? null,
      familyId: checked.familyId,
      direction: 'staff_to_family',
      senderStaffId: presser.id,
      ...input.content,
      staffChatId: input.chatId,
      staffMessageId: input.messageId,
      now,
    });
    if (request) {
      await repository.insertEvent({
        requestId: request.id,
        type: 'message',
        actorKind: 'staff',
        actorStaffId: presser.id,
        data: { messageId, direction: 'staff_to_family', kind: input.content.kind },
        createdAt: now,
      });
      if (input.question && request.status !== waitingStatus) {
        await repository.updateRequest(request.id, { status: waitingStatus, updatedAt: now });
        await repository.insertEvent({
          requestId: request.id,
          type: 'status_changed',
          actorKind: 'staff',
          actorStaffId: presser.id,
          data: { from: request.status, to: waitingStatus, messageId },
          createdAt: now,
        });
      }
    }
    await writeOutbox(tx, {
      kind: 'message_relayed',
      payload: {
        messageId,
        ...(input.replyToId !== undefined ? { replyToId: input.replyToId } : {}),
        ...(input.question ? { question: true } : {}),
      },
    });
    return { ok: true, messageId, number: request?.number ?? null } as const;
  });
}

export type FamilyRelayResult =
  | { ok: true; messageId: number; number: number | null; resumed: boolean }
  | { ok: false; reason: 'not_found' };

/**
 * A family member's message to the curator, about one of the family's requests or a general question:
 * stored with the member's chat and message ids, a `message` event, and the outbox row that copies it to
 * the curator. An answer on a request waiting for the family puts it back `in_progress`.
 */
export async function relayFromFamily(
  deps: { db: Db; now?: Date },
  input: FamilyRelayInput,
): Promise<FamilyRelayResult> {
  const now = deps.now ?? new Date();
  return deps.db.transaction((tx) => relayFamilyMessageIn(tx, input, now));
}

export interface FamilyRelayInput {
  memberId: number;
  familyId: number;
  chatId: number;
  messageId: number;
  requestId: number | null;
  content: RelayContent;
  replyToId?: number;
}

/** relayFromFamily inside the caller's transaction (a held message released: relay.held.ts). */
export async function relayFamilyMessageIn(
  tx: DbOrTx,
  input: FamilyRelayInput,
  now: Date,
): Promise<FamilyRelayResult> {
  const repository = createRelayRepository({ db: tx });
  const request =
    input.requestId === null ? undefined : await lockFamilyRequest(tx, input.familyId, input.requestId);
  if (input.requestId !== null && !request) return { ok: false, reason: 'not_found' } as const;
  const messageId = await repository.insertMessage({
    requestId: request?.id ?? null,
    familyId: input.familyId,
    direction: 'family_to_staff',
    senderMemberId: input.memberId,
    ...input.content,
    familyChatId: input.chatId,
    familyMessageId: input.messageId,
    now,
  });
  let resumed = false;
  if (request) {
    await repository.insertEvent({
      requestId: request.id,
      type: 'message',
      actorKind: 'family',
      actorMemberId: input.memberId,
      data: { messageId, direction: 'family_to_staff', kind: input.content.kind },
      createdAt: now,
    });
    if (request.status === waitingStatus) {
      resumed = true;
      await repository.updateRequest(request.id, { status: 'in_progress', updatedAt: now });
      await repository.insertEvent({
        requestId: request.id,
        type: 'status_changed',
        actorKind: 'family',
        actorMemberId: input.memberId,
        data: { from: waitingStatus, to: 'in_progress', messageId },
        createdAt: now,
      });
    }
  }
  await writeOutbox(tx, {
    kind: 'message_relayed',
    payload: { messageId, ...(input.replyToId !== undefined ? { replyToId: input.replyToId } : {}) },
  });
  return { ok: true, messageId, number: request?.number ?? null, resumed } as const;
}

/**
 * The sender edited a message that was relayed: the row takes the new words and the copies already sent are
 * edited (or corrected) through delivery. A copy not yet sent simply goes out with the new words.
 * Undefined when the edited message was never relayed.
 */
export async function recordEdit(
  deps: { db: Db; now?: Date },
  input: { side: 'staff' | 'family'; chatId: number; messageId: number; content: RelayContent },
): Promise<RelayedMessage | undefined> {
  const now = deps.now ?? new Date();
  return deps.db.transaction(async (tx) => {
    const repository = createRelayRepository({ db: tx });
    const row =
      input.side === 'staff'
        ? await repository.messageByStaffSide(input.chatId, input.messageId)
        : await repository.messageByFamilySide(input.chatId, input.messageId);
    const sentBySender =
      row &&
      (input.side === 'staff' ? row.direction === 'staff_to_family' : row.direction === 'family_to_staff');
    if (!row || !sentBySender) return undefined;
    await repository.updateMessageText(row.id, input.content.text, now);
    if (row.requestId !== null) {
      await repository.insertEvent({
        requestId: row.requestId,
        type: 'message',
        actorKind: input.side,
        ...(input.side === 'staff'
          ? { actorStaffId: row.senderStaffId }
          : { actorMemberId: row.senderMemberId }),
        data: { messageId: row.id, edited: true },
        createdAt: now,
      });
    }
    await writeOutbox(tx, { kind: 'message_edited', payload: { messageId: row.id } });
    return row;
  });
}

/**
 * What «Написать куратору» offers a family: its open requests and its curator's name, if it has one; without
 * one, who gets a general question now (routing's supervisorsFor: the district's, the regional, or nobody).
 */
export async function writeTopicsOf(db: Db, familyId: number, now = new Date()) {
  const repository = createRelayRepository({ db });
  const open = await repository.openRequestsOf(familyId);
  const curatorName = await repository.curatorNameOf(familyId);
  const supervisors =
    curatorName === undefined ? await supervisorsLevelOfFamily(db, familyId, now) : undefined;
  return { open, curatorName, supervisors };
}

/** The number of the request a family member chose to write about; undefined when it is not their family's. */
export async function familyRequestNumber(db: Db, input: { familyId: number; requestId: number }) {
  return createRelayRepository({ db }).requestNumberOfFamily(input.requestId, input.familyId);
}

/**
 * «Ответить» under a relayed message: what the staff member's next message answers, and the request's
 * number, when they may write to that family now.
 */
export async function checkReplyToMessage(
  db: Db,
  input: { telegramId: number; messageId: number },
): Promise<
  | { ok: true; target: RelayTarget & { replyToId: number }; number: number | null }
  | { ok: false; refusal: AccessRefusal }
> {
  const row = await createRelayRepository({ db }).findMessage(input.messageId);
  if (!row) return { ok: false, refusal: { reason: 'not_found' } };
  const checked = await checkStaffTarget(db, {
    telegramId: input.telegramId,
    target: { requestId: row.requestId, familyId: row.familyId },
  });
  if (!checked.ok) return checked;
  return {
    ok: true,
    target: { requestId: row.requestId, familyId: row.familyId, replyToId: row.id },
    number: checked.number,
  };
}

/** The request's cards delivery has sent and not taken back (to refresh their status line). */
export async function sentCardsOf(db: Db, requestId: number) {
  return createRelayRepository({ db }).sentCards(requestId);
}
