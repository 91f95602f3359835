import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.js';
import { notifications, requests, staff } from '../../db/schema/index.js';
import type { I18n } from '../../i18n.js';
import { writeOutbox } from '../../queue/outbox.js';
import type { FeatureNotifications, NotificationContent } from './notification-registry.js';
import {
  insertNotifications,
  type Notification,
  sentStepsOf,
  withdrawnReason,
} from './notifications.repository.js';

/**
 * A message the bot sent to a staff chat earlier, taken back: its text (or caption) replaced by a short
 * notice and its buttons removed, one Bot API call per message through the delivery queue and its limits.
 * - `handed_over`: a supervisor gave the request to another curator (or, when its curator left the service
 *   and no colleague could take it, it stays for the district supervisors: no `toStaffId`); the cards and
 *   reminders the previous one got no longer offer anything (issue 13 §2). The access rule refuses their
 *   buttons anyway.
 * - `erased`: the family deleted its data; nothing of it stays readable in staff chats (issue 13 §3). A
 *   message whose text cannot be replaced (a photo, a video note) is deleted, which Telegram allows within
 *   48 hours of sending; after that its file is replaced by a blank one with the notice as its caption (a
 *   voice message or a video note, which Telegram cannot replace, keeps its file: only a caption changes).
 * - `access_ended`: the recipient left the service (deactivated) and the message is not about something
 *   handed on to a colleague (a supervisor's cards and alerts, a closed request's card, an alert about a
 *   request that was never theirs): their access ended. A psychologist's message about a booking names the
 *   booking (its number is the one they know) and says whether their leaving cancelled it.
 * A take-back made when the recipient left (`access_ended`, or `handed_over` with `left`) deletes a file as
 * `erased` does: a former employee keeps no family's photos or documents.
 */
export const retractionKind = 'staff_message_retracted';

const retractionPayload = z.object({
  /** The message in the recipient's chat. */
  messageId: z.number().int().positive(),
  reason: z.enum(['handed_over', 'erased', 'access_ended']),
  /** handed_over: who has the request now; none: the supervisors (`supervisors` says which). */
  toStaffId: z.number().int().positive().optional(),
  /** handed_over to no curator: the district's supervisors, or (the district has none) the regional ones. */
  supervisors: z.enum(['district', 'regional']).optional(),
  /** The recipient left the service: a file is deleted rather than its caption replaced. */
  left: z.boolean().optional(),
  /** Deleted rather than edited (a phone intake's exchange: the curator's own messages cannot be edited). */
  deleteFirst: z.boolean().optional(),
  /** access_ended of a psychologist's message about a booking: the booking it names (№ is its id). */
  consultationId: z.number().int().positive().optional(),
  /** …and that booking was cancelled by their leaving (the family told and offered other times). */
  cancelled: z.boolean().optional(),
});
export type RetractionReason = z.infer<typeof retractionPayload>['reason'];

/**
 * Why messages are taken back: handed over (to a curator, or with no `toStaffId` to the supervisors —
 * `supervisors` says which, when known), erased, or the recipient's access ended. `left`: the recipient left
 * the service (their files are deleted).
 */
export type TakeBack =
  | {
      kind: 'handed_over';
      toStaffId?: number | undefined;
      supervisors?: SupervisorsLevel | undefined;
      left?: boolean;
    }
  | { kind: 'erased' }
  | { kind: 'access_ended'; consultation?: { id: number; cancelled: boolean } };

/** Which supervisors have a request nobody else could take: the district's, or the region's. */
export type SupervisorsLevel = 'district' | 'regional';

/** Every message a notification made in its chat: each step's, its headings', or the one it is. */
export function messageIdsOf(notification: Pick<Notification, 'telegramMessageId' | 'payload'>): number[] {
  const ids = new Set<number>(sentStepsOf(notification.payload).flat());
  const headings = notification.payload.sentHeadings;
  if (Array.isArray(headings)) for (const id of headings) if (Number.isInteger(id)) ids.add(id as number);
  if (notification.telegramMessageId !== null) ids.add(notification.telegramMessageId);
  return [...ids].sort((a, b) => a - b);
}

/** A sent notification in a staff chat to be taken back. */
export type RetractionTarget = Pick<
  Notification,
  'chatId' | 'telegramMessageId' | 'payload' | 'recipientStaffId' | 'requestId'
> & { familyId?: number | null };

/**
 * The notifications that take these messages back: one per message, keyed by chat and message, so a
 * message is taken back once for each reason however often this runs. `reason` may differ per target (a
 * deactivation's requests went to different people).
 */
export async function retractMessages<T extends RetractionTarget>(
  db: DbOrTx,
  targets: T[],
  reasonOf: TakeBack | ((target: T) => TakeBack),
): Promise<number[]> {
  const rows = targets.flatMap((target) => {
    const reason = typeof reasonOf === 'function' ? reasonOf(target) : reasonOf;
    return messageIdsOf(target).map((messageId) => ({
      kind: retractionKind,
      dedupeKey: `retract:${reason.kind}:${target.chatId}:${messageId}`,
      requestId: target.requestId,
      recipientStaffId: target.recipientStaffId,
      chatId: target.chatId,
      ...(target.familyId !== undefined ? { familyId: target.familyId } : {}),
      payload: {
        messageId,
        reason: reason.kind,
        ...(reason.kind === 'handed_over' ? handedOverPayload(reason) : {}),
        ...(reason.kind === 'access_ended' && reason.consultation
          ? { consultationId: reason.consultation.id, cancelled: reason.consultation.cancelled }
          : {}),
        ...(typedByStaff.has(String(target.payload.what)) ? { deleteFirst: true } : {}),
      },
    }));
  });
  return insertNotifications(db, rows);
}

function handedOverPayload(reason: Extract<TakeBack, { kind: 'handed_over' }>) {
  return {
    ...(reason.toStaffId !== undefined ? { toStaffId: reason.toStaffId } : {}),
    ...(reason.toStaffId === undefined && reason.supervisors !== undefined
      ? { supervisors: reason.supervisors }
      : {}),
    ...(reason.left ? { left: true } : {}),
  };
}

/**
 * Views that hold what a staff member typed (a phone intake's exchange, a psychologist's `/note`): taken back
 * by deleting the messages, since a person's own message cannot be edited by the bot.
 */
const typedByStaff = new Set(['intake', 'typed_note']);

/** The columns of a sent notification that retractMessages needs. */
export const retractionTargetColumns = {
  chatId: notifications.chatId,
  telegramMessageId: notifications.telegramMessageId,
  payload: notifications.payload,
  recipientStaffId: notifications.recipientStaffId,
  requestId: notifications.requestId,
};

/** A condition on notifications: this row's message has not been taken back (its buttons are still live). */
export const notRetracted = sql`not exists (
  select 1 from ${notifications} r
  where r.kind = ${retractionKind} and r.chat_id = ${notifications.chatId}
    and (r.payload->>'messageId')::int = ${notifications.telegramMessageId})`;

/**
 * Of these rows (locked by the caller, so a send in flight has ended): those still pending do not go
 * (`failed`, «withdrawn: …»), and every message shown is taken back — a sent one's, and the parts already
 * shown of one withdrawn between its parts (messageIdsOf: its steps).
 */
export async function withdrawAndTakeBack<T extends RetractionTarget & { id: number; status: string }>(
  tx: DbOrTx,
  rows: T[],
  reason: TakeBack | ((row: T) => TakeBack),
): Promise<number[]> {
  await withdrawPending(
    tx,
    rows.filter((row) => row.status === 'pending').map((row) => row.id),
  );
  return retractMessages(tx, rows, reason);
}

/**
 * These notifications, those still pending, do not go: `failed`, «withdrawn: …» (the caller locked them, so
 * one whose send was in flight is `sent` by now and stays so).
 */
export async function withdrawPending(tx: DbOrTx, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(notifications)
    .set({ status: 'failed', lastError: withdrawnReason })
    .where(and(inArray(notifications.id, ids), eq(notifications.status, 'pending')));
}

/**
 * Every notification still pending for this staff member, locked FOR UPDATE in id order (a send in flight,
 * which holds its row, is waited for and is `sent` by then): what their deactivation withdraws. Ids only.
 * `exceptTakeBacks`: not the messages taking a family's data back from their chat (those still go).
 */
export async function lockPendingOfStaff(
  tx: DbOrTx,
  staffId: number,
  options: { exceptTakeBacks?: boolean } = {},
): Promise<number[]> {
  const rows = await tx
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        eq(notifications.recipientStaffId, staffId),
        eq(notifications.status, 'pending'),
        options.exceptTakeBacks ? ne(notifications.kind, retractionKind) : undefined,
      ),
    )
    .orderBy(notifications.id)
    .for('update');
  return rows.map((row) => row.id);
}

/**
 * After a reassignment: the request's cards, reminders and notices with buttons in the chats of curators
 * who no longer have it (everyone but `toStaffId`; supervisors keep theirs, they may still act). Those sent
 * are taken back; those still pending are withdrawn unsent, and the parts of one already shown (a message
 * sent in several parts, withdrawn between two) taken back. The rows are locked first, so a send in flight
 * (its row held by the delivery worker) is waited for and then taken back like any other sent message.
 */
export async function retractHandedOver(
  db: Db,
  input: { requestId: number; toStaffId: number; kinds: readonly string[] },
): Promise<number[]> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: notifications.id, status: notifications.status, ...retractionTargetColumns })
      .from(notifications)
      .innerJoin(staff, eq(staff.id, notifications.recipientStaffId))
      .where(
        and(
          eq(notifications.requestId, input.requestId),
          inArray(notifications.status, ['pending', 'sent']),
          inArray(notifications.kind, [...input.kinds]),
          ne(notifications.recipientStaffId, input.toStaffId),
          eq(staff.role, 'curator'),
        ),
      )
      .orderBy(notifications.id)
      .for('update', { of: notifications });
    return withdrawAndTakeBack(tx, rows, { kind: 'handed_over', toStaffId: input.toStaffId });
  });
}

/** The notice that replaces a message taken back, built when it is sent. */
export async function renderRetraction(
  deps: { db: Db; i18n: I18n },
  notification: Notification,
): Promise<NotificationContent | undefined> {
  const payload = retractionPayload.parse(notification.payload);
  const t = deps.i18n.forLanguage('ru');
  const [request] =
    notification.requestId === null
      ? []
      : await deps.db
          .select({ number: requests.number })
          .from(requests)
          .where(eq(requests.id, notification.requestId));
  const number = request ? String(request.number) : 'none';
  let text: string;
  if (payload.reason === 'erased') {
    text = t('retracted-erased', { number });
  } else if (payload.reason === 'access_ended' && payload.consultationId !== undefined) {
    text = t('retracted-consultation', {
      consultationId: payload.consultationId,
      cancelled: payload.cancelled ? 'yes' : 'no',
    });
  } else if (payload.reason === 'access_ended') {
    text = t('retracted-access-ended', { number });
  } else if (payload.toStaffId === undefined) {
    text = t('retracted-to-supervisors', { number, level: payload.supervisors ?? 'unknown' });
  } else {
    const [curator] = await deps.db
      .select({ name: staff.fullName })
      .from(staff)
      .where(eq(staff.id, payload.toStaffId));
    text = t('retracted-handed-over', { number, curator: curator?.name ?? '—' });
  }
  return {
    text,
    outgoing: {
      type: 'retract',
      messageId: payload.messageId,
      text,
      deleteIfNoText: payload.reason !== 'handed_over' || payload.left === true,
      ...(payload.deleteFirst ? { deleteFirst: true } : {}),
    },
  };
}

/**
 * A staff view the bot sent in answer to a button or a command (a family card, «Показать полностью», a
 * search result): not a delivery, but a message showing a family's data in a staff chat. Recorded as an
 * already-sent notification so «Удалить мои данные» finds and takes it back like a delivered card; never
 * sent or rendered. Recorded under the staff member's row (shared): a view sent while their deactivation
 * commits, which its scan could not see, is taken back as soon as it is recorded.
 */
export const staffViewKind = 'staff_view_shown';

export async function recordStaffView(
  db: DbOrTx,
  view: {
    staffId: number;
    chatId: number;
    messageIds: number[];
    familyId: number;
    requestId?: number | null;
    /**
     * intake: a phone intake's questions and the curator's answers, deleted rather than edited; agenda: a
     * psychologist's `/today` or `/week` (a row for each family shown); notes: a consultation's notes;
     * typed_note: the psychologist's own `/note` message, deleted rather than edited.
     */
    what: 'family_card' | 'details' | 'search' | 'intake' | 'agenda' | 'notes' | 'typed_note';
    /** The consultation a psychologist's view is of (its take-back names the booking). */
    consultationId?: number;
  },
) {
  const [first, ...rest] = view.messageIds;
  if (first === undefined) return;
  await db.transaction(async (tx) => {
    // Shared with a deactivation (which updates the row): one under way is waited for, and one that comes
    // after this finds the view recorded and takes it back itself.
    const [member] = await tx
      .select({ active: staff.active })
      .from(staff)
      .where(eq(staff.id, view.staffId))
      .for('share');
    const [row] = await tx
      .insert(notifications)
      .values({
        dedupeKey: `shown:${view.chatId}:${first}:family:${view.familyId}`,
        kind: staffViewKind,
        requestId: view.requestId ?? null,
        familyId: view.familyId,
        recipientStaffId: view.staffId,
        chatId: view.chatId,
        status: 'sent',
        telegramMessageId: first,
        payload: {
          what: view.what,
          ...(view.consultationId !== undefined ? { consultationId: view.consultationId } : {}),
          ...(rest.length > 0 ? { sentSteps: [[first], ...rest.map((id) => [id])] } : {}),
        },
        sentAt: new Date(),
      })
      .onConflictDoNothing()
      .returning({ id: notifications.id, status: notifications.status, ...retractionTargetColumns });
    if (!row || member?.active !== false) return;
    // Sent while their deactivation was committing (it could not see this view): taken back now, as it
    // would have been, and put in the chat's lane by the same event.
    const takenBackIds = await withdrawAndTakeBack(tx, [row], { kind: 'access_ended' });
    await writeOutbox(tx, {
      kind: 'staff_deactivated',
      payload: { staffId: view.staffId, readdressedIds: [], takenBackIds },
    });
  });
}

/** Messages taken back, for delivery's registry (delivery's own kind, registered like any other). */
export const retractionNotifications: FeatureNotifications = {
  kinds: [retractionKind],
  render: renderRetraction,
};
