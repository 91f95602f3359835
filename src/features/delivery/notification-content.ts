import { eq } from 'drizzle-orm';
import { InlineKeyboard } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.js';
import { districts, families, familyMembers, messages, requests, staff } from '../../db/schema/index.js';
import type { I18n } from '../../i18n.js';
import type { SendClass } from '../../telegram/send-slots.js';
import type { OutgoingMessage } from '../../telegram/telegram-sender.js';
import { curatorCardKeyboard } from '../curator/curator.keyboards.js';
import { familyCallback } from '../curator-tools/curator-tools.keyboards.js';
import { isDeadlineNotificationKind, renderDeadlineNotification } from '../deadlines/deadlines.content.js';
import { deadlineNotificationKinds } from '../deadlines/deadlines.usecases.js';
import { isRelayNotificationKind, renderRelayNotification } from '../relay/relay.content.js';
import { relayNotificationKinds } from '../relay/relay.kinds.js';
import { cardFilesKind, filesAfterCard, renderCardFiles } from '../request-card/request-card.files.js';
import { withFullDetailsButton } from '../request-card/request-card.keyboards.js';
import { requestCardText } from '../request-card/request-card.usecases.js';
import { ratingPrompt } from '../requests/requests.keyboards.js';
import { notificationKinds, tellFamilyCardDelivered } from '../routing/routing.usecases.js';
import { erasureNoticeKind, renderErasureNotice } from '../settings/settings.erasure.js';
import {
  isSupervisionNotificationKind,
  renderSupervisionNotice,
} from '../supervision/supervision.notices.js';
import { applicantNameOf, type Notification } from './notifications.repository.js';
import { renderRetraction, retractionKind } from './retraction.js';

export interface NotificationContent {
  text: string;
  replyMarkup?: InlineKeyboardMarkup;
  /** Instead of a plain text: a relayed message (a copy, an album, an edit); see features/relay. */
  outgoing?: OutgoingMessage;
  /** Runs in the sending transaction with the ids Telegram gave the message(s). */
  afterSent?: (tx: DbOrTx, telegramMessageIds: number[]) => Promise<void>;
  /**
   * What must follow this message (a card's attachments): made in the sending transaction, after
   * `afterSent`; returns the notifications it made, which are queued after the commit.
   */
  followUps?: (tx: DbOrTx, telegramMessageIds: number[]) => Promise<number[]>;
  /** Runs in the sending transaction when the recipient blocked the bot; returns notifications it made. */
  onUnreachable?: (tx: DbOrTx) => Promise<number[]>;
  /** Not to be sent before this moment. */
  notBefore?: Date;
  /**
   * Checked in the sending transaction, with the notification row locked, just before the send: false
   * withdraws it unsent (a reminder whose request went to another curator since it was made). A change
   * committed after this check finds the row `sent` once the send ends (retraction.ts waits for the lock).
   */
  stillWanted?: (tx: DbOrTx) => Promise<boolean>;
}

/** Notices that go before ordinary ones when the send budget is short: people waiting for each other. */
const urgentKinds = new Set<string>([
  notificationKinds.requestCard,
  deadlineNotificationKinds.urgent,
  deadlineNotificationKinds.alert,
  relayNotificationKinds.toFamily,
  relayNotificationKinds.toStaff,
  relayNotificationKinds.edit,
]);

/**
 * A notification's place in the send budget (send-slots.ts): request cards, urgent alerts and relayed
 * messages first; digests last; everything else in between. A person's own replies go before all of them.
 */
export function sendClassOf(kind: string): SendClass {
  if (urgentKinds.has(kind)) return 'urgent';
  if (kind === deadlineNotificationKinds.digest) return 'bulk';
  return 'notice';
}

/** A deadline as people in the region read it: `25.11.2026, 14:30`. */
export function formatRegionTime(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('ru-RU', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}

const unreachablePayload = z.object({
  unreachableStaffId: z.number().int(),
  next: z.enum(['curator', 'supervisors', 'nobody', 'unchanged']),
  nextStaffId: z.number().int().nullable(),
});
const familyPayload = z.object({ familyId: z.number().int() });
const familyAssignedPayload = z.object({
  familyId: z.number().int(),
  reason: z.enum(['registered', 'district_changed', 'handed_over']),
});

const familyNoticePayload = z.object({
  staffId: z.number().int().positive(),
  messageId: z.number().int().positive().optional(),
});

/** What a family member is told about their request, in their own language (Russian unless they chose English). */
async function renderFamilyNotice(
  deps: { db: Db; i18n: I18n; timeZone: string },
  notification: Notification,
): Promise<NotificationContent | undefined> {
  if (notification.requestId === null || notification.recipientMemberId === null) return undefined;
  const payload = familyNoticePayload.parse(notification.payload);
  const [member] = await deps.db
    .select({ language: familyMembers.language, erasedAt: familyMembers.erasedAt })
    .from(familyMembers)
    .where(eq(familyMembers.id, notification.recipientMemberId));
  const [request] = await deps.db
    .select({ id: requests.id, number: requests.number, takenAt: requests.takenAt })
    .from(requests)
    .where(eq(requests.id, notification.requestId));
  const [curator] = await deps.db
    .select({ fullName: staff.fullName, role: staff.role })
    .from(staff)
    .where(eq(staff.id, payload.staffId));
  if (!member || member.erasedAt || !request || !curator) return undefined;
  const t = deps.i18n.forLanguage(member.language);
  const number = String(request.number);
  const note = async () => {
    if (payload.messageId === undefined) return undefined;
    const [row] = await deps.db
      .select({ text: messages.text })
      .from(messages)
      .where(eq(messages.id, payload.messageId));
    return row?.text ?? undefined;
  };
  switch (notification.kind) {
    case notificationKinds.familyRequestDelivered:
      return {
        text:
          curator.role === 'curator'
            ? t('req-delivered-curator', { number, curator: curator.fullName })
            : t('req-delivered-supervisors', { number }),
      };
    case notificationKinds.familyRequestTaken:
      return {
        text: t('cur-family-taken', {
          curator: curator.fullName,
          number,
          time: formatRegionTime(request.takenAt ?? notification.createdAt, deps.timeZone),
        }),
      };
    case notificationKinds.familyRequestResolved: {
      const prompt = ratingPrompt(t, request);
      const told = t('cur-family-resolved', {
        curator: curator.fullName,
        number,
        comment: (await note()) ?? '—',
      });
      return { text: `${told}\n\n${prompt.text}`, replyMarkup: prompt.reply_markup };
    }
    case notificationKinds.familyRequestRejected:
      return {
        text: t('cur-family-rejected', { curator: curator.fullName, number, reason: (await note()) ?? '—' }),
      };
    default:
      return undefined;
  }
}

/**
 * The text of a notification, built when it is sent: rows and job payloads keep ids only, and the card
 * shows the request as it is at that moment. Staff read Russian. Undefined for a kind this version
 * cannot render (recorded as failed, not retried).
 */
export async function renderNotification(
  deps: { db: Db; i18n: I18n; timeZone: string },
  notification: Notification,
): Promise<NotificationContent | undefined> {
  const t = deps.i18n.forLanguage('ru');
  const staffName = async (id: number) =>
    (await deps.db.select({ fullName: staff.fullName }).from(staff).where(eq(staff.id, id)))[0]?.fullName ??
    '—';

  if (isRelayNotificationKind(notification.kind)) return renderRelayNotification(deps, notification);
  if (isSupervisionNotificationKind(notification.kind)) return renderSupervisionNotice(deps, notification);
  if (isDeadlineNotificationKind(notification.kind)) return renderDeadlineNotification(deps, notification);
  switch (notification.kind) {
    case notificationKinds.requestCard: {
      if (notification.requestId === null) return undefined;
      const requestId = notification.requestId;
      const rerouted = notification.payload.rerouted === true;
      const card = await requestCardText(
        { db: deps.db, t, timeZone: deps.timeZone },
        requestId,
        rerouted ? { after: [t('delivery-request-card-rerouted')] } : {},
      );
      if (!card) return undefined;
      // Only a request still waiting to be taken offers «Взять в работу»; a card sent late shows no dead button.
      const takeable = card.status === 'assigned' || card.status === 'new';
      const keyboard = takeable ? curatorCardKeyboard(t, requestId, 'take') : new InlineKeyboard();
      withFullDetailsButton(keyboard, t, requestId, card.shortened);
      const staffId = notification.recipientStaffId;
      const files = staffId === null ? undefined : filesAfterCard(notification, requestId, staffId);
      return {
        text: card.text,
        ...(keyboard.inline_keyboard.flat().length > 0 ? { replyMarkup: keyboard } : {}),
        // The family's files follow the card, as replies to it, in the commit that marks it sent; the
        // family learns who has the request now that it has arrived.
        ...(staffId === null || !files
          ? {}
          : {
              followUps: async (tx: DbOrTx, ids: number[]) => [
                ...(await files(tx, ids)),
                ...(await tellFamilyCardDelivered(tx, { requestId, staffId })),
              ],
            }),
      };
    }
    case cardFilesKind:
      return renderCardFiles(deps, notification);
    case retractionKind:
      return renderRetraction(deps, notification);
    case erasureNoticeKind:
      return renderErasureNotice(deps, notification);
    case notificationKinds.familyRequestDelivered:
    case notificationKinds.familyRequestTaken:
    case notificationKinds.familyRequestResolved:
    case notificationKinds.familyRequestRejected:
      return renderFamilyNotice(deps, notification);
    case notificationKinds.curatorRequestCancelled:
    case notificationKinds.curatorRequestReopened: {
      if (notification.requestId === null) return undefined;
      const [request] = await deps.db
        .select({ number: requests.number })
        .from(requests)
        .where(eq(requests.id, notification.requestId));
      if (!request) return undefined;
      const number = String(request.number);
      if (notification.kind === notificationKinds.curatorRequestCancelled) {
        return { text: t('cur-staff-cancelled', { number }) };
      }
      const card = await requestCardText(
        { db: deps.db, t, timeZone: deps.timeZone },
        notification.requestId,
        { before: t('cur-staff-reopened', { number }) },
        { filesFollow: false },
      );
      if (!card) return undefined;
      const inWork = card.status === 'in_progress' || card.status === 'waiting_family';
      const keyboard = inWork ? curatorCardKeyboard(t, notification.requestId, 'work') : new InlineKeyboard();
      withFullDetailsButton(keyboard, t, notification.requestId, card.shortened);
      return {
        text: card.text,
        ...(keyboard.inline_keyboard.flat().length > 0 ? { replyMarkup: keyboard } : {}),
      };
    }
    case notificationKinds.familyAssigned: {
      const { familyId, reason } = familyAssignedPayload.parse(notification.payload);
      const [family] = await deps.db
        .select({ district: districts.name, curatorId: families.curatorId, erasedAt: families.erasedAt })
        .from(families)
        .innerJoin(districts, eq(districts.id, families.districtId))
        .where(eq(families.id, familyId));
      // Handed on again before this was sent, or erased at the family's request: nothing true to say.
      if (!family || family.erasedAt || family.curatorId !== notification.recipientStaffId) return undefined;
      return {
        text: t('delivery-family-assigned', {
          reason,
          name: (await applicantNameOf(deps.db, familyId)) ?? t('relay-family-unknown'),
          district: family.district,
        }),
        replyMarkup: new InlineKeyboard().text(t('cur-button-family'), familyCallback(familyId, 'card')),
      };
    }
    case notificationKinds.familyWithoutCurator: {
      const { familyId } = familyPayload.parse(notification.payload);
      const [row] = await deps.db
        .select({ district: districts.name })
        .from(families)
        .innerJoin(districts, eq(districts.id, families.districtId))
        .where(eq(families.id, familyId));
      if (!row) return undefined;
      return { text: t('delivery-family-without-curator', { district: row.district, familyId }) };
    }
    case notificationKinds.recipientUnreachable: {
      const payload = unreachablePayload.parse(notification.payload);
      if (notification.requestId === null) return undefined;
      const [request] = await deps.db
        .select({ number: requests.number })
        .from(requests)
        .where(eq(requests.id, notification.requestId));
      if (!request) return undefined;
      const next =
        payload.next === 'curator' && payload.nextStaffId !== null
          ? await staffName(payload.nextStaffId)
          : payload.next === 'supervisors'
            ? t('delivery-supervisors')
            : payload.next;
      return {
        text: t('delivery-recipient-unreachable', {
          unreachable: await staffName(payload.unreachableStaffId),
          number: String(request.number),
          next,
        }),
      };
    }
    default:
      return undefined;
  }
}
