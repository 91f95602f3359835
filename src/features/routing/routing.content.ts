import { eq } from 'drizzle-orm';
import { InlineKeyboard } from 'grammy';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import { districts, families, familyMembers, messages, requests, staff } from '../../db/schema/index.js';
import { formatRegionTime } from '../../time.js';
import { cardStageOf, curatorCardKeyboard } from '../curator/index.js';
import { familyCallback } from '../curator-tools/index.js';
import {
  applicantNameOf,
  type FeatureNotifications,
  type Notification,
  type NotificationContent,
  type RenderDeps,
} from '../delivery/index.js';
import { filesAfterCard, requestCardText, withFullDetailsButton } from '../request-card/index.js';
import { ratingPrompt } from '../requests/index.js';
import { notificationKinds } from './routing.kinds.js';
import { tellFamilyCardDelivered } from './routing.usecases.js';

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

async function requestNumber(deps: RenderDeps, requestId: number): Promise<string | undefined> {
  const [request] = await deps.db
    .select({ number: requests.number })
    .from(requests)
    .where(eq(requests.id, requestId));
  return request ? String(request.number) : undefined;
}

/**
 * Whether a family member was just told that their request now goes to `staffId` (a supervisor's
 * reassignment): supervision knows, and app.ts hands its answer in, so routing imports no supervision.
 */
export type ToldReassignedTo = (
  db: DbOrTx,
  told: { requestId: number; memberId: number; staffId: number },
) => Promise<boolean>;

interface RoutingRenderDeps {
  toldReassignedTo: ToldReassignedTo;
}

/** What a family member is told about their request, in their own language (Russian unless they chose English). */
async function renderFamilyNotice(
  deps: RenderDeps,
  notification: Notification,
  { toldReassignedTo }: RoutingRenderDeps,
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
    .select({ fullName: staff.fullName, role: staff.role, regional: staff.regional })
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
            : t('req-delivered-supervisors', { number, level: curator.regional ? 'regional' : 'district' }),
      };
    case notificationKinds.familyRequestTaken:
      return {
        text: t('cur-family-taken', {
          curator: curator.fullName,
          // Just told «теперь занимается куратор …» (a reassignment): the name is not introduced again.
          introduced: (await toldReassignedTo(deps.db, {
            requestId: request.id,
            memberId: notification.recipientMemberId,
            staffId: payload.staffId,
          }))
            ? 'yes'
            : 'no',
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

/** The notices of routing (notificationKinds); staff read Russian, a family in their own language. */
async function renderRoutingNotification(
  deps: RenderDeps,
  notification: Notification,
  routingDeps: RoutingRenderDeps,
): Promise<NotificationContent | undefined> {
  switch (notification.kind) {
    case notificationKinds.requestCard:
      return renderRequestCard(deps, notification);
    case notificationKinds.familyRequestDelivered:
    case notificationKinds.familyRequestTaken:
    case notificationKinds.familyRequestResolved:
    case notificationKinds.familyRequestRejected:
      return renderFamilyNotice(deps, notification, routingDeps);
    case notificationKinds.curatorRequestCancelled:
      return renderCancelled(deps, notification);
    case notificationKinds.curatorRequestReopened:
      return renderReopened(deps, notification);
    case notificationKinds.familyAssigned:
      return renderFamilyAssigned(deps, notification);
    case notificationKinds.familyWithoutCurator:
      return renderFamilyWithoutCurator(deps, notification);
    case notificationKinds.recipientUnreachable:
      return renderRecipientUnreachable(deps, notification);
    default:
      return undefined;
  }
}

/** The request card a curator (or a district's supervisors) receives, with the family's files after it. */
async function renderRequestCard(deps: RenderDeps, notification: Notification) {
  if (notification.requestId === null) return undefined;
  const t = deps.i18n.forLanguage('ru');
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

async function renderCancelled(deps: RenderDeps, notification: Notification) {
  if (notification.requestId === null) return undefined;
  const number = await requestNumber(deps, notification.requestId);
  if (number === undefined) return undefined;
  return { text: deps.i18n.forLanguage('ru')('cur-staff-cancelled', { number }) };
}

/** A request the family opened again: its card, with the buttons of the stage it is in. */
async function renderReopened(deps: RenderDeps, notification: Notification) {
  if (notification.requestId === null) return undefined;
  const number = await requestNumber(deps, notification.requestId);
  if (number === undefined) return undefined;
  const t = deps.i18n.forLanguage('ru');
  const card = await requestCardText(
    { db: deps.db, t, timeZone: deps.timeZone },
    notification.requestId,
    { before: t('cur-staff-reopened', { number }) },
    { filesFollow: false },
  );
  if (!card) return undefined;
  const stage = cardStageOf(card.status);
  const inWork = stage === 'work' || stage === 'waiting';
  const keyboard = inWork ? curatorCardKeyboard(t, notification.requestId, stage) : new InlineKeyboard();
  withFullDetailsButton(keyboard, t, notification.requestId, card.shortened);
  return {
    text: card.text,
    ...(keyboard.inline_keyboard.flat().length > 0 ? { replyMarkup: keyboard } : {}),
  };
}

async function renderFamilyAssigned(deps: RenderDeps, notification: Notification) {
  const t = deps.i18n.forLanguage('ru');
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

async function renderFamilyWithoutCurator(deps: RenderDeps, notification: Notification) {
  const { familyId } = familyPayload.parse(notification.payload);
  const [row] = await deps.db
    .select({ district: districts.name })
    .from(families)
    .innerJoin(districts, eq(districts.id, families.districtId))
    .where(eq(families.id, familyId));
  if (!row) return undefined;
  const t = deps.i18n.forLanguage('ru');
  return { text: t('delivery-family-without-curator', { district: row.district, familyId }) };
}

/** A curator who blocked the bot: who could not be reached, about which request, and who has it now. */
async function renderRecipientUnreachable(deps: RenderDeps, notification: Notification) {
  const payload = unreachablePayload.parse(notification.payload);
  if (notification.requestId === null) return undefined;
  const number = await requestNumber(deps, notification.requestId);
  if (number === undefined) return undefined;
  const t = deps.i18n.forLanguage('ru');
  const staffName = async (id: number) =>
    (await deps.db.select({ fullName: staff.fullName }).from(staff).where(eq(staff.id, id)))[0]?.fullName ??
    '—';
  const next =
    payload.next === 'curator' && payload.nextStaffId !== null
      ? await staffName(payload.nextStaffId)
      : payload.next === 'supervisors'
        ? t('delivery-supervisors')
        : payload.next;
  return {
    text: t('delivery-recipient-unreachable', {
      unreachable: await staffName(payload.unreachableStaffId),
      number,
      next,
    }),
  };
}

/** Request cards and the notices around them, for delivery's registry. */
export function createRoutingNotifications(routingDeps: RoutingRenderDeps): FeatureNotifications {
  return {
    kinds: Object.values(notificationKinds),
    render: (deps, notification) => renderRoutingNotification(deps, notification, routingDeps),
    // The curator is waiting for the card, the family for the curator.
    sendClasses: { [notificationKinds.requestCard]: 'urgent' },
  };
}
